/** GET /api/config gives the browser the public Supabase settings and nothing secret. */
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { call } from '../../../support/api';

it('returns the project URL and anon key, never the service key or JWT secret', async () => {
  const response = await call('GET', '/api/config');
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(JSON.parse(text)).toEqual({ supabaseUrl: env.SUPABASE_URL, supabaseAnonKey: env.SUPABASE_ANON_KEY });
  expect(text).not.toContain(env.SUPABASE_SERVICE_ROLE_KEY);
  expect(text).not.toContain(env.SUPABASE_JWT_SECRET!);
});
