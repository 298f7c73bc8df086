/** Typed calls to the outbox functions in SQL (supabase/migrations/*_bookings.sql): claim a batch under a lease, mark each attempt. */
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';

/** One claimed event with where it goes (claim_outbox). */
export interface OutboxRow {
  id: number;
  /** Sent as webhook-id: the same on every attempt. */
  event_id: string;
  topic: string;
  payload: Record<string, unknown>;
  created_at: string;
  attempts: number;
  aggregate: string | null;
  project_id: string | null;
  /** The project's own Make webhook and secret; null for the platform's (env). */
  make_webhook_url: string | null;
  make_webhook_secret: string | null;
  google_calendar_id: string | null;
  time_zone: string | null;
  /** Calendar rows: the event the booking already has, if any. */
  booking_calendar_id: string | null;
  booking_calendar_event_id: string | null;
}

export const claimOutbox = (env: Bindings, limit: number, leaseSeconds = 60) =>
  rpc<OutboxRow[]>(env, 'claim_outbox', { p_limit: limit, p_lease_seconds: leaseSeconds }, 'service');

/** Records one attempt: delivered, or failed (retried with backoff unless `permanent`, parked after 10). */
export const markOutbox = (
  env: Bindings,
  id: number,
  outcome: { delivered: true } | { delivered: false; error: string; permanent: boolean },
) =>
  rpc<{ delivered: boolean; dead: boolean }>(
    env,
    'mark_outbox',
    outcome.delivered
      ? { p_id: id, p_delivered: true }
      : { p_id: id, p_delivered: false, p_error: outcome.error, p_permanent: outcome.permanent },
    'service',
  );

export const setBookingCalendarEvent = (env: Bindings, bookingId: string, calendarId: string, eventId: string) =>
  rpc(env, 'set_booking_calendar_event', { p_booking_id: bookingId, p_calendar_id: calendarId, p_event_id: eventId }, 'service');
