/**
 * The local stack's JWT code: HS256 and ES256 round trips, the published JWK, and every refusal
 * (tampering, wrong key, alg none, algorithm confusion, malformed input, time claims).
 */
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateEs256Key, publicJwk, signJwt, verifyJwt, type JwtKeys } from '../../supabase/local/jwt';
import { LOCAL_ANON_KEY, LOCAL_JWT_SECRET, LOCAL_SERVICE_ROLE_KEY } from '../../supabase/local/stack';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const hsKeys: JwtKeys = { secret: LOCAL_JWT_SECRET };
const esKeys: JwtKeys = { secret: LOCAL_JWT_SECRET, es256: generateEs256Key() };

function failure(token: string, keys: JwtKeys = hsKeys) {
  const result = verifyJwt(token, keys);
  if (result.ok) throw new Error('token was accepted');
  return result.failure;
}

describe('HS256', () => {
  it('verifies the well-known anon and service keys', () => {
    expect(verifyJwt(LOCAL_ANON_KEY, hsKeys)).toMatchObject({ ok: true, claims: { role: 'anon', iss: 'supabase-demo' } });
    expect(verifyJwt(LOCAL_SERVICE_ROLE_KEY, hsKeys)).toMatchObject({ ok: true, claims: { role: 'service_role' } });
  });

  it('round-trips claims and refuses a tampered payload or another secret', () => {
    const token = signJwt({ sub: 'u1', role: 'authenticated', exp: now + 60 }, hsKeys);
    expect(verifyJwt(token, hsKeys)).toEqual({ ok: true, claims: { sub: 'u1', role: 'authenticated', exp: now + 60 } });
    const [header, , signature] = token.split('.');
    expect(failure(`${header}.${b64({ sub: 'u1', role: 'service_role', exp: now + 60 })}.${signature}`).kind).toBe('signature');
    expect(failure(token, { secret: 'another-secret-that-is-long-enough-000000' }).kind).toBe('signature');
  });

  it('refuses an expired token, one not valid yet, and one issued in the future', () => {
    expect(failure(signJwt({ exp: now - 120 }, hsKeys))).toEqual({ kind: 'claims', message: 'JWT expired' });
    expect(failure(signJwt({ nbf: now + 600 }, hsKeys)).kind).toBe('claims');
    expect(failure(signJwt({ iat: now + 600 }, hsKeys)).kind).toBe('claims');
    expect(failure(signJwt({ exp: 'soon' }, hsKeys)).kind).toBe('claims');
    // Within the 30 s clock skew PostgREST allows.
    expect(verifyJwt(signJwt({ exp: now - 5 }, hsKeys), hsKeys).ok).toBe(true);
  });
});

describe('ES256', () => {
  it('signs with a kid and verifies with the published public JWK', () => {
    const token = signJwt({ sub: 'u2' }, esKeys, 'ES256');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'ES256', kid: esKeys.es256!.kid, typ: 'JWT' });
    expect(verifyJwt(token, esKeys)).toEqual({ ok: true, claims: { sub: 'u2' } });

    const jwk = publicJwk(esKeys.es256!);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: esKeys.es256!.kid, use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    expect(valid).toBe(true);
  });

  it('refuses another key pair, an unknown kid, and ES256 when the stack has no ES256 key', () => {
    const other: JwtKeys = { secret: LOCAL_JWT_SECRET, es256: generateEs256Key() };
    const foreign = signJwt({ sub: 'u3' }, other, 'ES256');
    expect(failure(foreign, esKeys).kind).toBe('signature');
    expect(failure(signJwt({ sub: 'u3' }, esKeys, 'ES256'), hsKeys).kind).toBe('signature');
    const [, payload, signature] = signJwt({ sub: 'u3' }, esKeys, 'ES256').split('.');
    expect(failure(`${b64({ alg: 'ES256', kid: 'someone-else' })}.${payload}.${signature}`, esKeys).kind).toBe('signature');
  });
});

describe('refusals', () => {
  it('refuses alg none, with or without a signature', () => {
    const payload = b64({ role: 'service_role' });
    expect(failure(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`).kind).toBe('algorithm');
    expect(failure(`${b64({ alg: 'None' })}.${payload}.c2ln`).kind).toBe('algorithm');
  });

  it('refuses algorithms outside the allow-list, including HS256-with-the-public-key confusion', () => {
    const payload = b64({ role: 'service_role' });
    expect(failure(`${b64({ alg: 'RS256' })}.${payload}.c2ln`, esKeys).kind).toBe('algorithm');
    expect(failure(`${b64({ alg: 'HS512' })}.${payload}.c2ln`).kind).toBe('algorithm');
    const publicPem = esKeys.es256!.publicKey.export({ format: 'pem', type: 'spki' });
    const input = `${b64({ alg: 'HS256', kid: esKeys.es256!.kid })}.${payload}`;
    const forged = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    expect(failure(forged, esKeys).kind).toBe('signature');
  });

  it.each([
    ['', 'Expected 3 parts in JWT; got 1'],
    ['abc', 'Expected 3 parts in JWT; got 1'],
    ['a.b', 'Expected 3 parts in JWT; got 2'],
    ['a.b.c.d', 'Expected 3 parts in JWT; got 4'],
    ['!!!.e30.sig', 'JWT could not be decoded'],
    [`${b64('not json')}.e30.sig`, 'JWT could not be decoded'],
    [`${b64({ alg: 'HS256' })}.${b64('[1]')}.sig`, 'JWT could not be decoded'],
    [`${b64({ typ: 'JWT' })}.e30.sig`, 'JWT could not be decoded'],
    [`${b64({ alg: 'HS256' })}.e30.s+g`, 'JWT could not be decoded'],
  ])('refuses malformed token %j', (token, message) => {
    expect(failure(token)).toEqual({ kind: 'malformed', message });
  });
});
