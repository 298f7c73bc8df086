/**
 * GET /api/health: the Worker is up, and whether the database answers (through the same RPC path
 * as every route, with the public anon key). 503 when it does not, for uptime checks.
 */
import { Hono } from 'hono';
import { rpc } from '../../db/rpc';
import type { AppEnv } from '../../env';

export const health = new Hono<AppEnv>().get('/', async (c) => {
  c.header('Cache-Control', 'no-store');
  const database = await rpc<string>(c.env, 'health_check', {}, 'anon').then(
    (answer) => (answer === 'ok' ? 'reachable' : 'unreachable'),
    (error) => {
      c.get('log').warn('health.database_unreachable', { error });
      return 'unreachable';
    },
  );
  return database === 'reachable' ? c.json({ status: 'ok', database }) : c.json({ status: 'degraded', database }, 503);
});
