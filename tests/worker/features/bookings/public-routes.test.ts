/**
 * The visitor's booking routes in workerd against the local stack and the fake providers: the
 * page and slots (across a Kuwait midnight and in another zone), 100 concurrent holds on one slot
 * with one winner, the form token, honeypot, Idempotency-Key and rate limit, the checkout, the
 * confirmation link, and that a visitor never sees another visitor's contact details.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../worker/app';
import { call, errorCode } from '../../../support/api';
import {
  availability,
  dayFromNow,
  holdFirstSlot,
  holdRequest,
  settlePayment,
  studio,
  visitorIp,
  type HoldAnswer,
} from '../../../support/bookings';
import { fakeRequests } from '../../../support/fakes';

/** The weekday (0 = Sunday) of a YYYY-MM-DD date. */
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const iso = (value: string) => new Date(value).toISOString();

describe('the booking page data and free slots', () => {
  it("GET /api/public/projects/:slug shows the project's active services and hours, and 404s an unknown slug", async () => {
    const s = await studio();
    const response = await call('GET', `/api/public/projects/${s.slug}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { project: { slug: string; timeZone: string }; services: Array<Record<string, unknown>> };
    expect(page.project).toMatchObject({ slug: s.slug, timeZone: 'Asia/Kuwait', holdMinutes: 15 });
    expect(page.services).toEqual([
      { id: s.serviceId, nameAr: 'جلسة', nameEn: 'Session', durationMinutes: 60, priceFils: 12500, currency: 'KWD' },
    ]);
    const missing = await call('GET', '/api/public/projects/no-such-studio-at-all');
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe('NOT_FOUND_002');
  });

  it('slots across a Kuwait midnight: the late local day and the early next one, each on its own local date', async () => {
    const date = dayFromNow(3);
    const next = dayFromNow(4);
    const s = await studio({
      hours: [
        { weekday: weekday(date), opens: '22:00', closes: '24:00' },
        { weekday: weekday(next), opens: '00:00', closes: '02:00' },
      ],
    });
    const late = await availability(s.slug, s.serviceId, date);
    expect(late.slots.map((slot) => slot.label)).toEqual(['22:00', '23:00']);
    expect(late.slots.map((slot) => iso(slot.startsAt))).toEqual([`${date}T19:00:00.000Z`, `${date}T20:00:00.000Z`]);
    const early = await availability(s.slug, s.serviceId, next);
    expect(early.slots.map((slot) => slot.label)).toEqual(['00:00', '01:00']);
    // Midnight in Kuwait is 21:00 UTC of the day before.
    expect(early.slots.map((slot) => iso(slot.startsAt))).toEqual([`${date}T21:00:00.000Z`, `${date}T22:00:00.000Z`]);
  });

  it('slots of a project in another time zone follow its own clock', async () => {
    const date = dayFromNow(5);
    const s = await studio({ timeZone: 'Asia/Tokyo', hours: [{ weekday: weekday(date), opens: '08:00', closes: '10:00' }] });
    const tokyo = await availability(s.slug, s.serviceId, date);
    expect(tokyo.timeZone).toBe('Asia/Tokyo');
    const previous = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    // 08:00 in Tokyo (UTC+9) is 23:00 UTC the day before.
    expect(tokyo.slots.map((slot) => iso(slot.startsAt))).toEqual([`${previous}T23:00:00.000Z`, `${date}T00:00:00.000Z`]);
    expect(tokyo.slots.map((slot) => slot.label)).toEqual(['08:00', '09:00']);
  });

  it.each([
    ['no service', 'date=2030-01-01'],
    ['a date that does not exist', 'service=3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f&date=2030-02-30'],
    ['an extra parameter', 'service=3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f&date=2030-01-01&x=1'],
  ])('availability with %s is REQ_004', async (_, query) => {
    const response = await call('GET', `/api/public/projects/demo/availability?${query}`);
    expect(response.status).toBe(422);
    expect(await errorCode(response)).toBe('REQ_004');
  });
});

describe('holding a slot', () => {
  it('answers the held booking, its pending payment and a checkout on the fake UPayments, without contact details', async () => {
    const s = await studio();
    const { hold, slot } = await holdFirstSlot(s, { name: 'نورة', email: 'noura@example.test', phone: '+965 5555 1234' });
    expect(hold.booking).toMatchObject({ status: 'held', startsAt: expect.any(String) });
    expect(iso(hold.booking.startsAt)).toBe(iso(slot.startsAt));
    expect(hold.payment).toMatchObject({ provider: 'upayments', method: 'knet', status: 'pending', amountFils: 12500, currency: 'KWD' });
    expect(hold.checkoutUrl).toMatch(/\/pay\?session_id=/);
    expect(hold.confirmationUrl).toBe(`http://kwq8.test/book/${s.slug}/?booking=${hold.booking.id}&token=${hold.token}`);
    expect(JSON.stringify(hold)).not.toMatch(/نورة|noura|5555/);
    // The charge carried our payment id, the amount as KWD, and the return to the confirmation page.
    const charges = await fakeRequests('upayments', '/api/v1/charge');
    const charge = charges.map((request) => JSON.parse(request.body)).find((body) => body.order.id === hold.payment.id);
    expect(charge).toMatchObject({
      order: { amount: '12.500', currency: 'KWD' },
      paymentGateway: { src: 'knet' },
      returnUrl: hold.confirmationUrl,
    });
    expect(charge.customer).toBeUndefined();
    // The slot is gone from availability.
    const again = await availability(s.slug, s.serviceId, dayFromNow(2));
    expect(again.slots.map((free) => free.startsAt)).not.toContain(slot.startsAt);
  });

  it('a Stripe hold gets a Checkout Session whose id is the provider reference', async () => {
    const s = await studio();
    const { hold } = await holdFirstSlot(s, { provider: 'stripe', method: null });
    expect(hold.payment).toMatchObject({ provider: 'stripe', method: null });
    expect(hold.checkoutUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const sessions = await fakeRequests('stripe', '/v1/checkout/sessions');
    expect(sessions.some((request) => new URLSearchParams(request.body).get('client_reference_id') === hold.payment.id)).toBe(true);
  });

  it('100 concurrent holds on one slot from 100 visitors: exactly one wins, the other 99 get BOOK_001', async () => {
    const s = await studio();
    const { slots, formToken } = await availability(s.slug, s.serviceId, dayFromNow(2));
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => holdRequest(s, slots[0]!.startsAt, formToken, { name: `Visitor ${i}` })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(99);
    const codes = await Promise.all(responses.filter((response) => response.status === 409).map(errorCode));
    expect(new Set(codes)).toEqual(new Set(['BOOK_001']));
  });

  it('a repeated Idempotency-Key answers the first hold (Idempotent-Replayed) with the same checkout, then the confirmation once paid', async () => {
    const s = await studio();
    const { slots, formToken } = await availability(s.slug, s.serviceId, dayFromNow(2));
    const key = `hold-${crypto.randomUUID()}`;
    const first = await holdRequest(s, slots[0]!.startsAt, formToken, {}, { key });
    const second = await holdRequest(s, slots[0]!.startsAt, formToken, {}, { key });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    const [a, b] = (await Promise.all([first.json(), second.json()])) as HoldAnswer[];
    expect(b).toMatchObject({ booking: { id: a!.booking.id }, payment: { id: a!.payment.id }, checkoutUrl: a!.checkoutUrl });
    // Once paid, a replay has nothing left to pay: it sends the visitor to the confirmation page.
    await settlePayment(a!.payment.id, 'succeeded');
    const paid = (await (await holdRequest(s, slots[0]!.startsAt, formToken, {}, { key })).json()) as HoldAnswer;
    expect(paid).toMatchObject({ booking: { status: 'confirmed' }, payment: { status: 'succeeded' }, checkoutUrl: a!.confirmationUrl });
  });

  it('refuses without a form token for this service (BOOK_003), with the honeypot filled (REQ_004), or without an Idempotency-Key (REQ_005); nothing is held', async () => {
    const s = await studio();
    const other = await studio();
    const { slots, formToken } = await availability(s.slug, s.serviceId, dayFromNow(2));
    const otherForm = (await availability(other.slug, other.serviceId, dayFromNow(2))).formToken;
    const startsAt = slots[0]!.startsAt;
    const cases: Array<[Promise<Response>, number, string]> = [
      [holdRequest(s, startsAt, otherForm), 403, 'BOOK_003'],
      [holdRequest(s, startsAt, `v1.${Math.floor(Date.now() / 1000) - 3601}.${'A'.repeat(43)}`), 403, 'BOOK_003'],
      [
        holdRequest(
          s,
          startsAt,
          formToken.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        ),
        403,
        'BOOK_003',
      ],
      [holdRequest(s, startsAt, formToken, { website: 'http://spam.example' }), 422, 'REQ_004'],
      [holdRequest(s, startsAt, formToken, {}, { key: null }), 428, 'REQ_005'],
      [holdRequest(s, startsAt, formToken, { phone: '12345678', email: null }), 422, 'REQ_004'],
    ];
    for (const [request, status, code] of cases) {
      const response = await request;
      expect(response.status, code).toBe(status);
      expect(await errorCode(response)).toBe(code);
    }
    const free = await availability(s.slug, s.serviceId, dayFromNow(2));
    expect(free.slots[0]!.startsAt).toBe(startsAt);
  });

  it("counts holds per client IP in the 'booking' class: the 21st in a minute is RATE_001", async () => {
    const s = await studio();
    const ip = visitorIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await holdRequest(s, '2030-01-01T06:00:00Z', 'x', {}, { ip })).status);
    expect(statuses.slice(0, 20).every((status) => status === 403)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('when the payment provider is down the hold is released at once and the visitor gets SRV_003', async () => {
    const s = await studio();
    const { slots, formToken } = await availability(s.slug, s.serviceId, dayFromNow(2));
    const ctx = createExecutionContext();
    const response = await createApp().request(
      `/api/public/projects/${s.slug}/holds`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `down-${crypto.randomUUID()}`, 'CF-Connecting-IP': visitorIp() },
        body: JSON.stringify({
          serviceId: s.serviceId,
          startsAt: slots[0]!.startsAt,
          name: 'Visitor',
          phone: '99990000',
          provider: 'upayments',
          method: 'knet',
          formToken,
        }),
      },
      { ...env, UPAYMENTS_API_BASE: 'http://127.0.0.1:9/api/v1' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(502);
    expect(await errorCode(response)).toBe('SRV_003');
    expect((await availability(s.slug, s.serviceId, dayFromNow(2))).slots[0]!.startsAt).toBe(slots[0]!.startsAt);
  });
});

describe('the confirmation link', () => {
  it('shows the booking and its payment with the signed token, follows the payment to confirmed, and is 404 with any other token', async () => {
    const s = await studio();
    const { hold } = await holdFirstSlot(s);
    const read = (token: string) => call('GET', `/api/public/bookings/${hold.booking.id}?token=${token}`);
    const pending = (await (await read(hold.token)).json()) as {
      booking: { status: string };
      payment: { status: string; checkoutUrl: string };
    };
    expect(pending).toMatchObject({ booking: { status: 'held' }, payment: { status: 'pending', checkoutUrl: hold.checkoutUrl } });
    await settlePayment(hold.payment.id, 'succeeded');
    const paid = (await (await read(hold.token)).json()) as { booking: { status: string }; payment: { status: string; checkoutUrl: null } };
    expect(paid).toMatchObject({ booking: { status: 'confirmed' }, payment: { status: 'succeeded', checkoutUrl: null } });

    const { hold: other } = await holdFirstSlot(s);
    for (const token of [other.token, 'A'.repeat(43), '']) {
      const response = await read(token);
      expect(response.status).toBe(404);
      expect(await errorCode(response)).toBe('NOT_FOUND_002');
    }
  });

  it("a visitor never sees another visitor's contact details, on any public route", async () => {
    const s = await studio();
    const { hold: first } = await holdFirstSlot(s, { name: 'Secret Sara', email: 'sara.secret@example.test', phone: '66661234' });
    const { hold: second } = await holdFirstSlot(s, { name: 'Omar' });
    const answers = [
      JSON.stringify(second),
      await (await call('GET', `/api/public/projects/${s.slug}`)).text(),
      JSON.stringify(await availability(s.slug, s.serviceId, dayFromNow(2))),
      await (await call('GET', `/api/public/bookings/${first.booking.id}?token=${first.token}`)).text(),
      await (await call('GET', `/api/public/bookings/${first.booking.id}?token=${second.token}`)).text(),
    ];
    for (const answer of answers) expect(answer).not.toMatch(/Secret Sara|sara\.secret|6666/);
  });
});
