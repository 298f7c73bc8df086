/**
 * UPayments end to end through the Worker, against the local stack and the fake UPayments: the
 * notification and the return are hints, the status API decides, each outcome is applied once,
 * and the cron settles what a lost notification or a slow status API left pending.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TIERS } from '../../../../shared/pricing';
import { agePayment, call, errorCode, newUser } from '../../../support/api';
import { controlFake, type FakeDelivery } from '../../../support/fakes';
import {
  callWith,
  checkout,
  checkoutCall,
  deliverUpayments,
  ledger,
  me,
  payment,
  payUpayments,
  PRO_KNET,
  returnTo,
  runCron,
} from './helpers';

const NOTHING = { plan: { tier: null }, credits: { daily: 0, monthly: 0, purchased: 0, total: 0 } };
const overridden: string[] = [];

/** Makes the fake's status API misbehave for one track or session id (undone after the test). */
async function statusOverride(id: string, override: Record<string, unknown>) {
  overridden.push(id);
  await controlFake('upayments', 'status', { id, ...override });
}

afterEach(async () => {
  await Promise.all(overridden.splice(0).map((id) => controlFake('upayments', 'status', { id, clear: true })));
});

const sessionIdOf = (url: string) => new URL(url).searchParams.get('session_id') ?? '';

describe('a K-Net payment for Pro', () => {
  it('is applied once the status API confirms the notification, however often it is delivered', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_KNET);
    const paid = await payUpayments(paymentId, 'success');
    expect(paid.result).toBe('CAPTURED');
    expect(paid.delivery.url).toBe('http://kwq8.test/api/webhooks/upayments');

    const first = await deliverUpayments(paid.delivery);
    expect(first.status).toBe(200);
    expect(await me(user)).toMatchObject({ plan: { tier: 'pro' }, credits: { monthly: TIERS.pro.monthlyCredits } });
    expect(await payment(user, paymentId)).toMatchObject({ status: 'succeeded' });

    const repeats = await Promise.all(Array.from({ length: 5 }, () => deliverUpayments(paid.delivery)));
    expect(repeats.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await me(user)).credits.monthly).toBe(TIERS.pro.monthlyCredits);
    expect((await ledger(user)).filter((entry) => entry.reason === 'monthly_grant')).toHaveLength(1);

    // The payer's browser comes back afterwards: the outcome is the stored one.
    expect(await returnTo(paid.redirectUrl)).toBe(`/dashboard/?payment=${paymentId}&outcome=succeeded`);
  });

  it('is settled by the return alone when the notification never arrives, back to the English dashboard', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_KNET, { 'Accept-Language': 'en' });
    const paid = await payUpayments(paymentId, 'success');
    expect(await returnTo(paid.redirectUrl)).toBe(`/en/dashboard/?payment=${paymentId}&outcome=succeeded`);
    expect(await me(user)).toMatchObject({ plan: { tier: 'pro' }, credits: { monthly: 200, total: 200 } });
    // The late notification changes nothing.
    await deliverUpayments(paid.delivery);
    expect((await ledger(user)).filter((entry) => entry.reason === 'monthly_grant')).toHaveLength(1);
  });

  it('accepts the notification form-encoded too', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_KNET);
    const paid = await payUpayments(paymentId, 'success');
    const form = new URLSearchParams(JSON.parse(paid.delivery.body) as Record<string, string>).toString();
    const response = await call('POST', '/api/webhooks/upayments', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      rawBody: form,
    });
    expect(response.status).toBe(200);
    expect((await me(user)).plan.tier).toBe('pro');
  });
});

describe('outcomes the payer did not pay', () => {
  it('a cancelled payment leaves plan and credits as they were and returns "cancelled"', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_KNET);
    const cancelled = await payUpayments(paymentId, 'cancel');
    expect(await returnTo(cancelled.redirectUrl)).toBe(`/dashboard/?payment=${paymentId}&outcome=cancelled`);
    await deliverUpayments(cancelled.delivery);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'cancelled' });
    expect(await me(user)).toMatchObject(NOTHING);
  });

  it('a declined payment returns "failed" and grants nothing', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_KNET);
    const declined = await payUpayments(paymentId, 'failure');
    expect(await returnTo(declined.redirectUrl)).toBe(`/dashboard/?payment=${paymentId}&outcome=failed`);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'failed' });
    expect(await me(user)).toMatchObject(NOTHING);
  });

  it('a notification claiming CAPTURED for a declined payment applies nothing', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_KNET);
    const declined = await payUpayments(paymentId, 'failure');
    const { delivery } = await controlFake<{ delivery: FakeDelivery }>('upayments', 'notify', {
      trackId: declined.trackId,
      result: 'CAPTURED',
      deliver: false,
    });
    expect(JSON.parse(delivery.body)).toMatchObject({ result: 'CAPTURED', requested_order_id: paymentId });
    expect((await deliverUpayments(delivery)).status).toBe(200);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'failed' });
    expect(await me(user)).toMatchObject(NOTHING);
  });

  it('a return URL claiming CAPTURED is not believed either', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_KNET);
    const cancelled = await payUpayments(paymentId, 'cancel');
    const forged = new URL(cancelled.redirectUrl);
    forged.searchParams.set('result', 'CAPTURED');
    expect(await returnTo(forged.href)).toBe(`/dashboard/?payment=${paymentId}&outcome=cancelled`);
    expect(await me(user)).toMatchObject(NOTHING);
  });
});

describe('what the status API says wins', () => {
  it.each([
    ['amount', { amount: '1.000' }],
    ['currency', { currency: 'USD' }],
  ])('a capture with another %s is flagged for review and grants nothing', async (_what, override) => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_KNET);
    const paid = await payUpayments(paymentId, 'success');
    await statusOverride(paid.trackId, override);
    expect((await deliverUpayments(paid.delivery)).status).toBe(200);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'needs_review' });
    expect(await me(user)).toMatchObject(NOTHING);
    // The payer is told it is being looked at, not that it worked.
    expect(await returnTo(paid.redirectUrl)).toBe(`/dashboard/?payment=${paymentId}&outcome=pending`);
  });

  it('a capture the status API reports for another order applies to neither', async () => {
    const [user, other] = await Promise.all([newUser(), newUser()]);
    const { paymentId } = await checkout(user, PRO_KNET);
    const { paymentId: otherId } = await checkout(other, PRO_KNET);
    const paid = await payUpayments(paymentId, 'success');
    await statusOverride(paid.trackId, { orderId: otherId });
    expect((await deliverUpayments(paid.delivery)).status).toBe(200);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'pending' });
    expect(await payment(other, otherId)).toMatchObject({ status: 'pending' });
    expect(await me(other)).toMatchObject(NOTHING);
  });

  it('a notification naming a transaction UPayments does not know is acknowledged and ignored', async () => {
    const response = await call('POST', '/api/webhooks/upayments', {
      headers: { 'Content-Type': 'application/json' },
      rawBody: JSON.stringify({ track_id: '999999999999999', result: 'CAPTURED', requested_order_id: crypto.randomUUID() }),
    });
    expect(response.status).toBe(200);
  });

  it('a notification while UPayments is not configured answers PAY_004 (503)', async () => {
    const response = await callWith({ UPAYMENTS_API_KEY: '' }, '/api/webhooks/upayments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ track_id: '123456789012345', result: 'CAPTURED' }),
    });
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe('PAY_004');
  });

  it('a notification without a track id is refused (422)', async () => {
    const response = await call('POST', '/api/webhooks/upayments', {
      headers: { 'Content-Type': 'text/plain' },
      rawBody: 'result=CAPTURED',
    });
    expect(response.status).toBe(422);
    expect(await errorCode(response)).toBe('REQ_004');
  });
});

describe('the cron re-check', () => {
  it('leaves a payment pending while the status API times out, and settles it on a later run', async () => {
    const user = await newUser();
    const { paymentId, url } = await checkout(user, PRO_KNET);
    const paid = await payUpayments(paymentId, 'success');
    await statusOverride(paid.trackId, { hang: true });
    await statusOverride(sessionIdOf(url), { hang: true });

    const notified = await deliverUpayments(paid.delivery);
    expect(notified.status).toBe(503);
    expect(await errorCode(notified)).toBe('PAY_003');
    expect(await payment(user, paymentId)).toMatchObject({ status: 'pending' });

    await agePayment(paymentId, 3000);
    const slow = await runCron();
    expect(slow?.failed).toBeGreaterThanOrEqual(1);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'pending' });
    expect(await me(user)).toMatchObject(NOTHING);

    await Promise.all(overridden.splice(0).map((id) => controlFake('upayments', 'status', { id, clear: true })));
    await agePayment(paymentId, 3000);
    const settled = await runCron();
    expect(settled?.settled).toBeGreaterThanOrEqual(1);
    expect(await payment(user, paymentId)).toMatchObject({ status: 'succeeded' });
    expect(await me(user)).toMatchObject({ plan: { tier: 'pro' }, credits: { monthly: 200 } });
  });

  it('expires a checkout nobody paid once it is past its expiry, and the key then answers PAY_002', async () => {
    const user = await newUser();
    const key = crypto.randomUUID();
    const started = await checkoutCall(user, PRO_KNET, key);
    const { paymentId } = (await started.json()) as { paymentId: string };
    await agePayment(paymentId, 3700);
    await runCron();
    expect(await payment(user, paymentId)).toMatchObject({ status: 'expired' });
    const again = await checkoutCall(user, PRO_KNET, key);
    expect(again.status).toBe(410);
    expect(await errorCode(again)).toBe('PAY_002');
  });

  it('settles a capture whose notification was lost, by the checkout session', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, { purpose: 'credits', pack: 'small', provider: 'upayments', method: 'knet' });
    await payUpayments(paymentId, 'success');
    await agePayment(paymentId, 3000);
    await runCron();
    expect(await payment(user, paymentId)).toMatchObject({ status: 'succeeded' });
    expect((await me(user)).credits.purchased).toBe(50);
  });
});
