/**
 * GET /api/config: the public settings the browser needs for Supabase Auth (project URL, the anon
 * key, which is public by design, and whether Google sign-in is on). Served at runtime so one site
 * build works everywhere.
 */
import { Hono } from 'hono';
import { appConfig, type AppEnv } from '../../env';

export const config = new Hono<AppEnv>().get('/', (c) => {
  const { supabaseUrl, anonKey, googleSignIn } = appConfig(c.env);
  c.header('Cache-Control', 'public, max-age=300');
  return c.json({ supabaseUrl, supabaseAnonKey: anonKey, googleSignIn });
});
