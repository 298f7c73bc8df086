/** The Cron Trigger entry in workerd: its jobs run against the database, and a failing job is logged, never thrown. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../worker/index';

async function runCron(bindings: typeof env): Promise<Array<Record<string, unknown>>> {
  const lines: Array<Record<string, unknown>> = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(JSON.parse(line)));
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  spy.mockRestore();
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('scheduled', () => {
  it('runs the hold-expiry job against the database and logs its result', async () => {
    const lines = await runCron(env);
    const done = lines.find((line) => line.event === 'cron.job_done' && line.job === 'bookings.expire_holds');
    expect(done?.result).toEqual({ expired: expect.any(Number) });
  });

  it('logs a failing job instead of throwing when the database cannot be reached', async () => {
    const lines = await runCron({ ...env, SUPABASE_URL: 'http://127.0.0.1:9' });
    expect(lines.some((line) => line.event === 'cron.job_failed' && line.job === 'bookings.expire_holds')).toBe(true);
  });

  it('is the same handler the runtime calls', () => {
    expect(typeof (exports as unknown as { default: { scheduled?: unknown } }).default.scheduled).toBe('function');
  });
});
