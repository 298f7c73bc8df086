/**
 * Whether the database answers, for GET /api/health: the `health_check` RPC over the same path as
 * every route (the public anon key), asked at most once every 5 s per isolate and project. Health
 * checks are public, so a flood of them must not become a flood of database round trips; the
 * route is also limited per IP (rateLimitByIp('health')). Only settled answers are kept: callers
 * that arrive while the first question is under way each ask, then all share the answer.
 */
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';
import type { Logger } from '../../log/logger';

export type DatabaseStatus = 'reachable' | 'unreachable';

export const HEALTH_CACHE_MS = 5000;

const answers = new Map<string, { at: number; status: DatabaseStatus }>();

export async function databaseStatus(env: Bindings, log: Logger, now = Date.now()): Promise<DatabaseStatus> {
  const cached = answers.get(env.SUPABASE_URL);
  if (cached && now >= cached.at && now - cached.at < HEALTH_CACHE_MS) return cached.status;
  const status: DatabaseStatus = await rpc<string>(env, 'health_check', {}, 'anon').then(
    (answer) => (answer === 'ok' ? 'reachable' : 'unreachable'),
    (error: unknown) => {
      log.warn('health.database_unreachable', { error });
      return 'unreachable';
    },
  );
  answers.set(env.SUPABASE_URL, { at: now, status });
  return status;
}
