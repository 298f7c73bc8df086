/**
 * The Stripe adapter against the local fake Stripe (tests/fakes/stripe.ts): the form-encoded
 * Checkout Session as Stripe receives it, KWD's three-decimal rule, reading sessions back, and
 * failures becoming typed ProviderErrors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../worker/providers/http';
import {
  createCheckout,
  fetchStatus,
  readSession,
  STRIPE_API_VERSION,
  stripeForm,
  type StripeCheckoutInput,
  type StripeConfig,
} from '../../../../worker/providers/stripe/client';
import { controlFake, fakeRequests, fakes, type FakeDelivery } from '../../../support/fakes';

const config = (): StripeConfig => ({ apiBase: fakes().stripe.apiBase, secretKey: fakes().stripe.secretKey });
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

function input(overrides: Partial<StripeCheckoutInput> = {}): StripeCheckoutInput {
  return {
    paymentId: crypto.randomUUID(),
    amountFils: 38_000,
    productName: 'KWq8 Pro (1 month)',
    successUrl: 'http://kwq8.test/api/billing/return/stripe?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'http://kwq8.test/api/billing/return/stripe?cancelled=1',
    expiresAt: inAnHour(),
    ...overrides,
  };
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

async function sentFor(paymentId: string) {
  return (await fakeRequests('stripe', '/v1/checkout/sessions')).filter(
    (request) => request.method === 'POST' && new URLSearchParams(request.body).get('client_reference_id') === paymentId,
  );
}

afterEach(async () => {
  await controlFake('stripe', 'status', { clear: true });
});

describe('stripeForm', () => {
  it('encodes nested objects and arrays with bracketed keys and leaves out undefined', () => {
    const form = stripeForm({ a: 1, b: { c: 'x y', d: undefined }, e: [{ f: true }, 'g'] });
    expect([...form]).toEqual([
      ['a', '1'],
      ['b[c]', 'x y'],
      ['e[0][f]', 'true'],
      ['e[1]', 'g'],
    ]);
  });
});

describe('createCheckout', () => {
  it('sends a form-encoded one-off KWD session carrying the payment id, and returns its url', async () => {
    const checkout = input({ customerEmail: 'owner@example.test' });
    const result = await createCheckout(config(), checkout);

    const [request, ...others] = await sentFor(checkout.paymentId);
    expect(others).toEqual([]);
    expect(request?.headers.authorization).toBe(`Bearer ${fakes().stripe.secretKey}`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers['stripe-version']).toBe(STRIPE_API_VERSION);
    expect(request?.headers['idempotency-key']).toBe(`checkout-${checkout.paymentId}`);
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      mode: 'payment',
      client_reference_id: checkout.paymentId,
      'metadata[payment_id]': checkout.paymentId,
      'payment_intent_data[metadata][payment_id]': checkout.paymentId,
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'kwd',
      'line_items[0][price_data][unit_amount]': '38000',
      'line_items[0][price_data][product_data][name]': checkout.productName,
      success_url: checkout.successUrl,
      cancel_url: checkout.cancelUrl,
      expires_at: String(checkout.expiresAt),
      customer_email: 'owner@example.test',
    });

    expect(result.sessionId).toMatch(/^cs_test_/);
    expect(result.url).toBe(`${fakes().stripe.url}/pay/${result.sessionId}`);
    expect(result.expiresAt).toBe(checkout.expiresAt);
    const page = await fetch(result.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('38.000 KWD');
  });

  it('returns the same session when the same payment is checked out twice', async () => {
    const checkout = input();
    const first = await createCheckout(config(), checkout);
    const again = await createCheckout(config(), checkout);
    expect(again).toEqual(first);
  });

  it('refuses KWD amounts Stripe cannot take (last digit not 0, fractions) before calling Stripe', async () => {
    for (const amountFils of [38_005, 38_000.5, 0]) {
      const checkout = input({ amountFils });
      await expect(createCheckout(config(), checkout)).rejects.toThrow(RangeError);
      expect(await sentFor(checkout.paymentId)).toEqual([]);
    }
  });

  it('reports Stripe refusing the request (expiry too far ahead) as rejected 400', async () => {
    const error = await providerError(createCheckout(config(), input({ expiresAt: inAnHour() + 2 * 86_400 })));
    expect(error).toMatchObject({ kind: 'rejected', status: 400 });
  });

  it('reports a wrong secret key as rejected 401, without the key in the message', async () => {
    const error = await providerError(createCheckout({ ...config(), secretKey: 'sk_test_wrong' }, input()));
    expect(error).toMatchObject({ kind: 'rejected', status: 401 });
    expect(error.message).not.toContain('sk_test_wrong');
  });
});

describe('fetchStatus', () => {
  it('reads an open session, then the paid one after the customer pays', async () => {
    const checkout = input();
    const { sessionId } = await createCheckout(config(), checkout);
    expect(await fetchStatus(config(), sessionId)).toMatchObject({
      sessionId,
      status: 'open',
      paymentStatus: 'unpaid',
      amountTotal: 38_000,
      currency: 'KWD',
      paymentId: checkout.paymentId,
    });

    await controlFake('stripe', 'complete', { sessionId, outcome: 'success', deliver: false });
    const paid = await fetchStatus(config(), sessionId);
    expect(paid).toMatchObject({
      status: 'complete',
      paymentStatus: 'paid',
      amountTotal: 38_000,
      currency: 'KWD',
      paymentId: checkout.paymentId,
      clientReferenceId: checkout.paymentId,
    });
    expect(paid.paymentIntentId).toMatch(/^pi_/);
  });

  it('passes on a different amount or currency for the caller to refuse', async () => {
    const { sessionId } = await createCheckout(config(), input());
    await controlFake('stripe', 'status', { id: sessionId, amountTotal: 1000, currency: 'usd', paymentStatus: 'paid' });
    expect(await fetchStatus(config(), sessionId)).toMatchObject({ paymentStatus: 'paid', amountTotal: 1000, currency: 'USD' });
  });

  it('gives up on a Stripe that hangs, with a timeout error', async () => {
    const { sessionId } = await createCheckout(config(), input());
    await controlFake('stripe', 'status', { id: sessionId, hang: true });
    expect((await providerError(fetchStatus(config(), sessionId, { timeoutMs: 300 }))).kind).toBe('timeout');
  });

  it('maps 5xx to unavailable, an unknown session to rejected 404, and a non-session answer to malformed', async () => {
    const { sessionId } = await createCheckout(config(), input());
    await controlFake('stripe', 'status', { id: sessionId, httpStatus: 502 });
    expect(await providerError(fetchStatus(config(), sessionId))).toMatchObject({ kind: 'unavailable', status: 502 });
    await controlFake('stripe', 'status', { id: sessionId, body: { object: 'payment_intent', id: 'pi_1' } });
    expect((await providerError(fetchStatus(config(), sessionId))).kind).toBe('malformed');
    expect(await providerError(fetchStatus(config(), 'cs_test_doesnotexist'))).toMatchObject({ kind: 'rejected', status: 404 });
  });

  it('refuses an id that is not a Checkout Session id, without calling Stripe', async () => {
    const calls: string[] = [];
    const spy = (url: RequestInfo | URL) => {
      calls.push(String(url));
      return Promise.resolve(new Response('{}'));
    };
    for (const id of ['cs_../../v1/charges', 'pi_123', '', 'cs_a?b=c'])
      await expect(fetchStatus(config(), id, { fetch: spy })).rejects.toThrow(TypeError);
    expect(calls).toEqual([]);
  });
});

describe('the fake checkout page', () => {
  it('lets a person pay: the form redirects to success_url with the session id filled in', async () => {
    const checkout = input();
    const { sessionId, url } = await createCheckout(config(), checkout);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'outcome=success',
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe(`http://kwq8.test/api/billing/return/stripe?session_id=${sessionId}`);
    expect((await fetchStatus(config(), sessionId)).paymentStatus).toBe('paid');
  });

  it('sends a cancelling customer to cancel_url and expires the session', async () => {
    const { sessionId } = await createCheckout(config(), input());
    const done = await controlFake<{ redirectUrl: string; deliveries: FakeDelivery[] }>('stripe', 'complete', {
      sessionId,
      outcome: 'cancel',
      deliver: false,
    });
    expect(done.redirectUrl).toBe('http://kwq8.test/api/billing/return/stripe?cancelled=1');
    expect(done.deliveries.map((delivery) => (JSON.parse(delivery.body) as { type: string }).type)).toEqual(['checkout.session.expired']);
    expect((await fetchStatus(config(), sessionId)).status).toBe('expired');
  });
});

describe('readSession', () => {
  it('reads only Checkout Session objects with the fields a payment needs', () => {
    const session = {
      object: 'checkout.session',
      id: 'cs_test_1',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 23_000,
      currency: 'kwd',
      metadata: { payment_id: 'p1' },
      payment_intent: { id: 'pi_1' },
    };
    expect(readSession(session)).toEqual({
      sessionId: 'cs_test_1',
      status: 'complete',
      paymentStatus: 'paid',
      amountTotal: 23_000,
      currency: 'KWD',
      paymentId: 'p1',
      paymentIntentId: 'pi_1',
    });
    expect(readSession({ ...session, object: 'charge' })).toBeNull();
    expect(readSession({ ...session, amount_total: 23.5 })).toBeNull();
    expect(readSession({ ...session, currency: undefined })).toBeNull();
    expect(readSession(null)).toBeNull();
  });
});
