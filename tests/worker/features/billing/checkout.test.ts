/**
 * POST /api/billing/checkout and GET /api/billing/payments/:id against the local stack and the fake
 * providers: the charge and the session as the providers receive them, the pending row before the
 * redirect, a repeated key answering the same page, a provider that is down or not configured.
 */
import { describe, expect, it } from 'vitest';
import { CREDIT_PACKS, TIERS } from '../../../../shared/pricing';
import { call, errorCode, newUser } from '../../../support/api';
import { fakeRequests, fakes } from '../../../support/fakes';
import { callWith, checkout, checkoutCall, payment, PRO_KNET, PRO_STRIPE, type Checkout } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /api/billing/checkout with UPayments', () => {
  it('creates the pending payment, then the K-Net charge priced from the tier, and answers its page', async () => {
    const user = await newUser();
    const response = await checkoutCall(user, PRO_KNET);
    expect(response.status).toBe(201);
    expect(response.headers.get('Idempotent-Replayed')).toBeNull();
    const body = (await response.json()) as Checkout;
    expect(body).toEqual({
      paymentId: expect.stringMatching(UUID),
      provider: 'upayments',
      url: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(body.url).toMatch(new RegExp(`^${fakes().upayments.url}/pay\\?session_id=`));
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());

    const charges = (await fakeRequests('upayments', '/api/v1/charge')).filter((request) => request.body.includes(body.paymentId));
    expect(charges).toHaveLength(1);
    const charge = JSON.parse(charges[0]!.body) as Record<string, any>;
    expect(charge.order).toMatchObject({ id: body.paymentId, currency: 'KWD', amount: '38.000' });
    expect(charge.paymentGateway).toEqual({ src: 'knet' });
    expect(charge.language).toBe('ar');
    expect(charge.returnUrl).toBe(`http://kwq8.test/api/billing/return/upayments?payment=${body.paymentId}&lang=ar`);
    expect(charge.cancelUrl).toBe(charge.returnUrl);
    expect(charge.notificationUrl).toBe('http://kwq8.test/api/webhooks/upayments');
    // Nothing personal goes to UPayments.
    expect(charge.customer).toBeUndefined();

    expect(await payment(user, body.paymentId)).toMatchObject({ status: 'pending', amountFils: TIERS.pro.priceFils, url: body.url });
  });

  it('charges a credit pack by card, in English when the page is English', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(
      user,
      { purpose: 'credits', pack: 'medium', provider: 'upayments', method: 'card' },
      { 'Accept-Language': 'en' },
    );
    const [request] = (await fakeRequests('upayments', '/api/v1/charge')).filter((entry) => entry.body.includes(paymentId));
    const charge = JSON.parse(request!.body) as Record<string, any>;
    expect(charge.paymentGateway).toEqual({ src: 'cc' });
    expect(charge.language).toBe('en');
    expect(charge.order.amount).toBe('27.000');
    expect(charge.order.description).toBe(`KWq8: ${CREDIT_PACKS.medium.credits} credits`);
    expect(charge.returnUrl).toContain('lang=en');
  });

  it('answers the same page for a repeated Idempotency-Key, marked as replayed, and charges once', async () => {
    const user = await newUser();
    const key = crypto.randomUUID();
    const first = (await (await checkoutCall(user, PRO_KNET, key)).json()) as Checkout;
    const again = await checkoutCall(user, PRO_KNET, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await again.json()).toEqual(first);
    const charges = (await fakeRequests('upayments', '/api/v1/charge')).filter((request) => request.body.includes(first.paymentId));
    expect(charges).toHaveLength(1);

    const other = await checkoutCall(user, { ...PRO_KNET, tier: 'basic' }, key);
    expect(other.status).toBe(409);
    expect(await errorCode(other)).toBe('REQ_006');
  });

  it('sends racing requests with one key to one page', async () => {
    const user = await newUser();
    const key = crypto.randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => checkoutCall(user, PRO_KNET, key)));
    const bodies = (await Promise.all(answers.map((response) => response.json()))) as Checkout[];
    expect(answers.every((response) => response.status === 200 || response.status === 201)).toBe(true);
    expect(new Set(bodies.map((body) => body.paymentId)).size).toBe(1);
    expect(new Set(bodies.map((body) => body.url)).size).toBe(1);
  });

  it('answers PAY_003 when UPayments is down, keeps the payment pending, and makes the page on the next try with the key', async () => {
    const user = await newUser();
    const key = crypto.randomUUID();
    const init = {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(PRO_KNET),
    };
    const down = await callWith({ UPAYMENTS_API_BASE: 'http://127.0.0.1:9/api/v1' }, '/api/billing/checkout', init);
    expect(down.status).toBe(503);
    expect(await errorCode(down)).toBe('PAY_003');

    const retry = await checkoutCall(user, PRO_KNET, key);
    // The page is new (the first try had none), so this is not a replay of a stored answer.
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    const body = (await retry.json()) as Checkout;
    expect(await payment(user, body.paymentId)).toMatchObject({ status: 'pending', url: body.url });
  });

  it('keeps the row pending with no page while the provider is down', async () => {
    const user = await newUser();
    const key = crypto.randomUUID();
    const init = {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(PRO_STRIPE),
    };
    const down = await callWith({ STRIPE_API_BASE: 'http://127.0.0.1:9' }, '/api/billing/checkout', init);
    expect(await errorCode(down)).toBe('PAY_003');
    // The row exists: the same key reaches it (a repeat while still down answers PAY_003 again).
    const again = await callWith({ STRIPE_API_BASE: 'http://127.0.0.1:9' }, '/api/billing/checkout', init);
    expect(await errorCode(again)).toBe('PAY_003');
    const recovered = (await (await checkoutCall(user, PRO_STRIPE, key)).json()) as Checkout;
    expect(recovered.url).toMatch(/\/pay\/cs_test_/);
  });

  it('answers PAY_004 and writes nothing when the provider is not configured', async () => {
    const user = await newUser();
    const key = crypto.randomUUID();
    const init = (body: unknown) => ({
      method: 'POST',
      headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(body),
    });
    const upayments = await callWith({ UPAYMENTS_API_KEY: '' }, '/api/billing/checkout', init(PRO_KNET));
    expect(upayments.status).toBe(503);
    expect(await errorCode(upayments)).toBe('PAY_004');
    const stripe = await callWith({ STRIPE_SECRET_KEY: '' }, '/api/billing/checkout', init(PRO_STRIPE));
    expect(await errorCode(stripe)).toBe('PAY_004');
    // No row was made for the key: it is free for another purchase.
    const fresh = await checkoutCall(user, { purpose: 'credits', pack: 'small', provider: 'stripe' }, key);
    expect(fresh.status).toBe(201);
  });

  it.each([
    [{ purpose: 'plan', tier: 'gold', provider: 'stripe' }, ['tier']],
    [{ purpose: 'plan', tier: 'pro', provider: 'upayments' }, ['method']],
    [{ purpose: 'plan', tier: 'pro', provider: 'stripe', method: 'knet' }, ['method']],
    [{ purpose: 'credits', pack: 'huge', provider: 'stripe' }, ['pack']],
    [{ purpose: 'gift', provider: 'stripe' }, ['purpose']],
    [{ purpose: 'plan', tier: 'pro', provider: 'paypal' }, ['provider']],
  ])('refuses %j naming %j (422 REQ_004)', async (body, fields) => {
    const user = await newUser();
    const response = await checkoutCall(user, body);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'REQ_004', fields } });
  });

  it('needs an Idempotency-Key (428 REQ_005)', async () => {
    const user = await newUser();
    const response = await call('POST', '/api/billing/checkout', { token: user.token, body: PRO_KNET });
    expect(response.status).toBe(428);
    expect(await errorCode(response)).toBe('REQ_005');
  });
});

describe('POST /api/billing/checkout with Stripe', () => {
  it('creates a KWD Checkout Session carrying the payment id, with return URLs on the Worker', async () => {
    const user = await newUser();
    const body = await checkout(user, PRO_STRIPE);
    expect(body.provider).toBe('stripe');
    expect(body.url).toMatch(new RegExp(`^${fakes().stripe.url}/pay/cs_test_`));
    const [request, ...others] = (await fakeRequests('stripe', '/v1/checkout/sessions')).filter(
      (entry) => entry.method === 'POST' && entry.body.includes(body.paymentId),
    );
    expect(others).toEqual([]);
    const form = Object.fromEntries(new URLSearchParams(request!.body));
    expect(form).toMatchObject({
      mode: 'payment',
      client_reference_id: body.paymentId,
      'metadata[payment_id]': body.paymentId,
      'line_items[0][price_data][currency]': 'kwd',
      'line_items[0][price_data][unit_amount]': String(TIERS.pro.priceFils),
      success_url: `http://kwq8.test/api/billing/return/stripe?payment=${body.paymentId}&lang=ar&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://kwq8.test/api/billing/return/stripe?payment=${body.paymentId}&lang=ar&cancelled=1`,
    });
    const expiresAt = Number(form.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 30 * 60);
  });
});

describe('GET /api/billing/payments/:id', () => {
  it('shows the owner their payment and no one else', async () => {
    const [owner, stranger] = await Promise.all([newUser(), newUser()]);
    const { paymentId } = await checkout(owner, { purpose: 'credits', pack: 'small', provider: 'stripe' });
    const own = await payment(owner, paymentId);
    expect(own).toMatchObject({ id: paymentId, status: 'pending', amountFils: CREDIT_PACKS.small.priceFils });
    const response = await call('GET', `/api/billing/payments/${paymentId}`, { token: stranger.token });
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('NOT_FOUND_002');
  });

  it('refuses an id that is not a UUID (422)', async () => {
    const user = await newUser();
    const response = await call('GET', '/api/billing/payments/not-a-uuid', { token: user.token });
    expect(response.status).toBe(422);
  });
});

describe('GET /api/billing/return/:provider', () => {
  it('refuses a provider it does not know (422)', async () => {
    const response = await call('GET', '/api/billing/return/paypal?payment=x', { redirect: 'manual' });
    expect(response.status).toBe(422);
  });

  it('sends a return without anything to check to the dashboard, applying nothing', async () => {
    const user = await newUser();
    const { paymentId } = await checkout(user, PRO_STRIPE);
    const response = await call('GET', `/api/billing/return/stripe?payment=${paymentId}&lang=en`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe(`/en/dashboard/?payment=${paymentId}&outcome=pending`);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await payment(user, paymentId)).toMatchObject({ status: 'pending' });
    const bare = await call('GET', '/api/billing/return/upayments?result=CAPTURED', { redirect: 'manual' });
    expect(bare.headers.get('Location')).toBe('/dashboard/');
  });
});
