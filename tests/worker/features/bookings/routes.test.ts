/**
 * The owner's booking routes: a bookings cursor that is not one of ours is a 422 naming `cursor`
 * (never a 5xx, never logged); services, hours, closed dates and settings; the bookings list with
 * contact details; cancelling a paid booking.
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliverOutbox } from '../../../../worker/features/outbox/deliver';
import { adminSql, call, errorCode, newUser } from '../../../support/api';
import { holdFirstSlot, makeEvents, makeOutboxDue, settlePayment, studio } from '../../../support/bookings';

afterEach(() => vi.restoreAllMocks());

describe('bookings cursor', () => {
  it.each([
    ['not base64', '%%%not-base64%%%'],
    ['base64 of garbage', btoa('\u00ff\u00fe|x')],
    ['a date V8 accepts and Postgres refuses', btoa('+275760-09-13T00:00:00.000Z|3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f')],
    ['a year Postgres cannot store', btoa('-271821-04-20T00:00:00.000Z|3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f')],
    ['a bad length', 'A'],
  ])('answers 422 REQ_004 for a cursor that is %s, and keeps it out of the logs', async (_, cursor) => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const owner = await newUser();
    const created = await call('POST', '/api/projects', { token: owner.token, body: { name: 'Cursor test' } });
    const { project } = (await created.json()) as { project: { id: string } };
    const response = await call('GET', `/api/projects/${project.id}/bookings?cursor=${encodeURIComponent(cursor)}`, { token: owner.token });
    expect(response.status).toBe(422);
    expect(await errorCode(response)).toBe('REQ_004');
    expect(lines.join('\n')).not.toContain(cursor);
  });
});

describe("the owner's booking setup", () => {
  it('services: create, replace, list; a stranger gets 404 and bad input 422 naming the fields', async () => {
    const s = await studio();
    const base = `/api/projects/${s.projectId}/services`;
    const created = await call('POST', base, {
      token: s.owner.token,
      body: { nameAr: 'تصوير', nameEn: 'Photos', durationMinutes: 90, priceFils: 30000, bufferMinutes: 15 },
    });
    expect(created.status).toBe(201);
    const { service } = (await created.json()) as { service: { id: string } };
    const replaced = await call('PUT', `${base}/${service.id}`, {
      token: s.owner.token,
      body: { nameAr: 'تصوير', nameEn: 'Photos', durationMinutes: 60, priceFils: 30000, active: false },
    });
    expect(await replaced.json()).toEqual({
      service: {
        id: service.id,
        nameAr: 'تصوير',
        nameEn: 'Photos',
        durationMinutes: 60,
        priceFils: 30000,
        currency: 'KWD',
        bufferMinutes: 0,
        active: false,
      },
    });
    const list = (await (await call('GET', base, { token: s.owner.token })).json()) as { services: Array<{ id: string }> };
    expect(list.services.map((entry) => entry.id)).toEqual([s.serviceId, service.id]);

    const stranger = await newUser();
    expect((await call('GET', base, { token: stranger.token })).status).toBe(404);
    const bad = await call('POST', base, { token: s.owner.token, body: { nameAr: '', nameEn: 'x', durationMinutes: 7, priceFils: 5 } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { fields: string[] } }).error.fields.sort()).toEqual(['durationMinutes', 'nameAr', 'priceFils']);
  });

  it('hours, closed dates and settings are replaced and read back; overlapping hours are refused by SQL (422)', async () => {
    const s = await studio();
    const base = `/api/projects/${s.projectId}`;
    const hours = [{ weekday: 0, opens: '09:00', closes: '13:00' }];
    expect(await (await call('PUT', `${base}/hours`, { token: s.owner.token, body: { hours } })).json()).toEqual({ hours });
    expect(await (await call('GET', `${base}/hours`, { token: s.owner.token })).json()).toEqual({ hours });
    const overlapping = await call('PUT', `${base}/hours`, {
      token: s.owner.token,
      body: { hours: [...hours, { weekday: 0, opens: '12:00', closes: '14:00' }] },
    });
    expect(overlapping.status).toBe(422);

    const dates = ['2030-01-02', '2030-01-01'];
    expect(await (await call('PUT', `${base}/closed-dates`, { token: s.owner.token, body: { dates } })).json()).toEqual({
      dates: [...dates].sort(),
    });
    expect(await (await call('GET', `${base}/closed-dates`, { token: s.owner.token })).json()).toEqual({ dates: [...dates].sort() });

    const settings = (await (
      await call('PUT', `${base}/booking-settings`, { token: s.owner.token, body: { timeZone: 'Europe/London', holdMinutes: 20 } })
    ).json()) as { settings: Record<string, unknown> };
    expect(settings.settings).toEqual({
      timeZone: 'Europe/London',
      holdMinutes: 20,
      makeWebhookUrl: null,
      makeWebhookSecret: null,
      googleCalendarId: null,
    });
    expect(await (await call('GET', `${base}/booking-settings`, { token: s.owner.token })).json()).toEqual(settings);
    const unknownZone = await call('PUT', `${base}/booking-settings`, {
      token: s.owner.token,
      body: { timeZone: 'Mars/Base', holdMinutes: 20 },
    });
    expect(unknownZone.status).toBe(422);
  });

  it('the bookings list shows the owner the contact details and payment; cancelling a paid booking flags its refund and tells Make', async () => {
    const s = await studio();
    const { hold } = await holdFirstSlot(s, { name: 'Client One', email: 'one@example.test', phone: '65551234' });
    await settlePayment(hold.payment.id, 'succeeded');
    const list = (await (await call('GET', `/api/projects/${s.projectId}/bookings`, { token: s.owner.token })).json()) as {
      bookings: Array<{ id: string; status: string; client: Record<string, unknown> }>;
    };
    expect(list.bookings).toEqual([
      expect.objectContaining({
        id: hold.booking.id,
        status: 'confirmed',
        client: { name: 'Client One', email: 'one@example.test', phone: '+96565551234' },
        paymentStatus: 'succeeded',
      }),
    ]);

    const stranger = await newUser();
    const path = `/api/projects/${s.projectId}/bookings/${hold.booking.id}/cancel`;
    expect((await call('POST', path, { token: stranger.token })).status).toBe(404);
    const cancelled = await call('POST', path, { token: s.owner.token });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { booking: unknown }).booking).toMatchObject({
      status: 'cancelled',
      paymentStatus: 'refund_required',
    });
    const [payment] = await adminSql<{ status: string; review_reason: string }>(
      `select status, review_reason from public.payments where id = $1`,
      [hold.payment.id],
    );
    expect(payment).toEqual({ status: 'refund_required', review_reason: 'booking_cancelled' });
    for (let round = 0; round < 10 && !(await makeEvents(s.inbox)).some((event) => event.type === 'refund.needed'); round++) {
      await makeOutboxDue(s.projectId);
      await deliverOutbox(env, { limit: 50 });
    }
    const types = (await makeEvents(s.inbox)).map((event) => event.type);
    expect(types.slice(-2)).toEqual(['booking.cancelled', 'refund.needed']);
    const after = (await (await call('GET', `/api/projects/${s.projectId}/bookings`, { token: s.owner.token })).json()) as {
      bookings: unknown[];
    };
    expect(after.bookings).toEqual([expect.objectContaining({ status: 'cancelled', paymentStatus: 'refund_required' })]);
  });

  it('a booking’s payment status follows its latest payment, and is null without one', async () => {
    const s = await studio();
    const { hold } = await holdFirstSlot(s, { name: 'Client Two', email: 'two@example.test' });
    const list = async (token: string, projectId = s.projectId) =>
      (await (await call('GET', `/api/projects/${projectId}/bookings`, { token })).json()) as { bookings: Array<Record<string, unknown>> };
    expect((await list(s.owner.token)).bookings).toEqual([expect.objectContaining({ id: hold.booking.id, paymentStatus: 'pending' })]);
    await adminSql(`delete from public.payments where id = $1`, [hold.payment.id]);
    expect((await list(s.owner.token)).bookings).toEqual([expect.objectContaining({ id: hold.booking.id, paymentStatus: null })]);
  });
});
