/** Bookings and payments: holds, release and expiry, confirmation with its outbox event, late payments, settlement. */
import { describe, expect, it } from 'vitest';
import { TIERS } from '../../shared/pricing';
import { useTestDatabase, userClaims } from '../support/db';
import { asService, asUser, balanceAndLedger, call, expectCode, newProject } from './helpers';

const db = useTestDatabase();

const T0 = '2027-01-01T08:00:00Z';
const AFTER_HOLD = '2027-01-01T08:20:00Z'; // default hold is 15 minutes
const SLOT: [string, string] = ['2027-01-05T10:00:00Z', '2027-01-05T11:00:00Z'];

let slugCounter = 0;
async function project() {
  const ownerId = await db.newUser();
  return { ownerId, projectId: await newProject(db, ownerId, `book-${++slugCounter}`) };
}

const hold = (projectId: string, at = T0, slot: [string, string] = SLOT, name = 'Client') =>
  asService(db, `public.create_booking_hold($1, $2, $3, $4, 'c@example.test', '+965 5000 0000')`, [projectId, slot[0], slot[1], name], at);

/** The booking's confirmation events (holds and releases write events of their own: tests/db/bookings-outbox.test.ts). */
const outboxFor = async (bookingId: string) =>
  (
    await db.admin.query(`select topic, payload from public.outbox where payload ->> 'id' = $1 and topic = 'booking.confirmed'`, [
      bookingId,
    ])
  ).rows;

describe('holds', () => {
  it('a second overlapping hold is refused (BOOK_001); a touching slot and another project are fine', async () => {
    const { projectId } = await project();
    const other = await project();
    const first = await hold(projectId);
    expect(first).toMatchObject({ status: 'held', client_name: 'Client' });
    expect(new Date(first.hold_expires_at).toISOString()).toBe('2027-01-01T08:15:00.000Z');
    await expectCode(hold(projectId, T0, ['2027-01-05T10:30:00Z', '2027-01-05T11:30:00Z']), 'BOOK_001');
    await hold(projectId, T0, ['2027-01-05T11:00:00Z', '2027-01-05T12:00:00Z']);
    await hold(other.projectId);
  });

  it('a released hold frees the slot', async () => {
    const { projectId } = await project();
    const first = await hold(projectId);
    expect((await asService(db, `public.release_booking_hold($1)`, [first.id])).status).toBe('cancelled');
    expect((await hold(projectId)).status).toBe('held');
  });

  it('an expired hold frees the slot: the next hold expires it first', async () => {
    const { projectId } = await project();
    const first = await hold(projectId);
    await expectCode(hold(projectId, '2027-01-01T08:14:59Z'), 'BOOK_001');
    expect((await hold(projectId, AFTER_HOLD)).status).toBe('held');
    const { rows } = await db.admin.query(`select status from public.bookings where id = $1`, [first.id]);
    expect(rows[0]!.status).toBe('expired');
  });

  it('expire_booking_holds expires only lapsed holds', async () => {
    const { projectId } = await project();
    await hold(projectId, T0);
    await hold(projectId, '2027-01-01T08:10:00Z', ['2027-01-06T10:00:00Z', '2027-01-06T11:00:00Z']);
    expect(await asService(db, `public.expire_booking_holds($1)`, [projectId], AFTER_HOLD)).toBe(1);
    const { rows } = await db.admin.query(`select status from public.bookings where project_id = $1 order by created_at`, [projectId]);
    expect(rows.map((r) => r.status)).toEqual(['expired', 'held']);
  });

  it('rejects a reversed slot and an unknown project', async () => {
    const { projectId } = await project();
    await expectCode(hold(projectId, T0, [SLOT[1], SLOT[0]]), 'REQ_004');
    await expectCode(hold('00000000-0000-0000-0000-000000000000'), 'NOT_FOUND_002');
  });
});

describe('confirmation', () => {
  it('confirms a live hold and writes its Make event in the same transaction; a confirmed slot cannot be booked again', async () => {
    const { projectId } = await project();
    const booking = await hold(projectId);
    const confirmed = await asService(db, `public.confirm_booking($1)`, [booking.id], '2027-01-01T08:05:00Z');
    expect(confirmed.status).toBe('confirmed');
    expect(await outboxFor(booking.id)).toEqual([
      { topic: 'booking.confirmed', payload: expect.objectContaining({ id: booking.id, status: 'confirmed' }) },
    ]);
    // Idempotent: confirming again returns it without a second event.
    await asService(db, `public.confirm_booking($1)`, [booking.id], '2027-01-01T08:06:00Z');
    expect(await outboxFor(booking.id)).toHaveLength(1);

    await expectCode(hold(projectId, '2027-02-01T00:00:00Z'), 'BOOK_001');
    await expect(
      db.admin.query(`update public.bookings set status = 'confirmed' where project_id = $1 and id <> $2`, [projectId, booking.id]),
    ).resolves.toBeDefined();
    await expect(
      db.admin.query(
        `insert into public.bookings (project_id, slot, status, client_name) values ($1, tstzrange($2, $3), 'confirmed', 'Twin')`,
        [projectId, SLOT[0], SLOT[1]],
      ),
    ).rejects.toMatchObject({ code: '23P01' });
  });

  it('refuses to confirm a lapsed hold without payment (BOOK_002)', async () => {
    const { projectId } = await project();
    const booking = await hold(projectId);
    await expectCode(asService(db, `public.confirm_booking($1)`, [booking.id], AFTER_HOLD), 'BOOK_002');
    expect(await outboxFor(booking.id)).toEqual([]);
  });
});

describe('payments', () => {
  const checkout = (purpose: string, ref: string, amount: number, extra = '', params: unknown[] = []) =>
    asService(db, `public.create_payment($1, 'upayments', $2, $3, 'KWD'${extra})`, [purpose, ref, amount, ...params], T0);
  const settle = (ref: string, status = 'succeeded', amount = 5000, at = '2027-01-01T08:05:00Z') =>
    asService(db, `public.apply_payment('upayments', $1, $2, $3, 'KWD')`, [ref, status, amount], at);

  it('a booking payment confirms the hold once, however often the provider reports it', async () => {
    const { projectId, ownerId } = await project();
    const booking = await hold(projectId);
    const payment = await checkout('booking', 'ref-book-1', 5000, ', p_booking_id => $4', [booking.id]);
    expect(payment).toMatchObject({ user_id: ownerId, status: 'pending' });
    expect(await settle('ref-book-1')).toMatchObject({ status: 'succeeded', replayed: false });
    expect(await settle('ref-book-1')).toMatchObject({ status: 'succeeded', replayed: true });
    expect(await outboxFor(booking.id)).toHaveLength(1);
  });

  it('a late payment for an expired hold confirms it when the slot is still free', async () => {
    const { projectId } = await project();
    const booking = await hold(projectId);
    await checkout('booking', 'ref-late-free', 5000, ', p_booking_id => $4', [booking.id]);
    await asService(db, `public.expire_booking_holds()`, [], AFTER_HOLD);
    expect(await settle('ref-late-free', 'succeeded', 5000, '2027-01-01T09:00:00Z')).toMatchObject({ status: 'succeeded' });
    const { rows } = await db.admin.query(`select status from public.bookings where id = $1`, [booking.id]);
    expect(rows[0]!.status).toBe('confirmed');
  });

  it('a late payment whose slot was taken is flagged for refund and the other booking stands', async () => {
    const { projectId } = await project();
    const first = await hold(projectId);
    await checkout('booking', 'ref-late-taken', 5000, ', p_booking_id => $4', [first.id]);
    const second = await hold(projectId, AFTER_HOLD, SLOT, 'Second');
    expect(await settle('ref-late-taken', 'succeeded', 5000, '2027-01-01T08:25:00Z')).toMatchObject({ status: 'refund_required' });
    const { rows } = await db.admin.query(`select id, status from public.bookings where project_id = $1 order by created_at`, [projectId]);
    expect(rows.map((r) => r.status).sort()).toEqual(['expired', 'held']);
    expect(rows.find((r) => r.status === 'held').id).toBe(second.id);
    expect(await outboxFor(first.id)).toEqual([]);
  });

  it('a failed payment releases the held slot', async () => {
    const { projectId } = await project();
    const booking = await hold(projectId);
    await checkout('booking', 'ref-failed', 5000, ', p_booking_id => $4', [booking.id]);
    expect(await settle('ref-failed', 'failed')).toMatchObject({ status: 'failed' });
    expect((await hold(projectId, '2027-01-01T08:06:00Z')).status).toBe('held');
  });

  it('flags a success whose amount differs from the checkout and confirms nothing', async () => {
    const { projectId } = await project();
    const booking = await hold(projectId);
    await checkout('booking', 'ref-amount', 5000, ', p_booking_id => $4', [booking.id]);
    expect(await settle('ref-amount', 'succeeded', 4999)).toMatchObject({ status: 'needs_review', review_reason: 'amount_mismatch' });
    expect(await outboxFor(booking.id)).toEqual([]);
    await expectCode(checkout('booking', 'ref-amount', 5000, ', p_booking_id => $4', [booking.id]), 'REQ_006');
  });

  it('a plan payment sets the plan and grants the monthly allowance until the period end; a credit purchase adds purchased credits', async () => {
    const userId = await db.newUser();
    await expectCode(checkout('plan', 'ref-sub-cheap', 1000, ', p_user_id => $4, p_tier => $5', [userId, 'premium']), 'REQ_004');
    await checkout('plan', 'ref-sub', TIERS.premium.priceFils, ', p_user_id => $4, p_tier => $5', [userId, 'premium']);
    await settle('ref-sub', 'succeeded', TIERS.premium.priceFils, T0);
    await checkout('credits', 'ref-topup', 2000, ', p_user_id => $4, p_credits => $5', [userId, 20]);
    await settle('ref-topup', 'succeeded', 2000, T0);
    await settle('ref-topup', 'succeeded', 2000, T0);

    const me = await asUser(db, userId, `public.get_me()`, [], T0);
    expect(me.profile.tier).toBe('premium');
    expect(new Date(me.profile.period_end).toISOString()).toBe('2027-02-01T08:00:00.000Z');
    expect(me.credits).toMatchObject({ monthly: TIERS.premium.monthlyCredits, purchased: 20 });
    expect(new Date(me.credits.monthly_expires_at).toISOString()).toBe('2027-02-01T08:00:00.000Z');
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 370, ledger: 370, spends: 0 });

    // Renewing the active plan extends the period from its end.
    await checkout('plan', 'ref-sub-2', TIERS.premium.priceFils, ', p_user_id => $4, p_tier => $5', [userId, 'premium']);
    await settle('ref-sub-2', 'succeeded', TIERS.premium.priceFils, '2027-01-20T00:00:00Z');
    const renewed = await asUser(db, userId, `public.get_me()`, [], '2027-01-20T00:00:00Z');
    expect(new Date(renewed.profile.period_end).toISOString()).toBe('2027-03-01T08:00:00.000Z');
  });

  it('users read their own payments only; owners read their projects bookings through project_bookings', async () => {
    const { projectId, ownerId } = await project();
    const stranger = await db.newUser();
    const booking = await hold(projectId);
    await hold(projectId, T0, ['2027-01-07T10:00:00Z', '2027-01-07T11:00:00Z'], 'Later');
    await hold(projectId, T0, ['2027-01-06T10:00:00Z', '2027-01-06T11:00:00Z'], 'Middle');
    await checkout('booking', 'ref-visible', 5000, ', p_booking_id => $4', [booking.id]);

    const own = await call(db, 'authenticated', userClaims(ownerId), `select provider_ref from public.payments`);
    expect(own).toEqual([{ provider_ref: 'ref-visible' }]);
    expect(await call(db, 'authenticated', userClaims(stranger), `select provider_ref from public.payments`)).toEqual([]);

    const page = (limit: number, beforeStartsAt: string | null, beforeId: string | null) =>
      call<{ id: string; client_name: string; starts_at: Date }>(
        db,
        'authenticated',
        userClaims(ownerId),
        `select * from public.project_bookings($1, $2, $3, $4)`,
        [projectId, limit, beforeStartsAt, beforeId],
      );
    const first = await page(2, null, null);
    expect(first.map((b) => b.client_name)).toEqual(['Later', 'Middle']);
    const next = await page(2, first[1]!.starts_at.toISOString(), first[1]!.id);
    expect(next.map((b) => b.client_name)).toEqual(['Client']);
    expect(first.map((b) => (b as unknown as { payment_status: string | null }).payment_status)).toEqual([null, null]);
    expect(next.map((b) => (b as unknown as { payment_status: string | null }).payment_status)).toEqual(['pending']);
    // The owner's payment status is checked in the function too: a stranger learns nothing of it.
    const status = (userId: string) =>
      call<{ s: string | null }>(db, 'authenticated', userClaims(userId), `select private.booking_payment_status($1) as s`, [booking.id]);
    expect(await status(ownerId)).toEqual([{ s: 'pending' }]);
    expect(await status(stranger)).toEqual([{ s: null }]);
    await expectCode(
      call(db, 'authenticated', userClaims(stranger), `select * from public.project_bookings($1)`, [projectId]),
      'NOT_FOUND_002',
    );
  });
});

describe('webhook events and outbox', () => {
  const hash = (c: string) => c.repeat(64);

  it('records each provider event once and refuses the same id with another payload', async () => {
    expect(await asService(db, `public.record_webhook_event('stripe', 'evt_1', $1)`, [hash('a')])).toBe(true);
    expect(await asService(db, `public.record_webhook_event('stripe', 'evt_1', $1)`, [hash('a')])).toBe(false);
    expect(await asService(db, `public.record_webhook_event('upayments', 'evt_1', $1)`, [hash('a')])).toBe(true);
    await expectCode(asService(db, `public.record_webhook_event('stripe', 'evt_1', $1)`, [hash('b')]), 'REQ_006');
  });

  it('claims due rows under a lease, retries failures with backoff and stops after delivery', async () => {
    await db.admin.query(`delete from public.outbox`);
    await db.admin.query(`insert into public.outbox (topic, payload, available_at) values ('test.a', '{}', $1), ('test.b', '{}', $1)`, [
      T0,
    ]);
    const claim = (at: string) =>
      call<{ id: string; topic: string; attempts: number }>(db, 'service_role', {}, `select * from public.claim_outbox(10, 60)`, [], at);

    const claimed = await claim(T0);
    expect(claimed.map((r) => [r.topic, r.attempts])).toEqual([
      ['test.a', 1],
      ['test.b', 1],
    ]);
    expect(await claim('2027-01-01T08:00:30Z')).toEqual([]); // leased
    await call(db, 'service_role', {}, `select public.mark_outbox($1, true)`, [claimed[0]!.id], T0);
    await call(db, 'service_role', {}, `select public.mark_outbox($1, false, 'HTTP 503')`, [claimed[1]!.id], T0);
    expect(await claim('2027-01-01T08:01:30Z')).toEqual([]); // backoff: 2 minutes after the first failure
    expect((await claim('2027-01-01T08:02:00Z')).map((r) => [r.topic, r.attempts])).toEqual([['test.b', 2]]);
    await expectCode(call(db, 'service_role', {}, `select public.mark_outbox($1, true)`, [claimed[0]!.id], T0), 'NOT_FOUND_002');
  });
});
