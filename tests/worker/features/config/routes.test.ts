/** GET /api/config gives the browser the public Supabase settings and nothing secret. */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { createApp } from '../../../../worker/app';
import { call } from '../../../support/api';

it('returns the project URL, the anon key and whether Google is on, never the service key or JWT secret', async () => {
  const response = await call('GET', '/api/config');
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(JSON.parse(text)).toEqual({ supabaseUrl: env.SUPABASE_URL, supabaseAnonKey: env.SUPABASE_ANON_KEY, googleSignIn: true });
  expect(text).not.toContain(env.SUPABASE_SERVICE_ROLE_KEY);
  expect(text).not.toContain(env.SUPABASE_JWT_SECRET!);
});

it.each([
  ['false', false],
  ['', false],
  [undefined, false],
  ['yes', false],
  [' true ', true],
])('offers Google sign-in only when GOOGLE_SIGN_IN_ENABLED is true (%j)', async (value, offered) => {
  const ctx = createExecutionContext();
  const response = await createApp().request('http://kwq8.test/api/config', {}, { ...env, GOOGLE_SIGN_IN_ENABLED: value }, ctx);
  await waitOnExecutionContext(ctx);
  expect(((await response.json()) as { googleSignIn: boolean }).googleSignIn).toBe(offered);
});
