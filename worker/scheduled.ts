/**
 * The Cron Trigger (wrangler.toml `[triggers]`): housekeeping that must happen even when no
 * request comes. Each job runs on its own, so one failing job never stops the others.
 */
import { recheckPayments } from './features/billing/recheck';
import { expireBookingHolds } from './features/bookings/db';
import { runDomainRegistrations } from './features/domains/register';
import { refundStaleGenerations } from './features/generation/db';
import { deliverOutbox } from './features/outbox/deliver';
import type { Bindings } from './env';
import { createLogger } from './log/logger';

const jobs: Record<string, (env: Bindings) => Promise<unknown>> = {
  'bookings.expire_holds': expireBookingHolds,
  'billing.recheck_payments': recheckPayments,
  'domains.register': runDomainRegistrations,
  // Generations whose Worker died mid-stream (no heartbeat for five minutes) get their credits back.
  'generations.refund_stale': refundStaleGenerations,
  // Everything the requests' own deliveries missed, and the retries whose backoff is over.
  'outbox.deliver': (env) => deliverOutbox(env, { limit: 50 }),
};

export async function runScheduled(env: Bindings, cron: string): Promise<void> {
  const log = createLogger(`cron:${cron}`);
  await Promise.all(
    Object.entries(jobs).map(([name, job]) =>
      job(env).then(
        (result) => log.info('cron.job_done', { job: name, result }),
        (error: unknown) => log.error('cron.job_failed', { job: name, error }),
      ),
    ),
  );
}
