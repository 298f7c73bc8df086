/**
 * `deliverOutbox(env, {limit})`: claims due outbox events and delivers each once more: Make
 * events to the project's own webhook or the platform's (MAKE_WEBHOOK_URL, signed with its
 * secret the Standard Webhooks way), `calendar.create` / `calendar.delete` to Google Calendar
 * (the event id is stored on the booking). Every attempt is marked: delivered, failed (retried
 * with backoff by the database), or parked when the receiver refuses it for good. A Calendar
 * failure only retries its own row: it never touches the booking or holds back Make. Run right
 * after a route writes events (waitUntil) and by the cron job. Payloads are never logged.
 */
import type { Bindings } from '../../env';
import { createLogger, type Logger } from '../../log/logger';
import { createEvent, deleteEvent, googleCalendarConfigFromEnv } from '../../providers/google-calendar/events';
import { ProviderError } from '../../providers/http';
import { deliverEvent, makeConfigFromEnv, type MakeConfig } from '../../providers/make/deliver';
import { claimOutbox, markOutbox, setBookingCalendarEvent, type OutboxRow } from './db';

type Outcome = 'delivered' | 'skipped' | 'failed' | 'dead';

/** A step with nothing to do (no destination configured) counts as done. */
const SKIPPED = 'skipped' as const;

function makeTarget(env: Bindings, row: OutboxRow): MakeConfig | null {
  if (row.make_webhook_url && row.make_webhook_secret) return { url: row.make_webhook_url, secret: row.make_webhook_secret };
  return makeConfigFromEnv(env);
}

async function toMake(env: Bindings, row: OutboxRow): Promise<typeof SKIPPED | void> {
  const target = makeTarget(env, row);
  if (!target) return SKIPPED;
  const result = await deliverEvent(target, {
    id: row.event_id,
    type: row.topic,
    occurredAt: new Date(row.created_at).toISOString(),
    data: row.payload,
  });
  if (!result.ok) throw result.error;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

async function toCalendar(env: Bindings, row: OutboxRow): Promise<typeof SKIPPED | void> {
  const config = googleCalendarConfigFromEnv(env);
  const bookingId = text(row.payload.booking_id);
  if (!config) return SKIPPED;
  if (row.topic === 'calendar.delete') {
    if (!row.booking_calendar_id || !row.booking_calendar_event_id) return SKIPPED;
    return deleteEvent(config, row.booking_calendar_id, row.booking_calendar_event_id);
  }
  const calendarId = row.google_calendar_id ?? config.calendarId;
  if (!calendarId || row.booking_calendar_event_id) return SKIPPED;
  const contact = [text(row.payload.client_name), text(row.payload.client_phone), text(row.payload.client_email)].filter(Boolean);
  const eventId = await createEvent(config, calendarId, {
    summary: `${text(row.payload.service_name_ar) || text(row.payload.project_name)} · ${text(row.payload.client_name)}`,
    description: `${contact.join('\n')}\nKWq8 · ${bookingId}`,
    start: new Date(text(row.payload.starts_at)).toISOString(),
    end: new Date(text(row.payload.ends_at)).toISOString(),
    timeZone: row.time_zone ?? 'Asia/Kuwait',
    requestId: bookingId,
  });
  await setBookingCalendarEvent(env, bookingId, calendarId, eventId);
}

async function deliverRow(env: Bindings, row: OutboxRow, log: Logger): Promise<Outcome> {
  try {
    const done = row.topic.startsWith('calendar.') ? await toCalendar(env, row) : await toMake(env, row);
    await markOutbox(env, row.id, { delivered: true });
    return done === SKIPPED ? 'skipped' : 'delivered';
  } catch (error) {
    // A refusal (4xx other than 408/429) will not change on retry; everything else may.
    const permanent = error instanceof ProviderError && !error.retryable;
    const message = error instanceof Error ? error.message : 'delivery failed';
    log.warn('outbox.delivery_failed', { id: row.id, topic: row.topic, attempts: row.attempts, permanent, error: message });
    try {
      const marked = await markOutbox(env, row.id, { delivered: false, error: message, permanent });
      return marked.dead ? 'dead' : 'failed';
    } catch (markError) {
      // The lease runs out and the row is claimed again.
      log.error('outbox.mark_failed', { id: row.id, error: markError });
      return 'failed';
    }
  }
}

/** Delivers one batch of due events (at most `limit`); returns how each ended. */
export async function deliverOutbox(
  env: Bindings,
  { limit = 20, log = createLogger('outbox') }: { limit?: number; log?: Logger } = {},
): Promise<Record<Outcome | 'claimed', number>> {
  const rows = await claimOutbox(env, limit);
  const counts: Record<Outcome | 'claimed', number> = { claimed: rows.length, delivered: 0, skipped: 0, failed: 0, dead: 0 };
  // Each claimed row is the only due event of its booking, so they can go in parallel.
  for (const outcome of await Promise.all(rows.map((row) => deliverRow(env, row, log)))) counts[outcome]++;
  return counts;
}

/** Batches one request delivers after its response, at most (the cron delivers the rest). */
const AFTER_RESPONSE_BATCHES = 5;
const AFTER_RESPONSE_BATCH = 50;

/**
 * Delivers what a request just wrote without making the client wait; whatever fails is retried
 * by the cron job. Claims take the oldest due events of every project first, so the request works
 * through the due backlog in batches until it is empty (or a bound): its own events must not wait
 * behind other projects' for the next cron run.
 */
export function deliverAfterResponse(ctx: Pick<ExecutionContext, 'waitUntil'>, env: Bindings, log: Logger): void {
  const drain = async () => {
    for (let batch = 0; batch < AFTER_RESPONSE_BATCHES; batch++) {
      const { claimed } = await deliverOutbox(env, { log, limit: AFTER_RESPONSE_BATCH });
      if (claimed < AFTER_RESPONSE_BATCH) return;
    }
  };
  ctx.waitUntil(drain().catch((error: unknown) => log.warn('outbox.deliver_failed', { error })));
}
