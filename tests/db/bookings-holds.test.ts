/**
 * A visitor's hold (the Worker's service call): the slot must be one availability offers, the hold
 * and its pending payment come together, contacts are validated (Kuwaiti phone formats), a request
 * key replays, concurrent holds get one winner; the visitor's view never carries contacts; the
 * owner's cancellation releases or flags for refund; payments settle the booking both ways.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase, userClaims } from '../support/db';
import { addService, bookingProject, iso, outboxOf, publicHold, type BookingProject } from './booking-fixtures';
import { asService, asUser, call, expectCode } from './helpers';

const db = useTestDatabase({ poolSize: 20 });

const T0 = '2027-01-06T08:00:00Z'; // Wednesday, 11:00 in Kuwait
const SLOT = '2027-01-13T06:00:00Z'; // next Wednesday 09:00 in Kuwait
const SLOT_END = '2027-01-13T07:00:00Z';

async function studio(): Promise<BookingProject & { service: string }> {
  const project = await bookingProject(db, { hours: [{ weekday: 3, opens: '09:00', closes: '17:00' }] });
  return { ...project, service: await addService(db, project, { price: 12500 }) };
}

const bookingRow = async (id: string) =>
  (
    await db.admin.query(
      `select status, client_name, client_email, client_phone, cancelled_by_owner_at from public.bookings where id = $1`,
      [id],
    )
  ).rows[0];
const paymentRow = async (bookingId: string) =>
  (await db.admin.query(`select * from public.payments where booking_id = $1`, [bookingId])).rows[0];

describe('create_public_booking_hold', () => {
  it("holds the slot for the project's hold time with a pending payment of the service's price, and writes booking.held", async () => {
    const s = await studio();
    const answer = await publicHold(db, s, s.service, { startsAt: SLOT, phone: '+965 9999-0000', provider: 'stripe', method: null }, T0);
    expect(answer.replayed).toBe(false);
    expect(answer.booking).toMatchObject({ status: 'held', local_date: '2027-01-13', local_time: '09:00', time_zone: 'Asia/Kuwait' });
    expect(iso(answer.booking.starts_at)).toBe(iso(SLOT));
    expect(iso(answer.booking.ends_at)).toBe(iso(SLOT_END));
    expect(iso(answer.booking.hold_expires_at)).toBe('2027-01-06T08:15:00.000Z');
    expect(answer.payment).toMatchObject({
      purpose: 'booking',
      provider: 'stripe',
      method: null,
      status: 'pending',
      amount_fils: 12500,
      currency: 'KWD',
    });
    // The visitor's own answer carries no contact details either.
    expect(JSON.stringify(answer)).not.toMatch(/visitor@example|99990000|client_/);

    expect(await bookingRow(answer.booking.id)).toMatchObject({
      status: 'held',
      client_phone: '+96599990000',
      client_email: 'visitor@example.test',
    });
    expect(await paymentRow(answer.booking.id)).toMatchObject({ user_id: s.ownerId, amount_fils: '12500', provider: 'stripe' });
    const events = await outboxOf(db, `booking:${answer.booking.id}`);
    expect(events.map((event) => event.topic)).toEqual(['booking.held']);
    expect(events[0]!.project_id).toBe(s.projectId);
    expect(events[0]!.payload).toMatchObject({
      id: answer.booking.id,
      client_phone: '+96599990000',
      service_name_en: 'Session',
      local_starts_at: '2027-01-13T09:00',
    });
  });

  it.each([
    ['99990000', '+96599990000'],
    ['+96555551234', '+96555551234'],
    ['00965 6555 1234', '+96565551234'],
    ['(2) 222-3333', '+96522223333'],
    ['٩٩٩٩٠٠٠٠', '+96599990000'],
    ['+44 20 7946 0000', '+442079460000'],
  ])('accepts the phone %s as %s', async (phone, stored) => {
    const s = await studio();
    const { booking } = await publicHold(db, s, s.service, { startsAt: SLOT, phone, email: null }, T0);
    expect((await bookingRow(booking.id)).client_phone).toBe(stored);
  });

  it.each([
    ['a Kuwaiti number starting with 1', { phone: '19990000' }],
    ['seven digits', { phone: '9999000' }],
    ['+965 with nine digits', { phone: '+965999900001' }],
    ['letters', { phone: 'call me' }],
    ['neither phone nor e-mail', { phone: null, email: null }],
    ['a bad e-mail', { email: 'not-an-email', phone: null }],
    ['an empty name', { name: '   ' }],
    ['a name with a bidi override', { name: 'gnp\u202Eexe' }],
    ['stripe with a method', { provider: 'stripe', method: 'knet' }],
    ['upayments without a method', { provider: 'upayments', method: null }],
    ['an unknown provider', { provider: 'paypal', method: null }],
    ['a malformed request key', { requestKey: 'no spaces allowed' }],
  ])('refuses %s (REQ_004) and holds nothing', async (_, fields) => {
    const s = await studio();
    await expectCode(publicHold(db, s, s.service, { startsAt: SLOT, ...fields }, T0), 'REQ_004');
    const { rows } = await db.admin.query(`select count(*)::int as n from public.bookings where project_id = $1`, [s.projectId]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a start that availability does not offer: off the grid, outside the hours, in the past, or taken (BOOK_001)', async () => {
    const s = await studio();
    for (const startsAt of ['2027-01-13T06:10:00Z', '2027-01-13T14:00:00Z', '2027-01-06T06:00:00Z', 'infinity']) {
      await expectCode(publicHold(db, s, s.service, { startsAt }, T0), 'BOOK_001');
    }
    await publicHold(db, s, s.service, { startsAt: SLOT }, T0);
    await expectCode(publicHold(db, s, s.service, { startsAt: SLOT }, T0), 'BOOK_001');
  });

  it('an unknown slug, an inactive service or one of another project is NOT_FOUND_002', async () => {
    const s = await studio();
    const other = await studio();
    const inactive = await addService(db, s, { active: false });
    await expectCode(publicHold(db, { ...s, slug: 'no-such-studio' }, s.service, { startsAt: SLOT }, T0), 'NOT_FOUND_002');
    await expectCode(publicHold(db, s, inactive, { startsAt: SLOT }, T0), 'NOT_FOUND_002');
    await expectCode(publicHold(db, s, other.service, { startsAt: SLOT }, T0), 'NOT_FOUND_002');
  });

  it('a repeated request key returns the first hold and payment (replayed); for another slot it is REQ_006', async () => {
    const s = await studio();
    const first = await publicHold(db, s, s.service, { startsAt: SLOT, requestKey: 'visit-key-0001' }, T0);
    const again = await publicHold(db, s, s.service, { startsAt: SLOT, requestKey: 'visit-key-0001' }, T0);
    expect(again).toMatchObject({ replayed: true, booking: { id: first.booking.id }, payment: { id: first.payment.id } });
    await expectCode(publicHold(db, s, s.service, { startsAt: '2027-01-13T07:00:00Z', requestKey: 'visit-key-0001' }, T0), 'REQ_006');
    expect(await outboxOf(db, `booking:${first.booking.id}`)).toHaveLength(1);
  });

  it('100 concurrent holds on one slot: exactly one wins, the others get BOOK_001, and one payment exists', async () => {
    const s = await studio();
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        publicHold(db, s, s.service, { startsAt: SLOT, name: `Visitor ${i}`, requestKey: `race-key-${i}` }, T0),
      ),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(new Set(lost.map((result) => `${result.reason.code} ${result.reason.message}`))).toEqual(new Set(['P0001 BOOK_001']));
    const { rows } = await db.admin.query(
      `select (select count(*)::int from public.bookings where project_id = $1) as bookings,
         (select count(*)::int from public.payments p join public.bookings b on b.id = p.booking_id where b.project_id = $1) as payments`,
      [s.projectId],
    );
    expect(rows[0]).toEqual({ bookings: 1, payments: 1 });
  });

  it('is the service key only: anon and signed-in users cannot call it', async () => {
    const s = await studio();
    const args = [s.slug, s.service, SLOT, 'Visitor', 'v@example.test'];
    const sql = `select public.create_public_booking_hold($1, $2, $3, $4, $5)`;
    await expect(call(db, 'anon', {}, sql, args, T0)).rejects.toMatchObject({ code: '42501' });
    await expect(call(db, 'authenticated', userClaims(s.ownerId), sql, args, T0)).rejects.toMatchObject({ code: '42501' });
  });
});

describe("the visitor's view", () => {
  it('public_booking shows the booking and its payment, never the contact details', async () => {
    const s = await studio();
    const { booking } = await publicHold(
      db,
      s,
      s.service,
      { startsAt: SLOT, name: 'نورة', email: 'noura@example.test', phone: '55551234' },
      T0,
    );
    await asService(db, `public.set_payment_checkout($1, 'track-1', 'https://pay.example.test/x')`, [(await paymentRow(booking.id)).id]);
    const view = await asService(db, `public.public_booking($1)`, [booking.id], T0);
    expect(view.booking).toMatchObject({
      id: booking.id,
      status: 'held',
      project: { slug: s.slug },
      service: { id: s.service, name_en: 'Session' },
    });
    expect(view.payment).toMatchObject({ status: 'pending', amount_fils: 12500, checkout_url: 'https://pay.example.test/x' });
    expect(JSON.stringify(view)).not.toMatch(/نورة|noura|55551234/);
    await expectCode(asService(db, `public.public_booking(gen_random_uuid())`), 'NOT_FOUND_002');
  });
});

describe('payments settle the booking', () => {
  const settle = (bookingId: string, status: string, at: string) =>
    db.admin
      .query(`select provider_ref, id, amount_fils from public.payments where booking_id = $1`, [bookingId])
      .then(({ rows }) =>
        asService(
          db,
          `public.apply_payment('upayments', null, $1, $2, 'KWD', p_payment_id => $3)`,
          [status, rows[0].amount_fils, rows[0].id],
          at,
        ),
      );

  it('a success confirms the hold and writes booking.confirmed, payment.succeeded and the calendar step', async () => {
    const s = await studio();
    const { booking } = await publicHold(db, s, s.service, { startsAt: SLOT }, T0);
    expect(await settle(booking.id, 'succeeded', '2027-01-06T08:05:00Z')).toMatchObject({ status: 'succeeded' });
    expect((await bookingRow(booking.id)).status).toBe('confirmed');
    expect((await outboxOf(db, `booking:${booking.id}`)).map((event) => event.topic)).toEqual([
      'booking.held',
      'booking.confirmed',
      'payment.succeeded',
    ]);
    expect((await outboxOf(db, `calendar:${booking.id}`)).map((event) => event.topic)).toEqual(['calendar.create']);
  });

  it('a failure frees the slot at once and writes booking.released after payment.failed', async () => {
    const s = await studio();
    const { booking } = await publicHold(db, s, s.service, { startsAt: SLOT }, T0);
    await settle(booking.id, 'failed', '2027-01-06T08:02:00Z');
    expect((await bookingRow(booking.id)).status).toBe('cancelled');
    expect((await outboxOf(db, `booking:${booking.id}`)).map((event) => event.topic)).toEqual([
      'booking.held',
      'booking.released',
      'payment.failed',
    ]);
    expect((await publicHold(db, s, s.service, { startsAt: SLOT }, '2027-01-06T08:02:01Z')).booking.status).toBe('held');
  });

  it('a late success on a slot another visitor took is flagged for refund and tells the owner', async () => {
    const s = await studio();
    const { booking } = await publicHold(db, s, s.service, { startsAt: SLOT }, T0);
    await publicHold(db, s, s.service, { startsAt: SLOT, name: 'Second' }, '2027-01-06T08:16:00Z');
    expect(await settle(booking.id, 'succeeded', '2027-01-06T08:20:00Z')).toMatchObject({
      status: 'refund_required',
      review_reason: 'slot_taken',
    });
    const topics = (await outboxOf(db, `booking:${booking.id}`)).map((event) => event.topic);
    expect(topics).toEqual(['booking.held', 'booking.released', 'refund.needed']);
    const refund = (await outboxOf(db, `booking:${booking.id}`)).at(-1)!;
    expect(refund.payload).toMatchObject({ user_id: s.ownerId, booking_id: booking.id, review_reason: 'slot_taken' });
  });
});

describe('cancel_booking (the owner)', () => {
  it('a held booking is released at once and its checkout cancelled; a later payment is flagged for refund, never confirmed', async () => {
    const s = await studio();
    const { booking } = await publicHold(db, s, s.service, { startsAt: SLOT }, T0);
    const cancelled = await asUser(db, s.ownerId, `public.cancel_booking($1, $2)`, [s.projectId, booking.id], '2027-01-06T08:01:00Z');
    expect(cancelled).toMatchObject({ status: 'cancelled', client_email: 'visitor@example.test' });
    expect((await paymentRow(booking.id)).status).toBe('cancelled');
    const payment = await paymentRow(booking.id);
    const late = await asService(
      db,
      `public.apply_payment('upayments', null, 'succeeded', 12500, 'KWD', p_payment_id => $1)`,
      [payment.id],
      '2027-01-06T08:03:00Z',
    );
    expect(late).toMatchObject({ status: 'refund_required', review_reason: 'slot_taken' });
    expect((await bookingRow(booking.id)).status).toBe('cancelled');
    expect((await outboxOf(db, `booking:${booking.id}`)).map((event) => event.topic)).toEqual([
      'booking.held',
      'booking.released',
      'payment.cancelled',
      'refund.needed',
    ]);
  });

  it('a confirmed paid booking is cancelled, its payment flagged for refund, with booking.cancelled, refund.needed and the calendar deletion', async () => {
    const s = await studio();
    const { booking, payment } = await publicHold(db, s, s.service, { startsAt: SLOT }, T0);
    await asService(db, `public.apply_payment('upayments', null, 'succeeded', 12500, 'KWD', p_payment_id => $1)`, [payment.id], T0);
    await asUser(db, s.ownerId, `public.cancel_booking($1, $2)`, [s.projectId, booking.id], '2027-01-07T08:00:00Z');
    expect(await paymentRow(booking.id)).toMatchObject({ status: 'refund_required', review_reason: 'booking_cancelled' });
    expect((await outboxOf(db, `booking:${booking.id}`)).map((event) => event.topic)).toEqual([
      'booking.held',
      'booking.confirmed',
      'payment.succeeded',
      'booking.cancelled',
      'refund.needed',
    ]);
    expect((await outboxOf(db, `calendar:${booking.id}`)).map((event) => event.topic)).toEqual(['calendar.create', 'calendar.delete']);
    // The slot is free again, and a repeat changes nothing.
    expect((await publicHold(db, s, s.service, { startsAt: SLOT }, '2027-01-07T08:00:01Z')).booking.status).toBe('held');
    await asUser(db, s.ownerId, `public.cancel_booking($1, $2)`, [s.projectId, booking.id], '2027-01-07T08:01:00Z');
    expect(await outboxOf(db, `booking:${booking.id}`)).toHaveLength(5);
  });

  it("a stranger, an anonymous sign-in and anon cannot cancel; another project's booking is NOT_FOUND_002", async () => {
    const s = await studio();
    const other = await studio();
    const { booking } = await publicHold(db, s, s.service, { startsAt: SLOT }, T0);
    const stranger = await db.newUser();
    const anonymous = await db.newUser({ isAnonymous: true });
    await expectCode(asUser(db, stranger, `public.cancel_booking($1, $2)`, [s.projectId, booking.id]), 'NOT_FOUND_002');
    await expectCode(
      call(db, 'authenticated', userClaims(anonymous, { is_anonymous: true }), `select public.cancel_booking($1, $2)`, [
        s.projectId,
        booking.id,
      ]),
      'AUTH_005',
    );
    await expect(call(db, 'anon', {}, `select public.cancel_booking($1, $2)`, [s.projectId, booking.id])).rejects.toMatchObject({
      code: '42501',
    });
    await expectCode(asUser(db, other.ownerId, `public.cancel_booking($1, $2)`, [other.projectId, booking.id]), 'NOT_FOUND_002');
    expect((await bookingRow(booking.id)).status).toBe('held');
  });
});
