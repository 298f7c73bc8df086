/**
 * Outbox delivery in workerd to the fake Make and fake Google: Make down for several attempts
 * then up (each event once, in order per booking, signed with the project's secret), a Calendar
 * outage that never touches the confirmed booking, and a permanent refusal parked with its error.
 * Backoffs are ended with arranging SQL instead of waiting; other test files deliver too, which is
 * what concurrent Workers do.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { deliverOutbox } from '../../../../worker/features/outbox/deliver';
import { adminSql, call } from '../../../support/api';
import {
  bookingRow,
  calendarEvents,
  failCalendar,
  failMake,
  holdFirstSlot,
  makeAttempts,
  makeEvents,
  makeOutboxDue,
  pendingEvents,
  settlePayment,
  studio,
  type Studio,
} from '../../../support/bookings';
import type { FakeMakeEvent } from '../../../fakes/records';

/** Delivers until the project has nothing waiting (each round ends the backoffs first). */
async function drain(s: Studio, rounds = 40): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    if ((await pendingEvents(s.projectId)) === 0) return;
    await makeOutboxDue(s.projectId);
    await deliverOutbox(env, { limit: 50 });
  }
  throw new Error(`events of ${s.projectId} still pending after ${rounds} rounds`);
}

const eventsOf = (events: FakeMakeEvent[], bookingId: string) =>
  events.filter((event) => {
    const data = (event.payload as { data: { id?: string; booking_id?: string } }).data;
    return data.id === bookingId || data.booking_id === bookingId;
  });

describe('deliverOutbox', () => {
  it('Make down for several attempts, then up: every event arrives once, in order per booking, with a valid signature', async () => {
    const s = await studio();
    await failMake(s.inbox, 5, 503);
    const { hold: paid } = await holdFirstSlot(s, { name: 'Paid' });
    const { hold: failed } = await holdFirstSlot(s, { name: 'Failed' });
    await settlePayment(paid.payment.id, 'succeeded');
    await settlePayment(failed.payment.id, 'failed');
    await drain(s);

    const events = await makeEvents(s.inbox);
    expect(eventsOf(events, paid.booking.id).map((event) => event.type)).toEqual([
      'booking.held',
      'booking.confirmed',
      'payment.succeeded',
    ]);
    expect(eventsOf(events, failed.booking.id).map((event) => event.type)).toEqual(['booking.held', 'booking.released', 'payment.failed']);
    expect(events.every((event) => !event.duplicate)).toBe(true);
    expect(new Set(events.map((event) => event.webhookId)).size).toBe(events.length);
    const attempts = await makeAttempts(s.inbox);
    expect(attempts.filter((attempt) => attempt.outcome === 'failed')).toHaveLength(5);
    expect(attempts.filter((attempt) => attempt.outcome === 'bad_signature')).toEqual([]);
    // A retried event keeps its webhook-id: every failed attempt's id is one that was then accepted.
    const accepted = new Set(events.map((event) => event.webhookId));
    for (const attempt of attempts.filter((entry) => entry.outcome === 'failed')) expect(accepted).toContain(attempt.webhookId);
    // The payload is the Standard Webhooks body: {type, timestamp, data}.
    const confirmed = eventsOf(events, paid.booking.id)[1]!.payload as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(confirmed).toMatchObject({
      type: 'booking.confirmed',
      data: { status: 'confirmed', client_name: 'Paid', project_slug: s.slug },
    });
    expect(Date.parse(confirmed.timestamp)).not.toBeNaN();
  });

  it('a Calendar outage leaves the booking confirmed and Make informed; the event is created on a retry and deleted on cancel', async () => {
    const s = await studio();
    await failCalendar(s.calendarId, 2, 503);
    const { hold } = await holdFirstSlot(s, { name: 'Calendar' });
    await settlePayment(hold.payment.id, 'succeeded');
    await makeOutboxDue(s.projectId);
    await deliverOutbox(env, { limit: 50 });
    expect(await bookingRow(hold.booking.id)).toMatchObject({ status: 'confirmed', calendar_event_id: null });

    await drain(s);
    const [event, ...others] = await calendarEvents(s.calendarId);
    expect(others).toEqual([]);
    expect(event).toMatchObject({ status: 'confirmed', summary: 'جلسة · Calendar' });
    expect(new Date(event!.start.dateTime).toISOString()).toBe(new Date(hold.booking.startsAt).toISOString());
    expect(await bookingRow(hold.booking.id)).toMatchObject({
      status: 'confirmed',
      calendar_id: s.calendarId,
      calendar_event_id: event!.id,
    });
    expect(eventsOf(await makeEvents(s.inbox), hold.booking.id).map((entry) => entry.type)).toContain('booking.confirmed');

    const cancelled = await call('POST', `/api/projects/${s.projectId}/bookings/${hold.booking.id}/cancel`, { token: s.owner.token });
    expect(cancelled.status).toBe(200);
    await drain(s);
    expect((await calendarEvents(s.calendarId)).map((entry) => entry.status)).toEqual(['cancelled']);
  });

  it('a permanent refusal (the inbox does not know the new secret) parks the event with its last error; later ones get through', async () => {
    const s = await studio();
    const webhook = `${inject('makeFake').url}/hooks/${s.inbox}`;
    const rotated = await call('PUT', `/api/projects/${s.projectId}/booking-settings`, {
      token: s.owner.token,
      body: { timeZone: 'Asia/Kuwait', holdMinutes: 15, makeWebhookUrl: webhook, googleCalendarId: s.calendarId, rotateMakeSecret: true },
    });
    const { settings } = (await rotated.json()) as { settings: { makeWebhookSecret: string } };
    const { hold } = await holdFirstSlot(s);
    await drain(s);
    const [parked] = await adminSql<{ topic: string; last_error: string; dead: boolean }>(
      `select topic, last_error, dead_at is not null as dead from public.outbox where aggregate = $1 order by id limit 1`,
      [`booking:${hold.booking.id}`],
    );
    expect(parked).toEqual({ topic: 'booking.held', last_error: 'make: webhook answered 401', dead: true });

    await fetch(`${inject('makeFake').url}/__control/secret`, {
      method: 'POST',
      body: JSON.stringify({ inbox: s.inbox, secret: settings.makeWebhookSecret }),
    });
    await settlePayment(hold.payment.id, 'succeeded');
    await drain(s);
    expect(eventsOf(await makeEvents(s.inbox), hold.booking.id).map((event) => event.type)).toEqual([
      'booking.confirmed',
      'payment.succeeded',
    ]);
  });
});
