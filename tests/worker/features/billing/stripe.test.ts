/**
 * Stripe through the Worker, against the local stack and the fake Stripe (which signs its events
 * as Stripe does): only verified bodies count, each event is applied once whatever the delivery
 * traffic, out-of-order and mismatched events change nothing, refunds take back what was granted.
 */
import { describe, expect, it } from 'vitest';
import { CREDIT_PACKS, TIERS } from '../../../../shared/pricing';
import { call, errorCode, newUser, type TestUser } from '../../../support/api';
import { controlFake, type FakeDelivery } from '../../../support/fakes';
import { callWith, checkout, deliverStripe, ledger, me, payment, payStripe, PRO_STRIPE, returnTo } from './helpers';

const NOTHING = { plan: { tier: null }, credits: { daily: 0, monthly: 0, purchased: 0, total: 0 } };

const sessionIdOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** A signed event about `sessionId`, recorded by the fake and not sent. */
async function event(sessionId: string, type: string, extra: Record<string, unknown> = {}): Promise<FakeDelivery> {
  const { delivery } = await controlFake<{ delivery: FakeDelivery }>('stripe', 'event', { sessionId, type, deliver: false, ...extra });
  return delivery;
}

/** The same event re-signed by the fake (as Stripe retries), optionally at another time or with another secret. */
async function redeliver(delivery: FakeDelivery, extra: Record<string, unknown> = {}): Promise<FakeDelivery[]> {
  const { deliveries } = await controlFake<{ deliveries: FakeDelivery[] }>('stripe', 'redeliver', {
    deliveryId: delivery.id,
    deliver: false,
    ...extra,
  });
  return deliveries;
}

/** A Pro checkout paid on Stripe's page: the `checkout.session.completed` delivery, not yet sent. */
async function paidPro(user: TestUser) {
  const started = await checkout(user, PRO_STRIPE);
  const paid = await payStripe(started.paymentId, 'success');
  expect(paid.deliveries).toHaveLength(1);
  const completed = paid.deliveries[0]!;
  expect(JSON.parse(completed.body)).toMatchObject({ type: 'checkout.session.completed', data: { object: { payment_status: 'paid' } } });
  return { ...started, sessionId: sessionIdOf(started.url), completed, redirectUrl: paid.redirectUrl };
}

const monthlyGrants = async (user: TestUser) => (await ledger(user)).filter((entry) => entry.reason === 'monthly_grant').length;

describe('a Stripe payment for Pro', () => {
  it('is applied by the verified completed event, and the return shows it', async () => {
    const user = await newUser();
    const { paymentId, sessionId, completed, redirectUrl } = await paidPro(user);
    const response = await deliverStripe(completed);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(await me(user)).toMatchObject({ plan: { tier: 'pro' }, credits: { monthly: TIERS.pro.monthlyCredits } });
    expect(redirectUrl).toBe(`http://kwq8.test/api/billing/return/stripe?payment=${paymentId}&lang=ar&session_id=${sessionId}`);
    expect(await returnTo(redirectUrl)).toBe(`/dashboard/?payment=${paymentId}&outcome=succeeded`);
  });

  it('is applied by the return (the session read from Stripe) before the event, and the event then changes nothing', async () => {
    const user = await newUser();
    const { paymentId, completed, redirectUrl } = await paidPro(user);
    expect(await returnTo(redirectUrl)).toBe(`/dashboard/?payment=${paymentId}&outcome=succeeded`);
    expect((await me(user)).plan.tier).toBe('pro');
    expect((await deliverStripe(completed)).status).toBe(200);
    expect(await monthlyGrants(user)).toBe(1);
  });

  it('applies 20 concurrent deliveries of one event, and its retries, once', async () => {
    const user = await newUser();
    const { completed } = await paidPro(user);
    const copies = await redeliver(completed, { times: 20 });
    expect(new Set(copies.map((copy) => copy.body))).toEqual(new Set([completed.body]));
    const answers = await Promise.all(copies.map(deliverStripe));
    expect(answers.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect((await deliverStripe(completed)).status).toBe(200);
    expect(await me(user)).toMatchObject({ plan: { tier: 'pro' }, credits: { monthly: 200, total: 200 } });
    expect(await monthlyGrants(user)).toBe(1);
  });

  it('ignores an expiry that arrives after the payment completed', async () => {
    const user = await newUser();
    const { paymentId, sessionId, completed } = await paidPro(user);
    await deliverStripe(completed);
    const expired = await event(sessionId, 'checkout.session.expired', { patch: { status: 'expired', payment_status: 'unpaid' } });
    expect((await deliverStripe(expired)).status).toBe(200);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'succeeded' });
    expect(await me(user)).toMatchObject({ plan: { tier: 'pro' }, credits: { monthly: 200 } });
  });

  it('honours a completion that arrives after the expiry', async () => {
    const user = await newUser();
    const { paymentId, sessionId, completed } = await paidPro(user);
    const expired = await event(sessionId, 'checkout.session.expired', { patch: { status: 'expired', payment_status: 'unpaid' } });
    await deliverStripe(expired);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'expired' });
    await deliverStripe(completed);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'succeeded' });
    expect((await me(user)).plan.tier).toBe('pro');
  });
});

describe('deliveries that are not Stripe', () => {
  it.each([
    ['a tampered body', (delivery: FakeDelivery) => ({ ...delivery, body: delivery.body.replace('"paid"', '"paid" ') })],
    ['no signature', (delivery: FakeDelivery) => ({ ...delivery, headers: { 'Content-Type': 'application/json' } })],
    [
      'a signature over another body',
      (delivery: FakeDelivery) => ({ ...delivery, body: delivery.body.replace(/"amount_total":\d+/, '"amount_total":10') }),
    ],
  ])('refuses %s (400 PAY_005) and applies nothing', async (_what, tamper) => {
    const user = await newUser();
    const { paymentId, completed } = await paidPro(user);
    const response = await deliverStripe(tamper(completed));
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('PAY_005');
    expect(await payment(user, paymentId)).toMatchObject({ status: 'pending' });
    expect(await me(user)).toMatchObject(NOTHING);
  });

  it.each([
    ['signed with another secret', { secret: 'whsec_someone_else' }],
    ['signed ten minutes ago', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
    ['signed ten minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 600 }],
  ])('refuses an event %s (400) and applies nothing', async (_what, signing) => {
    const user = await newUser();
    const { completed } = await paidPro(user);
    const [resigned] = await redeliver(completed, signing);
    const response = await deliverStripe(resigned!);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('PAY_005');
    expect(await me(user)).toMatchObject(NOTHING);
    // The genuine delivery still works afterwards: a refused one recorded nothing.
    expect((await deliverStripe(completed)).status).toBe(200);
    expect((await me(user)).plan.tier).toBe('pro');
  });

  it('accepts a delivery carrying several v1 signatures when one of them is right', async () => {
    const user = await newUser();
    const { completed } = await paidPro(user);
    const header = completed.headers['Stripe-Signature']!;
    const [timestamp, valid] = header.split(',');
    const rolled = `${timestamp},v1=${'0'.repeat(64)},${valid},v1=${'f'.repeat(64)}`;
    const response = await deliverStripe({ ...completed, headers: { ...completed.headers, 'Stripe-Signature': rolled } });
    expect(response.status).toBe(200);
    expect((await me(user)).plan.tier).toBe('pro');
  });

  it('refuses a body over 64 KB before reading it (413 REQ_002)', async () => {
    const response = await call('POST', '/api/webhooks/stripe', {
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' },
      rawBody: JSON.stringify({ padding: 'x'.repeat(70 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('REQ_002');
  });

  it('answers PAY_004 when no webhook secret is configured', async () => {
    const response = await callWith({ STRIPE_WEBHOOK_SECRET: '' }, '/api/webhooks/stripe', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' },
      body: '{}',
    });
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe('PAY_004');
  });
});

describe('events that change nothing', () => {
  it.each([
    ['another amount', { amount_total: 1000 }],
    ['another currency', { currency: 'usd' }],
  ])('a paid session with %s is flagged for review and grants nothing', async (_what, patch) => {
    const user = await newUser();
    const started = await checkout(user, PRO_STRIPE);
    const completed = await event(sessionIdOf(started.url), 'checkout.session.completed', {
      patch: { status: 'complete', payment_status: 'paid', ...patch },
    });
    expect((await deliverStripe(completed)).status).toBe(200);
    expect(await payment(user, started.paymentId)).toMatchObject({ status: 'needs_review' });
    expect(await me(user)).toMatchObject(NOTHING);
  });

  it('an event type it does not handle is acknowledged (200) and ignored', async () => {
    const user = await newUser();
    const started = await checkout(user, PRO_STRIPE);
    const other = await event(sessionIdOf(started.url), 'checkout.session.updated', { patch: { payment_status: 'paid' } });
    expect((await deliverStripe(other)).status).toBe(200);
    expect(await payment(user, started.paymentId)).toMatchObject({ status: 'pending' });
  });

  it('an asynchronous method that fails leaves the payment failed and grants nothing', async () => {
    const user = await newUser();
    const started = await checkout(user, PRO_STRIPE);
    const failed = await payStripe(started.paymentId, 'failure');
    expect(failed.deliveries.map((delivery) => (JSON.parse(delivery.body) as { type: string }).type)).toEqual([
      'checkout.session.completed',
      'checkout.session.async_payment_failed',
    ]);
    for (const delivery of failed.deliveries) expect((await deliverStripe(delivery)).status).toBe(200);
    expect(await payment(user, started.paymentId)).toMatchObject({ status: 'failed' });
    expect(await me(user)).toMatchObject(NOTHING);
  });

  it('going back from Stripe returns "cancelled" and leaves the payment to expire', async () => {
    const user = await newUser();
    const started = await checkout(user, PRO_STRIPE, { 'Accept-Language': 'en' });
    const cancelled = await payStripe(started.paymentId, 'cancel');
    expect(await returnTo(cancelled.redirectUrl)).toBe(`/en/dashboard/?payment=${started.paymentId}&outcome=cancelled`);
    expect(await payment(user, started.paymentId)).toMatchObject({ status: 'pending' });
    await deliverStripe(cancelled.deliveries[0]!);
    expect(await payment(user, started.paymentId)).toMatchObject({ status: 'expired' });
    expect(await me(user)).toMatchObject(NOTHING);
  });
});

describe('refunds', () => {
  it('take back a credit pack after part of it was spent, never below zero', async () => {
    const user = await newUser();
    const started = await checkout(user, { purpose: 'credits', pack: 'small', provider: 'stripe' });
    const paid = await payStripe(started.paymentId, 'success');
    await deliverStripe(paid.deliveries[0]!);
    expect((await me(user)).credits.purchased).toBe(CREDIT_PACKS.small.credits);
    const spent = await call('POST', '/api/credits/spend', {
      token: user.token,
      body: { action: 'complex_feature' },
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    });
    expect(spent.status).toBe(200);

    const refund = await event(sessionIdOf(started.url), 'charge.refunded');
    expect(JSON.parse(refund.body)).toMatchObject({
      data: { object: { object: 'charge', amount_refunded: CREDIT_PACKS.small.priceFils, metadata: { payment_id: started.paymentId } } },
    });
    expect((await deliverStripe(refund)).status).toBe(200);
    expect((await deliverStripe(refund)).status).toBe(200);
    expect(await payment(user, started.paymentId)).toMatchObject({ status: 'refunded' });
    expect((await me(user)).credits).toMatchObject({ purchased: 0, total: 0 });
    const refunds = (await ledger(user)).filter((entry) => entry.reason === 'refund');
    expect(refunds.map((entry) => entry.delta.purchased)).toEqual([-(CREDIT_PACKS.small.credits - 4)]);
  });

  it('end the plan a refunded payment bought and take back its monthly credits', async () => {
    const user = await newUser();
    const { paymentId, sessionId, completed } = await paidPro(user);
    await deliverStripe(completed);
    await call('POST', '/api/credits/spend', {
      token: user.token,
      body: { action: 'page_generation' },
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    });
    await deliverStripe(await event(sessionId, 'charge.refunded'));
    expect(await payment(user, paymentId)).toMatchObject({ status: 'refunded' });
    expect(await me(user)).toMatchObject(NOTHING);
  });

  it('a partial refund is flagged, not applied', async () => {
    const user = await newUser();
    const { paymentId, sessionId, completed } = await paidPro(user);
    await deliverStripe(completed);
    await deliverStripe(await event(sessionId, 'charge.refunded', { amountRefunded: 10_000 }));
    expect(await payment(user, paymentId)).toMatchObject({ status: 'succeeded' });
    expect((await me(user)).credits.monthly).toBe(200);
  });
});
