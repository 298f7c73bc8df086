/**
 * One auth-failure suite, run against every protected route: no token, malformed, wrong
 * signature, expired, wrong audience, alg=none, and an anonymous-sign-in user on paid routes.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessClaims, signHs256, unsignedNone } from '../../support/tokens';
import { call, errorCode, newUser, token, type TestUser } from '../../support/api';
import { PROTECTED_ROUTES } from '../../support/routes';

let user: TestUser;
const bad: Record<string, string> = {};

beforeAll(async () => {
  user = await newUser();
  const claims = accessClaims(env.SUPABASE_URL, user.id);
  bad.malformed = 'not-a-jwt';
  bad['wrong signature'] = await signHs256(claims, 'a-different-secret-that-is-32-chars-or-more');
  bad.expired = await signHs256({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 });
  bad['wrong audience'] = await signHs256({ ...claims, aud: 'other-app' });
  bad['alg none'] = unsignedNone(claims);
  bad['anon key'] = env.SUPABASE_ANON_KEY;
});

describe.each(PROTECTED_ROUTES)('$method $path', (route) => {
  const send = (authorization?: string) =>
    call(route.method, route.path, {
      body: route.body,
      headers: { ...route.headers, ...(authorization ? { Authorization: authorization } : {}) },
    });

  it('refuses a request without a token (401 AUTH_004)', async () => {
    const response = await send();
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('AUTH_004');
  });

  it.each(['malformed', 'wrong signature', 'wrong audience', 'alg none', 'anon key'])('refuses a %s token (401 AUTH_004)', async (kind) => {
    const response = await send(`Bearer ${bad[kind]}`);
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('AUTH_004');
  });

  it('refuses an expired token (401 AUTH_003)', async () => {
    const response = await send(`Bearer ${bad.expired}`);
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('AUTH_003');
  });

  it('refuses a non-Bearer scheme', async () => {
    const response = await send(`Basic ${btoa('user:pass')}`);
    expect(await errorCode(response)).toBe('AUTH_004');
  });

  it(route.paid ? 'refuses an anonymous-sign-in user (403 AUTH_005)' : 'lets an anonymous-sign-in user through', async () => {
    const anonymous = await token(user.id, { is_anonymous: true });
    const response = await send(`Bearer ${anonymous}`);
    if (route.paid) {
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('AUTH_005');
    } else {
      expect(response.status).toBe(200);
    }
  });
});
