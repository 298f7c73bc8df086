/**
 * GET /api/config: the public settings the browser needs for Supabase Auth (project URL and the
 * anon key, which is public by design). Served at runtime so one site build works everywhere.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../env';

export const config = new Hono<AppEnv>().get('/', (c) => {
  c.header('Cache-Control', 'public, max-age=300');
  return c.json({ supabaseUrl: c.env.SUPABASE_URL, supabaseAnonKey: c.env.SUPABASE_ANON_KEY });
});
