/**
 * Billing in SQL: checkout priced from the price lists, provider references, exactly-once
 * settlement under races and out-of-order events, the plan rules (new, renewal, tier change),
 * credit packs, refunds, review flags, UPayments re-checks, and who may call each function.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CREDIT_PACKS, TIERS, type CreditPackId, type TierId } from '../../shared/pricing';
import { useTestDatabase, userClaims, type ApiRole } from '../support/db';
import { asService, asUser, balanceAndLedger, call, expectCode } from './helpers';

const db = useTestDatabase({ poolSize: 25 });

const T0 = '2027-03-01T09:00:00.000Z';
const MINUTE = 60_000;
const DAY = 86_400_000;
const plus = (ms: number, from = T0) => new Date(Date.parse(from) + ms).toISOString();
const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

type Purchase = { purpose: 'plan'; tier: TierId } | { purpose: 'credits'; pack: CreditPackId };
type Provider = { provider: 'upayments'; method: 'knet' | 'card' } | { provider: 'stripe' };

function checkout(
  userId: string,
  purchase: Purchase,
  key: string = randomUUID(),
  at = T0,
  provider: Provider = { provider: 'upayments', method: 'knet' },
) {
  return asUser(
    db,
    userId,
    `public.create_checkout(p_purpose => $1, p_provider => $2, p_idempotency_key => $3, p_tier => $4, p_pack => $5, p_method => $6)`,
    [
      purchase.purpose,
      provider.provider,
      key,
      purchase.purpose === 'plan' ? purchase.tier : null,
      purchase.purpose === 'credits' ? purchase.pack : null,
      provider.provider === 'upayments' ? provider.method : null,
    ],
    at,
  );
}

interface Outcome {
  ref?: string | null;
  paymentId?: string | null;
  status: string;
  amount?: number | null;
  currency?: string | null;
  eventId?: string | null;
  hash?: string | null;
  provider?: string;
}

const APPLY = `public.apply_payment(p_provider => $1, p_provider_ref => $2, p_status => $3, p_amount_fils => $4, p_currency => $5,
  p_payment_id => $6, p_event_id => $7, p_payload_sha256 => $8)`;
const applyParams = (o: Outcome) => [
  o.provider ?? 'upayments',
  o.ref ?? null,
  o.status,
  o.amount ?? null,
  o.currency ?? null,
  o.paymentId ?? null,
  o.eventId ?? null,
  o.hash ?? null,
];

const apply = (outcome: Outcome, at = T0) => asService(db, APPLY, applyParams(outcome), at);

const setCheckout = (paymentId: string, ref: string | null, url: string | null = null) =>
  asService(db, `public.set_payment_checkout($1, $2, $3)`, [paymentId, ref, url]);

/** Checkout + provider reference + a verified capture of the full amount: what a paid checkout does. */
async function buy(userId: string, purchase: Purchase, at = T0) {
  const payment = await checkout(userId, purchase, randomUUID(), at);
  const ref = `track-${payment.id}`;
  await setCheckout(payment.id, ref, `https://pay.example.test/${payment.id}`);
  const applied = await apply({ ref, status: 'succeeded', amount: payment.amount_fils, currency: 'KWD' }, at);
  expect(applied).toMatchObject({ status: 'succeeded', replayed: false });
  return { ...applied, ref };
}

const refund = (payment: { ref: string; amount_fils: number }, at: string, amount = payment.amount_fils) =>
  apply({ ref: payment.ref, status: 'refunded', amount, currency: 'KWD' }, at);

const me = (userId: string, at: string) => asUser(db, userId, `public.get_me()`, [], at);
const spend = (userId: string, action: string, at: string) =>
  asUser(db, userId, `public.spend_credits($1, $2)`, [action, randomUUID()], at);

async function ledger(userId: string) {
  const { rows } = await db.admin.query(
    `select reason, delta_monthly::float8 as monthly, delta_purchased::float8 as purchased, payment_id
     from public.credit_ledger where user_id = $1 order by id`,
    [userId],
  );
  return rows as { reason: string; monthly: number; purchased: number; payment_id: string | null }[];
}

async function events(paymentId: string) {
  const { rows } = await db.admin.query(`select topic from public.outbox where payload ->> 'payment_id' = $1 order by id`, [paymentId]);
  return rows.map((row) => row.topic as string);
}

async function paymentRow(paymentId: string) {
  const { rows } = await db.admin.query(`select * from public.payments where id = $1`, [paymentId]);
  return rows[0];
}

/** The ledger invariant, checked after every scenario that moves credits. */
async function expectLedgerMatchesBalance(userId: string) {
  const { balance, ledger: sum } = await balanceAndLedger(db, userId);
  expect(sum).toBe(balance ?? 0);
}

type Settled = { ok: true; value: any } | { ok: false; code: string; message: string };
async function race(count: number, run: () => Promise<unknown>): Promise<Settled[]> {
  return (await Promise.allSettled(Array.from({ length: count }, run))).map((result) =>
    result.status === 'fulfilled'
      ? { ok: true, value: result.value }
      : { ok: false, code: result.reason.code, message: result.reason.message },
  );
}

describe('checkout', () => {
  it('creates a pending payment priced from the plan list, in the owner shape', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    expect(Object.keys(payment).sort()).toEqual(
      [
        'amount_fils',
        'applied_at',
        'checkout_url',
        'created_at',
        'credits',
        'currency',
        'expires_at',
        'id',
        'method',
        'pack',
        'provider',
        'purpose',
        'replayed',
        'status',
        'tier',
      ].sort(),
    );
    expect(payment).toMatchObject({
      purpose: 'plan',
      tier: 'pro',
      pack: null,
      credits: null,
      provider: 'upayments',
      method: 'knet',
      status: 'pending',
      amount_fils: TIERS.pro.priceFils,
      currency: 'KWD',
      checkout_url: null,
      applied_at: null,
      replayed: false,
    });
    expect(iso(payment.expires_at)).toBe(plus(60 * MINUTE));
  });

  it('prices a credit pack from the pack list, with Stripe and no method', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'credits', pack: 'medium' }, randomUUID(), T0, { provider: 'stripe' });
    expect(payment).toMatchObject({
      purpose: 'credits',
      pack: 'medium',
      tier: null,
      credits: CREDIT_PACKS.medium.credits,
      amount_fils: CREDIT_PACKS.medium.priceFils,
      provider: 'stripe',
      method: null,
    });
  });

  it('returns the same payment for a repeated key, also when 20 arrive at once, and refuses the key for another purchase (REQ_006)', async () => {
    const userId = await db.newUser();
    const key = randomUUID();
    const outcomes = await race(20, () => checkout(userId, { purpose: 'plan', tier: 'basic' }, key));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const values = outcomes.map((o) => (o as { value: any }).value);
    expect(new Set(values.map((v) => v.id)).size).toBe(1);
    expect(values.filter((v) => !v.replayed)).toHaveLength(1);
    const { rows } = await db.admin.query(`select count(*)::int as n from public.payments where user_id = $1`, [userId]);
    expect(rows[0].n).toBe(1);

    await expectCode(checkout(userId, { purpose: 'plan', tier: 'premium' }, key), 'REQ_006');
    await expectCode(checkout(userId, { purpose: 'plan', tier: 'basic' }, key, T0, { provider: 'upayments', method: 'card' }), 'REQ_006');
    // Keys are per user: another user's identical key is a new checkout.
    const other = await db.newUser();
    expect((await checkout(other, { purpose: 'plan', tier: 'basic' }, key)).replayed).toBe(false);
  });

  it('a repeated key answers PAY_002 once that checkout expired unpaid, and the settled payment once it was paid', async () => {
    const userId = await db.newUser();
    const key = randomUUID();
    const payment = await checkout(userId, { purpose: 'credits', pack: 'small' }, key);
    expect((await checkout(userId, { purpose: 'credits', pack: 'small' }, key, plus(59 * MINUTE))).id).toBe(payment.id);
    await expectCode(checkout(userId, { purpose: 'credits', pack: 'small' }, key, plus(60 * MINUTE)), 'PAY_002');

    const paidKey = randomUUID();
    const paid = await checkout(userId, { purpose: 'credits', pack: 'small' }, paidKey);
    await apply({ paymentId: paid.id, status: 'succeeded', amount: paid.amount_fils, currency: 'KWD' });
    expect(await checkout(userId, { purpose: 'credits', pack: 'small' }, paidKey, plus(DAY))).toMatchObject({
      id: paid.id,
      status: 'succeeded',
      replayed: true,
    });
    await expectLedgerMatchesBalance(userId);
  });

  it('refuses unknown plans and packs, mixed or missing fields, booking and domain purposes and bad keys (REQ_004)', async () => {
    const userId = await db.newUser();
    const create = (purpose: unknown, provider: unknown, key: unknown, tier: unknown, pack: unknown, method: unknown) =>
      asUser(db, userId, `public.create_checkout($1, $2, $3, $4, $5, $6)`, [purpose, provider, key, tier, pack, method]);
    const refused: unknown[][] = [
      ['plan', 'upayments', 'k', 'gold', null, 'knet'],
      ['plan', 'upayments', 'k', null, null, 'knet'],
      ['plan', 'upayments', 'k', 'pro', 'small', 'knet'],
      ['credits', 'upayments', 'k', null, 'huge', 'knet'],
      ['credits', 'upayments', 'k', 'pro', 'small', 'knet'],
      ['booking', 'upayments', 'k', null, null, 'knet'],
      ['domain', 'stripe', 'k', null, null, null],
      [null, 'stripe', 'k', 'pro', null, null],
      ['plan', 'upayments', 'k', 'pro', null, null],
      ['plan', 'upayments', 'k', 'pro', null, 'amex'],
      ['plan', 'stripe', 'k', 'pro', null, 'card'],
      ['plan', 'paypal', 'k', 'pro', null, null],
      ['plan', 'stripe', '', 'pro', null, null],
      ['plan', 'stripe', null, 'pro', null, null],
      ['plan', 'stripe', 'x'.repeat(201), 'pro', null, null],
    ];
    for (const args of refused) await expectCode(create(...(args as [unknown, unknown, unknown, unknown, unknown, unknown])), 'REQ_004');
    const { rows } = await db.admin.query(`select count(*)::int as n from public.payments where user_id = $1`, [userId]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses anonymous sign-ins (AUTH_005)', async () => {
    const anonymous = await db.newUser({ isAnonymous: true });
    await expectCode(
      call(
        db,
        'authenticated',
        userClaims(anonymous, { is_anonymous: true }),
        `select public.create_checkout('plan', 'stripe', 'k', 'pro')`,
      ),
      'AUTH_005',
    );
  });
});

describe('provider reference and owner status', () => {
  it('stores the first reference and url; a second call returns them; a reference of another payment is REQ_006', async () => {
    const userId = await db.newUser();
    const first = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    const second = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    const stored = await setCheckout(first.id, 'trk-1', 'https://pay.example.test/1');
    expect(stored).toMatchObject({ id: first.id, provider_ref: 'trk-1', checkout_url: 'https://pay.example.test/1', status: 'pending' });
    expect(await setCheckout(first.id, 'trk-other', 'https://pay.example.test/other')).toMatchObject({
      provider_ref: 'trk-1',
      checkout_url: 'https://pay.example.test/1',
    });
    await expectCode(setCheckout(second.id, 'trk-1'), 'REQ_006');
    await expectCode(setCheckout(second.id, null, 'javascript:alert(1)'), 'REQ_004');
    await expectCode(setCheckout(second.id, null, null), 'REQ_004');
    await expectCode(setCheckout(randomUUID(), 'trk-2'), 'NOT_FOUND_002');
  });

  it('get_payment shows the owner their payment and answers NOT_FOUND_002 to anyone else', async () => {
    const owner = await db.newUser();
    const stranger = await db.newUser();
    const payment = await checkout(owner, { purpose: 'plan', tier: 'enterprise' });
    await setCheckout(payment.id, 'trk-get', 'https://pay.example.test/get');
    const { replayed: _, ...shape } = payment;
    expect(await asUser(db, owner, `public.get_payment($1)`, [payment.id])).toEqual({
      ...shape,
      checkout_url: 'https://pay.example.test/get',
    });
    await expectCode(asUser(db, stranger, `public.get_payment($1)`, [payment.id]), 'NOT_FOUND_002');
    await expectCode(asUser(db, owner, `public.get_payment($1)`, [randomUUID()]), 'NOT_FOUND_002');
  });
});

describe('settlement exactly once', () => {
  it('a plan purchase sets the tier and 200 monthly credits once under 20 concurrent applies', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    await setCheckout(payment.id, `trk-${payment.id}`);
    const outcomes = await race(20, () =>
      apply({ ref: `trk-${payment.id}`, status: 'succeeded', amount: TIERS.pro.priceFils, currency: 'KWD' }),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const values = outcomes.map((o) => (o as { value: any }).value);
    expect(values.filter((v) => !v.replayed)).toHaveLength(1);
    expect(values.every((v) => v.status === 'succeeded')).toBe(true);

    const state = await me(userId, T0);
    expect(state.profile.tier).toBe('pro');
    expect(iso(state.profile.period_end)).toBe('2027-04-01T09:00:00.000Z');
    expect(state.credits).toMatchObject({ monthly: 200, total: 200 });
    expect(await ledger(userId)).toEqual([{ reason: 'monthly_grant', monthly: 200, purchased: 0, payment_id: payment.id }]);
    expect(await events(payment.id)).toEqual(['payment.succeeded']);
    expect(await paymentRow(payment.id)).toMatchObject({ period_start: new Date(T0), period_end: new Date('2027-04-01T09:00:00Z') });
    await expectLedgerMatchesBalance(userId);
  });

  it('notification, return and re-check racing on the payment id (20 at once) grant a pack once', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'credits', pack: 'small' });
    const outcomes = await race(20, () =>
      apply({ paymentId: payment.id, ref: `trk-${payment.id}`, status: 'succeeded', amount: payment.amount_fils, currency: 'KWD' }),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.filter((o) => o.ok && !o.value.replayed)).toHaveLength(1);
    expect(await ledger(userId)).toEqual([{ reason: 'topup', monthly: 0, purchased: 50, payment_id: payment.id }]);
    expect(await events(payment.id)).toEqual(['payment.succeeded']);
    await expectLedgerMatchesBalance(userId);
  });

  it('one Stripe event delivered 20 times at once is applied once; its id with another payload is REQ_006', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'credits', pack: 'large' }, randomUUID(), T0, { provider: 'stripe' });
    await setCheckout(payment.id, `cs_${payment.id}`);
    const event = {
      provider: 'stripe',
      ref: `cs_${payment.id}`,
      paymentId: payment.id,
      status: 'succeeded',
      amount: CREDIT_PACKS.large.priceFils,
      currency: 'KWD',
      eventId: `evt_${payment.id}`,
      hash: 'a'.repeat(64),
    };
    const outcomes = await race(20, () => apply(event));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.filter((o) => o.ok && !o.value.replayed)).toHaveLength(1);

    expect((await me(userId, T0)).credits).toMatchObject({ purchased: 300, total: 300 });
    expect(await ledger(userId)).toEqual([{ reason: 'topup', monthly: 0, purchased: 300, payment_id: payment.id }]);
    expect(await events(payment.id)).toEqual(['payment.succeeded']);
    const { rows } = await db.admin.query(`select count(*)::int as n from public.webhook_events where event_id = $1`, [event.eventId]);
    expect(rows[0].n).toBe(1);
    await expectCode(apply({ ...event, hash: 'b'.repeat(64) }), 'REQ_006');
    await expectLedgerMatchesBalance(userId);
  });

  it('an event whose payment is unknown is not recorded, so its redelivery can still apply', async () => {
    const event = {
      provider: 'stripe',
      paymentId: randomUUID(),
      status: 'succeeded',
      amount: 1000,
      currency: 'KWD',
      eventId: 'evt_unknown',
      hash: 'c'.repeat(64),
    };
    await expectCode(apply(event), 'NOT_FOUND_002');
    const { rows } = await db.admin.query(`select count(*)::int as n from public.webhook_events where event_id = 'evt_unknown'`);
    expect(rows[0].n).toBe(0);
  });

  it('a late expiry, failure or cancellation after the capture changes nothing', async () => {
    const userId = await db.newUser();
    const paid = await buy(userId, { purpose: 'plan', tier: 'basic' });
    for (const status of ['expired', 'failed', 'cancelled']) {
      expect(await apply({ ref: paid.ref, status }, plus(2 * 60 * MINUTE))).toMatchObject({ status: 'succeeded', replayed: true });
    }
    expect((await me(userId, plus(DAY))).profile.tier).toBe('basic');
    expect(await events(paid.id)).toEqual(['payment.succeeded']);
    await expectLedgerMatchesBalance(userId);
  });

  it('a capture verified after the payment expired or failed is still honoured, once', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'credits', pack: 'small' });
    await setCheckout(payment.id, `trk-${payment.id}`);
    expect(await apply({ ref: `trk-${payment.id}`, status: 'expired' }, plus(61 * MINUTE))).toMatchObject({
      status: 'expired',
      replayed: false,
    });
    expect(await apply({ ref: `trk-${payment.id}`, status: 'failed' }, plus(62 * MINUTE))).toMatchObject({
      status: 'expired',
      replayed: true,
    });
    const late = await apply(
      { ref: `trk-${payment.id}`, status: 'succeeded', amount: payment.amount_fils, currency: 'KWD' },
      plus(63 * MINUTE),
    );
    expect(late).toMatchObject({ status: 'succeeded', replayed: false });
    expect((await me(userId, plus(DAY))).credits.purchased).toBe(50);
    expect(await events(payment.id)).toEqual(['payment.expired', 'payment.succeeded']);
    await expectLedgerMatchesBalance(userId);
  });

  it('a failure closes only the attempt the payment knows; a pending payment learns its reference from the first outcome', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    // No reference stored at checkout: the first outcome, found by payment id, brings it.
    expect(await apply({ paymentId: payment.id, ref: 'trk-attempt-1', status: 'cancelled' })).toMatchObject({
      status: 'cancelled',
      provider_ref: 'trk-attempt-1',
    });
    const other = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    await setCheckout(other.id, 'trk-known');
    expect(await apply({ paymentId: other.id, ref: 'trk-unknown', status: 'failed' })).toMatchObject({ status: 'pending', replayed: true });
    await expectCode(apply({ paymentId: other.id, provider: 'stripe', status: 'failed' }), 'NOT_FOUND_002');
    await expectCode(apply({ ref: 'trk-nobody', status: 'failed' }), 'NOT_FOUND_002');
  });

  it('a second capture under another reference of an already paid order is flagged for refund, not applied twice', async () => {
    const userId = await db.newUser();
    const paid = await buy(userId, { purpose: 'credits', pack: 'small' });
    const again = await apply({
      paymentId: paid.id,
      ref: 'trk-second-capture',
      status: 'succeeded',
      amount: paid.amount_fils,
      currency: 'KWD',
    });
    expect(again).toMatchObject({ status: 'succeeded', review_reason: 'duplicate_charge', provider_ref: paid.ref, replayed: false });
    expect(
      (await apply({ paymentId: paid.id, ref: 'trk-second-capture', status: 'succeeded', amount: paid.amount_fils, currency: 'KWD' }))
        .replayed,
    ).toBe(true);
    expect(await events(paid.id)).toEqual(['payment.succeeded', 'refund.needed']);
    expect((await me(userId, T0)).credits.purchased).toBe(50);
    await expectLedgerMatchesBalance(userId);
  });

  it('refuses malformed outcomes (REQ_004)', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    await expectCode(apply({ paymentId: payment.id, status: 'captured' }), 'REQ_004');
    await expectCode(apply({ paymentId: payment.id, status: 'succeeded', currency: 'KWD' }), 'REQ_004');
    await expectCode(apply({ paymentId: payment.id, status: 'succeeded', amount: -1, currency: 'KWD' }), 'REQ_004');
    await expectCode(apply({ paymentId: payment.id, status: 'refunded', amount: 1 }), 'REQ_004');
    await expectCode(apply({ status: 'failed' }), 'REQ_004');
    expect((await paymentRow(payment.id)).status).toBe('pending');
  });
});

describe('review flags', () => {
  it('an amount or currency that differs from the checkout flags the payment and applies nothing, even when a matching capture follows', async () => {
    const userId = await db.newUser();
    const short = await checkout(userId, { purpose: 'plan', tier: 'premium' });
    const flagged = await apply({ paymentId: short.id, status: 'succeeded', amount: TIERS.premium.priceFils - 1000, currency: 'KWD' });
    expect(flagged).toMatchObject({ status: 'needs_review', review_reason: 'amount_mismatch', applied_at: null, replayed: false });
    expect(await apply({ paymentId: short.id, status: 'succeeded', amount: TIERS.premium.priceFils, currency: 'KWD' })).toMatchObject({
      status: 'needs_review',
      replayed: true,
    });

    const dollars = await checkout(userId, { purpose: 'credits', pack: 'small' });
    expect(await apply({ paymentId: dollars.id, status: 'succeeded', amount: dollars.amount_fils, currency: 'USD' })).toMatchObject({
      status: 'needs_review',
      review_reason: 'currency_mismatch',
    });

    const state = await me(userId, T0);
    expect(state.profile.tier).toBeNull();
    expect(state.credits.total).toBe(0);
    expect(await ledger(userId)).toEqual([]);
    expect(await events(short.id)).toEqual(['payment.needs_review']);
    expect(await events(dollars.id)).toEqual(['payment.needs_review']);
    expect(await asUser(db, userId, `public.get_payment($1)`, [short.id])).toMatchObject({ status: 'needs_review' });
  });

  it('a capture for a deleted user ends flagged with refund.needed, without an exception loop', async () => {
    const userId = await db.newUser();
    const plan = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    const pack = await checkout(userId, { purpose: 'credits', pack: 'small' });
    await db.admin.query(`delete from auth.users where id = $1`, [userId]);

    for (const payment of [plan, pack]) {
      const capture = { paymentId: payment.id, status: 'succeeded', amount: payment.amount_fils, currency: 'KWD' };
      expect(await apply(capture)).toMatchObject({ status: 'needs_review', review_reason: 'user_deleted', user_id: null, replayed: false });
      expect(await apply(capture)).toMatchObject({ status: 'needs_review', replayed: true });
      expect(await events(payment.id)).toEqual(['refund.needed']);
      // The provider refunds it: closed, nothing to take back.
      expect(await apply({ paymentId: payment.id, status: 'refunded', amount: payment.amount_fils, currency: 'KWD' })).toMatchObject({
        status: 'refunded',
      });
    }
    const { rows } = await db.admin.query(`select count(*)::int as n from public.credit_ledger where payment_id = any ($1)`, [
      [plan.id, pack.id],
    ]);
    expect(rows[0].n).toBe(0);
  });
});

describe('plan rules', () => {
  it('renewal before the end extends the period by one month from the current end and adds the month of credits', async () => {
    const userId = await db.newUser();
    await buy(userId, { purpose: 'plan', tier: 'basic' });
    await spend(userId, 'page_generation', plus(DAY));
    const renewal = await buy(userId, { purpose: 'plan', tier: 'basic' }, plus(20 * DAY));
    expect([iso(renewal.period_start), iso(renewal.period_end)]).toEqual(['2027-04-01T09:00:00.000Z', '2027-05-01T09:00:00.000Z']);

    const state = await me(userId, plus(20 * DAY));
    expect(state.profile.tier).toBe('basic');
    expect(iso(state.profile.period_end)).toBe('2027-05-01T09:00:00.000Z');
    expect(state.credits).toMatchObject({ monthly: 197, total: 197 });
    expect(iso(state.credits.monthly_expires_at)).toBe('2027-05-01T09:00:00.000Z');
    // Still active after the first month's end; all monthly credits lapse at the renewed end.
    expect((await me(userId, '2027-04-15T00:00:00Z')).profile.tier).toBe('basic');
    expect((await me(userId, '2027-05-01T09:00:00Z')).credits.monthly).toBe(0);
    await expectLedgerMatchesBalance(userId);
  });

  it('a plan bought after the last one ended starts now, with only the new month of credits', async () => {
    const userId = await db.newUser();
    await buy(userId, { purpose: 'plan', tier: 'basic' });
    const later = await buy(userId, { purpose: 'plan', tier: 'basic' }, '2027-04-10T09:00:00.000Z');
    expect([iso(later.period_start), iso(later.period_end)]).toEqual(['2027-04-10T09:00:00.000Z', '2027-05-10T09:00:00.000Z']);
    expect((await me(userId, '2027-04-10T09:00:00Z')).credits).toMatchObject({ monthly: 100, total: 100 });
    expect((await ledger(userId)).map((row) => [row.reason, row.monthly])).toEqual([
      ['monthly_grant', 100],
      ['expiry', -100],
      ['monthly_grant', 100],
    ]);
    await expectLedgerMatchesBalance(userId);
  });

  it('changing tier mid-month starts a new period now and replaces the monthly bucket', async () => {
    const userId = await db.newUser();
    const pro = await buy(userId, { purpose: 'plan', tier: 'pro' });
    await spend(userId, 'complex_feature', plus(DAY));
    const premium = await buy(userId, { purpose: 'plan', tier: 'premium' }, plus(10 * DAY));

    const state = await me(userId, plus(10 * DAY));
    expect(state.profile.tier).toBe('premium');
    expect(iso(state.profile.period_end)).toBe('2027-04-11T09:00:00.000Z');
    expect(state.credits).toMatchObject({ monthly: 350, total: 350 });
    expect(await ledger(userId)).toEqual([
      { reason: 'monthly_grant', monthly: 200, purchased: 0, payment_id: pro.id },
      { reason: 'spend', monthly: -4, purchased: 0, payment_id: null },
      { reason: 'plan_change', monthly: -196, purchased: 0, payment_id: premium.id },
      { reason: 'monthly_grant', monthly: 350, purchased: 0, payment_id: premium.id },
    ]);
    // A downgrade follows the same rule.
    await buy(userId, { purpose: 'plan', tier: 'basic' }, plus(12 * DAY));
    expect((await me(userId, plus(12 * DAY))).credits).toMatchObject({ monthly: 100, total: 100 });
    expect((await me(userId, plus(12 * DAY))).profile.tier).toBe('basic');
    await expectLedgerMatchesBalance(userId);
  });

  it('periods are Kuwait calendar months: bought at 01:00 on 31 January in Kuwait, the plan ends at 01:00 on 28 February there', async () => {
    const userId = await db.newUser();
    // 30 January 22:00 UTC; a UTC month would end on 28 February 22:00 UTC instead.
    const paid = await buy(userId, { purpose: 'plan', tier: 'basic' }, '2027-01-30T22:00:00.000Z');
    expect(iso(paid.period_end)).toBe('2027-02-27T22:00:00.000Z');
  });
});

describe('credit packs', () => {
  it('add purchased credits that do not lapse, and a pack refund takes back only from the purchased bucket', async () => {
    const userId = await db.newUser();
    await buy(userId, { purpose: 'plan', tier: 'pro' });
    const pack = await buy(userId, { purpose: 'credits', pack: 'medium' });
    await spend(userId, 'complex_feature', plus(DAY)); // spent from the monthly bucket first
    expect((await me(userId, plus(DAY))).credits).toMatchObject({ monthly: 196, purchased: 120, total: 316 });
    expect((await me(userId, '2028-06-01T00:00:00Z')).credits).toMatchObject({ monthly: 0, purchased: 120 });

    expect(await refund(pack, plus(2 * DAY))).toMatchObject({ status: 'refunded', review_reason: null, replayed: false });
    expect((await me(userId, plus(2 * DAY))).credits).toMatchObject({ monthly: 196, purchased: 0, total: 196 });
    expect((await me(userId, plus(2 * DAY))).profile.tier).toBe('pro');
    expect(await events(pack.id)).toEqual(['payment.succeeded', 'payment.refunded']);
    expect((await refund(pack, plus(3 * DAY))).replayed).toBe(true);
    await expectLedgerMatchesBalance(userId);
  });
});

describe('refunds', () => {
  it('after a partial spend takes back what is left and flags the rest', async () => {
    const userId = await db.newUser();
    const pack = await buy(userId, { purpose: 'credits', pack: 'small' });
    for (let i = 0; i < 4; i++) await spend(userId, 'complex_feature', plus(DAY));
    const refunded = await refund(pack, plus(2 * DAY));
    expect(refunded).toMatchObject({ status: 'refunded', review_reason: 'refund_shortfall' });
    expect((await me(userId, plus(2 * DAY))).credits.total).toBe(0);
    expect((await ledger(userId)).filter((row) => row.reason === 'refund')).toEqual([
      { reason: 'refund', monthly: 0, purchased: -34, payment_id: pack.id },
    ]);
    expect(await events(pack.id)).toEqual(['payment.succeeded', 'payment.refunded', 'payment.needs_review']);
    await expectLedgerMatchesBalance(userId);
  });

  it('of a plan payment ends the plan and takes back its monthly credits', async () => {
    const userId = await db.newUser();
    const plan = await buy(userId, { purpose: 'plan', tier: 'pro' });
    expect(await refund(plan, plus(DAY))).toMatchObject({ status: 'refunded', review_reason: null });
    const state = await me(userId, plus(DAY));
    expect(state.profile).toMatchObject({ tier: null, period_end: null });
    expect(state.credits).toMatchObject({ monthly: 0, total: 0 });
    await expectCode(asUser(db, userId, `public.claim_daily_bonus()`, [], plus(DAY)), 'CREDIT_003');
    await expectLedgerMatchesBalance(userId);
  });

  it('of a plan payment after some credits were spent ends the plan and flags the shortfall', async () => {
    const userId = await db.newUser();
    const plan = await buy(userId, { purpose: 'plan', tier: 'pro' });
    await spend(userId, 'complex_feature', plus(DAY));
    expect(await refund(plan, plus(2 * DAY))).toMatchObject({ status: 'refunded', review_reason: 'refund_shortfall' });
    expect((await me(userId, plus(2 * DAY))).profile.tier).toBeNull();
    expect((await ledger(userId)).at(-1)).toEqual({ reason: 'refund', monthly: -196, purchased: 0, payment_id: plan.id });
    await expectLedgerMatchesBalance(userId);
  });

  it('of a renewal removes the month it bought and keeps the month before', async () => {
    const userId = await db.newUser();
    await buy(userId, { purpose: 'plan', tier: 'basic' });
    const renewal = await buy(userId, { purpose: 'plan', tier: 'basic' }, plus(20 * DAY));
    expect(await refund(renewal, plus(21 * DAY))).toMatchObject({ status: 'refunded', review_reason: null });
    const state = await me(userId, plus(21 * DAY));
    expect(state.profile.tier).toBe('basic');
    expect(iso(state.profile.period_end)).toBe('2027-04-01T09:00:00.000Z');
    expect(state.credits).toMatchObject({ monthly: 100 });
    expect(iso(state.credits.monthly_expires_at)).toBe('2027-04-01T09:00:00.000Z');
    await expectLedgerMatchesBalance(userId);
  });

  it('of a plan payment a later one replaced changes nothing and is flagged', async () => {
    const userId = await db.newUser();
    const first = await buy(userId, { purpose: 'plan', tier: 'pro' });
    await buy(userId, { purpose: 'plan', tier: 'premium' }, plus(5 * DAY));
    expect(await refund(first, plus(6 * DAY))).toMatchObject({ status: 'refunded', review_reason: 'plan_superseded' });
    const state = await me(userId, plus(6 * DAY));
    expect(state.profile.tier).toBe('premium');
    expect(state.credits.monthly).toBe(350);
    await expectLedgerMatchesBalance(userId);
  });

  it('a partial refund is flagged and takes nothing; the full refund that follows applies', async () => {
    const userId = await db.newUser();
    const pack = await buy(userId, { purpose: 'credits', pack: 'small' });
    expect(await refund(pack, plus(DAY), 5000)).toMatchObject({ status: 'succeeded', review_reason: 'partial_refund', replayed: false });
    expect((await refund(pack, plus(DAY), 5000)).replayed).toBe(true);
    expect(await refund(pack, plus(DAY), pack.amount_fils + 10)).toMatchObject({ status: 'succeeded', review_reason: 'refund_mismatch' });
    expect((await me(userId, plus(DAY))).credits.purchased).toBe(50);
    expect(await refund(pack, plus(2 * DAY))).toMatchObject({ status: 'refunded' });
    expect((await me(userId, plus(2 * DAY))).credits.purchased).toBe(0);
    await expectLedgerMatchesBalance(userId);
  });

  it('a refund that arrives before the capture closes the payment, and the capture then grants nothing', async () => {
    const userId = await db.newUser();
    const payment = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    await apply({ paymentId: payment.id, status: 'refunded', amount: payment.amount_fils, currency: 'KWD' });
    expect(await apply({ paymentId: payment.id, status: 'succeeded', amount: payment.amount_fils, currency: 'KWD' })).toMatchObject({
      status: 'refunded',
      replayed: true,
    });
    expect((await me(userId, T0)).profile.tier).toBeNull();
    expect(await ledger(userId)).toEqual([]);
  });
});

describe('UPayments re-checks', () => {
  const claim = (at: string, limit = 20) =>
    call<{ id: string; provider_ref: string | null; check_attempts: number }>(
      db,
      'service_role',
      {},
      `select * from public.claim_payment_checks($1, 120)`,
      [limit],
      at,
    );
  const record = (paymentId: string, at: string, error: string | null = null) =>
    asService(db, `public.record_payment_check($1, $2)`, [paymentId, error], at);

  it('lists due pending UPayments payments under a lease and backs off after each check', async () => {
    // Only this test's payments are due.
    await db.admin.query(`update public.payments set next_check_at = null where status = 'pending'`);
    const userId = await db.newUser();
    const due = await checkout(userId, { purpose: 'plan', tier: 'pro' });
    await setCheckout(due.id, 'trk-due');
    const stripe = await checkout(userId, { purpose: 'plan', tier: 'pro' }, randomUUID(), T0, { provider: 'stripe' });
    const settled = await checkout(userId, { purpose: 'credits', pack: 'small' });
    await apply({ paymentId: settled.id, status: 'cancelled' });

    expect(await claim(plus(59_000))).toEqual([]);
    const claimed = await claim(plus(MINUTE));
    expect(claimed).toEqual([
      {
        id: due.id,
        provider_ref: 'trk-due',
        amount_fils: String(TIERS.pro.priceFils),
        currency: 'KWD',
        expires_at: new Date(plus(60 * MINUTE)),
        check_attempts: 0,
        created_at: new Date(T0),
      },
    ]);
    expect(await claim(plus(MINUTE))).toEqual([]); // leased
    expect((await claim(plus(3 * MINUTE))).map((row) => row.id)).toEqual([due.id]); // lease of 120 s ran out

    const first = await record(due.id, plus(3 * MINUTE));
    expect(first).toMatchObject({ status: 'pending', check_attempts: 1 });
    expect(iso(first.next_check_at)).toBe(plus(5 * MINUTE));
    expect(await claim(plus(5 * MINUTE - 1000))).toEqual([]);
    expect((await claim(plus(5 * MINUTE))).map((row) => row.id)).toEqual([due.id]);
    const second = await record(due.id, plus(5 * MINUTE), 'status API timed out');
    expect(iso(second.next_check_at)).toBe(plus(9 * MINUTE));
    expect((await paymentRow(due.id)).last_check_error).toBe('status API timed out');

    await db.admin.query(`update public.payments set check_attempts = 12 where id = $1`, [due.id]);
    expect(iso((await record(due.id, plus(10 * MINUTE))).next_check_at)).toBe(plus(70 * MINUTE));

    await apply({ ref: 'trk-due', status: 'succeeded', amount: TIERS.pro.priceFils, currency: 'KWD' }, plus(11 * MINUTE));
    expect(await claim(plus(DAY))).toEqual([]);
    await expectCode(record(stripe.id, T0), 'NOT_FOUND_002');
    await expectCode(record(randomUUID(), T0), 'NOT_FOUND_002');
    await expectLedgerMatchesBalance(userId);
  });

  it('a batch holds at most p_limit payments, oldest due first', async () => {
    await db.admin.query(`update public.payments set next_check_at = null where status = 'pending'`);
    const userId = await db.newUser();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await checkout(userId, { purpose: 'credits', pack: 'small' }, randomUUID(), plus(i * 1000))).id);
    expect((await claim(plus(DAY), 2)).map((row) => row.id)).toEqual(ids.slice(0, 2));
    expect((await claim(plus(DAY), 2)).map((row) => row.id)).toEqual(ids.slice(2));
  });
});

describe('service create_payment', () => {
  it('records plan and credit payments under the renamed purposes and refuses NaN or infinite credits', async () => {
    const userId = await db.newUser();
    const create = (purpose: string, ref: string, amount: number, tier: string | null, credits: string | null) =>
      asService(db, `public.create_payment($1, 'upayments', $2, $3, 'KWD', p_user_id => $4, p_tier => $5, p_credits => $6)`, [
        purpose,
        ref,
        amount,
        userId,
        tier,
        credits,
      ]);
    expect(await create('plan', 'svc-plan', TIERS.basic.priceFils, 'basic', null)).toMatchObject({ purpose: 'plan', status: 'pending' });
    expect(await create('credits', 'svc-credits', 1000, null, '10')).toMatchObject({ purpose: 'credits', credits: 10 });
    for (const credits of ['NaN', 'Infinity', '-Infinity'])
      await expectCode(create('credits', `svc-${credits}`, 1000, null, credits), 'REQ_004');
    await expectCode(create('subscription', 'svc-old', TIERS.basic.priceFils, 'basic', null), 'REQ_004');
  });
});

describe('who may call the billing functions', () => {
  type Actor = 'anon' | 'owner' | 'stranger' | 'service';
  const session = (actor: Actor, owner: string, stranger: string): [ApiRole, Record<string, unknown>] =>
    actor === 'anon'
      ? ['anon', {}]
      : actor === 'service'
        ? ['service_role', {}]
        : ['authenticated', userClaims(actor === 'owner' ? owner : stranger)];

  /** 'ok', 'denied' (no execute grant) or the catalogue code raised; each attempt is rolled back. */
  async function attempt(actor: Actor, owner: string, stranger: string, sql: string, params: unknown[]) {
    const [role, claims] = session(actor, owner, stranger);
    try {
      await db.as(role, claims, (client) => client.query(sql, params));
      return 'ok';
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code === '42501') return 'denied';
      if (code === 'P0001') return message;
      throw error;
    }
  }

  it('checkout and status for users only, settlement and re-checks for the service only', async () => {
    const owner = await db.newUser();
    const stranger = await db.newUser();
    const payment = await checkout(owner, { purpose: 'plan', tier: 'pro' });
    await setCheckout(payment.id, 'trk-matrix');
    const cases: Record<string, [string, unknown[]]> = {
      create_checkout: [`select public.create_checkout('plan', 'stripe', 'matrix', 'pro')`, []],
      get_payment: [`select public.get_payment($1)`, [payment.id]],
      set_payment_checkout: [`select public.set_payment_checkout($1, null, 'https://pay.example.test/m')`, [payment.id]],
      apply_payment: [`select public.apply_payment('upayments', 'trk-matrix', 'failed')`, []],
      claim_payment_checks: [`select * from public.claim_payment_checks()`, []],
      record_payment_check: [`select public.record_payment_check($1)`, [payment.id]],
      'private.settle_success': [`select private.settle_success(p, 1, 'KWD') from public.payments p where p.id = $1`, [payment.id]],
      'private.create_checkout': [`select private.create_checkout('plan', 'stripe', 'matrix-2', 'pro', null, null)`, []],
    };
    const actual: Record<string, Record<Actor, string>> = {};
    for (const [name, [sql, params]] of Object.entries(cases)) {
      actual[name] = {} as Record<Actor, string>;
      for (const actor of ['anon', 'owner', 'stranger', 'service'] as const)
        actual[name][actor] = await attempt(actor, owner, stranger, sql, params);
    }
    const serviceOnly = { anon: 'denied', owner: 'denied', stranger: 'denied', service: 'ok' };
    expect(actual).toEqual({
      create_checkout: { anon: 'denied', owner: 'ok', stranger: 'ok', service: 'denied' },
      get_payment: { anon: 'denied', owner: 'ok', stranger: 'NOT_FOUND_002', service: 'denied' },
      set_payment_checkout: serviceOnly,
      apply_payment: serviceOnly,
      claim_payment_checks: serviceOnly,
      record_payment_check: serviceOnly,
      // Private helpers carry the same grants as the public function that uses them.
      'private.settle_success': serviceOnly,
      'private.create_checkout': { anon: 'denied', owner: 'ok', stranger: 'ok', service: 'denied' },
    });
  });
});
