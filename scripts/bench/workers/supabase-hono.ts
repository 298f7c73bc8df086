/**
 * Comparison Worker for `npm run bench` (section 1): a Hono app that talks to the database through
 * `@supabase/supabase-js`, the common choice the KWq8 Worker avoids (it calls PostgREST RPC with
 * plain fetch), bundled and started exactly like the KWq8 Worker.
 */
import { createClient } from '@supabase/supabase-js';
import { Hono } from 'hono';

const app = new Hono<{ Bindings: { SUPABASE_URL: string; SUPABASE_ANON_KEY: string } }>();
app.get('/api/health', async (c) => {
  const supabase = createClient(c.env.SUPABASE_URL, c.env.SUPABASE_ANON_KEY, { auth: { persistSession: false } });
  const { error } = await supabase.rpc('health_check');
  return c.json({ ok: !error }, error ? 503 : 200);
});

export default app;
