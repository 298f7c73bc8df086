/** The Cron Trigger entry in workerd: its jobs run against the database, and a failing job is logged, never thrown. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../worker/index';
import { adminSql } from '../support/api';
import { availability, dayFromNow, holdFirstSlot, makeEvents, studio } from '../support/bookings';

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

  it('a lapsed hold is expired by the cron run, which frees its slot and delivers booking.released', async () => {
    const s = await studio();
    const { hold, slot } = await holdFirstSlot(s);
    // Moves the hold's end into the past instead of waiting 15 minutes.
    await adminSql(`update public.bookings set hold_expires_at = now() - interval '1 second' where id = $1`, [hold.booking.id]);
    const lines = await runCron(env);
    expect(lines.find((line) => line.event === 'cron.job_done' && line.job === 'outbox.deliver')?.result).toMatchObject({
      claimed: expect.any(Number),
    });
    const [row] = await adminSql<{ status: string }>(`select status from public.bookings where id = $1`, [hold.booking.id]);
    expect(row!.status).toBe('expired');
    expect((await availability(s.slug, s.serviceId, dayFromNow(2))).slots[0]!.startsAt).toBe(slot.startsAt);
    // The same run (or the next) delivers the release.
    for (let run = 0; run < 5 && !(await makeEvents(s.inbox)).some((event) => event.type === 'booking.released'); run++) await runCron(env);
    expect((await makeEvents(s.inbox)).map((event) => event.type)).toContain('booking.released');
  });

  it('is the same handler the runtime calls', () => {
    expect(typeof (exports as unknown as { default: { scheduled?: unknown } }).default.scheduled).toBe('function');
  });
});
