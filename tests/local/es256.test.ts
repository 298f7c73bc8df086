/**
 * The stack with `jwtAlg: 'ES256'`: user access tokens signed with a key generated at start,
 * its public half published at the JWKS route, and both the RPC and Auth endpoints accepting them
 * (while still accepting the HS256 anon and service keys).
 */
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { client, http, rpc, signIn, uniqueEmail, useStack } from './helpers';

const ctx = useStack({ jwtAlg: 'ES256' });

describe('ES256 access tokens', () => {
  it('publishes the signing key and signs user tokens with it', async () => {
    const jwks = (await http(ctx.stack, 'GET', '/auth/v1/.well-known/jwks.json')).json;
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(jwk).not.toHaveProperty('d');

    const session = await signIn(ctx.stack, uniqueEmail());
    const [header, payload, signature] = session.access_token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' });
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    expect(
      verify('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')),
    ).toBe(true);
  });

  it('accepts ES256 user tokens at the RPC and Auth endpoints, and the HS256 keys still', async () => {
    const session = await signIn(ctx.stack, uniqueEmail());
    expect((await rpc(ctx.stack, 'fx_claims', {}, { token: session.access_token })).json).toMatchObject({
      role: 'authenticated',
      uid: session.user.id,
    });
    expect((await client(ctx.stack).auth.getUser(session.access_token)).data.user?.id).toBe(session.user.id);
    expect((await rpc(ctx.stack, 'fx_claims', {}, { token: ctx.stack.serviceRoleKey })).json).toMatchObject({ role: 'service_role' });
  });

  it('refuses a token whose ES256 signature was tampered with', async () => {
    const session = await signIn(ctx.stack, uniqueEmail());
    const [header, , signature] = session.access_token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: session.user.id, role: 'service_role' })).toString('base64url');
    const response = await rpc(ctx.stack, 'fx_claims', {}, { token: `${header}.${payload}.${signature}` });
    expect(response).toMatchObject({ status: 401, json: { code: 'PGRST301', message: 'JWT cryptographic operation failed' } });
  });
});
