/** GET /api/health: liveness of the Worker, for uptime checks and `npm run dev`. */
import { Hono } from 'hono';
import type { AppEnv } from '../env';

export const health = new Hono<AppEnv>().get('/', (c) => {
  c.header('Cache-Control', 'no-store');
  return c.json({ status: 'ok' as const });
});
