/**
 * The database status behind GET /api/health: at most one database round trip per 5 s per
 * isolate and project, whatever the number of health checks, and the real answer after that.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { databaseStatus, HEALTH_CACHE_MS } from '../../../../worker/features/health/status';
import { createLogger } from '../../../../worker/log/logger';

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger('health-test-1', (line) => lines.push(line)) };
}

describe('databaseStatus', () => {
  it('reports a database that answers as reachable', async () => {
    const { lines, log } = capture();
    expect(await databaseStatus(env, log)).toBe('reachable');
    expect(lines).toEqual([]);
  });

  it('asks the database once per 5 s however often it is called, then asks again', async () => {
    // An address where nothing listens: every real attempt fails and logs one line.
    const dead = { ...env, SUPABASE_URL: `http://127.0.0.1:9/${crypto.randomUUID()}` };
    const { lines, log } = capture();
    const start = Date.now();
    for (let i = 0; i < 200; i++) expect(await databaseStatus(dead, log, start + (i % 50) * 10)).toBe('unreachable');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', event: 'health.database_unreachable' });

    expect(await databaseStatus(dead, log, start + HEALTH_CACHE_MS)).toBe('unreachable');
    expect(lines).toHaveLength(2);
  });

  it('keeps one answer per project', async () => {
    const { log } = capture();
    const now = Date.now();
    expect(await databaseStatus({ ...env, SUPABASE_URL: `http://127.0.0.1:9/${crypto.randomUUID()}` }, log, now)).toBe('unreachable');
    expect(await databaseStatus(env, log, now)).toBe('reachable');
  });
});
