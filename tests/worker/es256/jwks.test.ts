/**
 * A Supabase project with asymmetric signing keys, end to end: the local stack signs access tokens
 * with ES256 and publishes the key at /auth/v1/.well-known/jwks.json; this Worker has no shared
 * secret, so it can only accept a token by fetching that JWKS and checking the signature itself.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, errorCode, signInWithCode } from '../../support/api';
import { accessClaims, signHs256 } from '../../support/tokens';

describe('ES256 access tokens checked through the project JWKS', () => {
  it('accepts a token the project signed, and RLS sees the same user', async () => {
    const { userId, accessToken } = await signInWithCode(`es256-${crypto.randomUUID()}@example.test`);
    const header = JSON.parse(atob(accessToken.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/')));
    expect(header).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(env.SUPABASE_JWT_SECRET).toBe('');

    const me = await call('GET', '/api/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { id: string } }).user.id).toBe(userId);

    const created = await call('POST', '/api/projects', { token: accessToken, body: { name: 'عيادة الأسنان' } });
    expect(created.status).toBe(201);
    const list = (await (await call('GET', '/api/projects', { token: accessToken })).json()) as { projects: Array<{ slug: string }> };
    expect(list.projects.map((project) => project.slug)).toEqual(['عيادة-الأسنان']);
  });

  it('refuses an HS256 token signed with the well-known local secret', async () => {
    const forged = await signHs256(accessClaims(env.SUPABASE_URL, crypto.randomUUID()));
    const response = await call('GET', '/api/me', { token: forged });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('AUTH_004');
  });

  it('refuses a project-signed token whose claims were altered', async () => {
    const { accessToken } = await signInWithCode(`es256-${crypto.randomUUID()}@example.test`);
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const altered = btoa(JSON.stringify({ ...claims, sub: crypto.randomUUID() }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    const response = await call('GET', '/api/me', { token: `${header}.${altered}.${signature}` });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('AUTH_004');
  });
});
