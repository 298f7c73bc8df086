/**
 * GET /api/health: the Worker is up, and whether the database answers (health_check over the same
 * RPC path as every route, cached for a few seconds: see status.ts). 503 when it does not, for
 * uptime checks. Public, so limited per client IP.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import { rateLimitByIp } from '../../rate-limit/middleware';
import { databaseStatus } from './status';

export const health = new Hono<AppEnv>().get('/', rateLimitByIp('health'), async (c) => {
  c.header('Cache-Control', 'no-store');
  const database = await databaseStatus(c.env, c.get('log'));
  return database === 'reachable' ? c.json({ status: 'ok', database }) : c.json({ status: 'degraded', database }, 503);
});
