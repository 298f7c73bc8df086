/**
 * The UPayments adapter against the local fake UPayments (tests/fakes/upayments.ts): the amount
 * string, the charge request as UPayments receives it, status parsing, and every way the status
 * API can fail becoming a typed ProviderError.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { filsToKwdString, kwdToFils } from '../../../../shared/pricing';
import { ProviderError } from '../../../../worker/providers/http';
import {
  createCheckout,
  fetchStatus,
  type UpaymentsCheckoutInput,
  type UpaymentsConfig,
} from '../../../../worker/providers/upayments/client';
import { hintFromNotification, hintFromReturnUrl } from '../../../../worker/providers/upayments/notification';
import { controlFake, fakeRequests, fakes, type FakeDelivery } from '../../../support/fakes';

const config = (): UpaymentsConfig => ({ apiBase: fakes().upayments.apiBase, apiKey: fakes().upayments.apiKey });

function input(overrides: Partial<UpaymentsCheckoutInput> = {}): UpaymentsCheckoutInput {
  return {
    paymentId: crypto.randomUUID(),
    amountFils: 23_000,
    description: 'KWq8 Basic · باقة أساسية',
    method: 'knet',
    language: 'ar',
    returnUrl: 'http://kwq8.test/api/billing/return/upayments?payment=1',
    cancelUrl: 'http://kwq8.test/api/billing/return/upayments?payment=1&cancelled=1',
    notificationUrl: 'http://kwq8.test/api/webhooks/upayments',
    ...overrides,
  };
}

interface Completion {
  trackId: string;
  result: string;
  redirectUrl: string;
  delivery: FakeDelivery;
}

/** Creates a charge and has the fake's "person" finish it; nothing is sent to the Worker. */
async function paid(outcome: 'success' | 'failure' | 'cancel', overrides: Partial<UpaymentsCheckoutInput> = {}) {
  const checkout = input(overrides);
  await createCheckout(config(), checkout);
  const done = await controlFake<Completion>('upayments', 'complete', { orderId: checkout.paymentId, outcome, deliver: false });
  return { checkout, ...done };
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

afterEach(async () => {
  await controlFake('upayments', 'status', { clear: true });
});

describe('fils and the KWD string', () => {
  it('writes integer fils with exactly three decimals', () => {
    expect(filsToKwdString(23_000)).toBe('23.000');
    expect(filsToKwdString(0)).toBe('0.000');
    expect(filsToKwdString(5)).toBe('0.005');
    expect(filsToKwdString(1_234_567)).toBe('1234.567');
  });

  it('round-trips every amount from 0 to 10^9 fils exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (fils) => {
        const text = filsToKwdString(fils);
        expect(text).toMatch(/^\d+\.\d{3}$/);
        expect(kwdToFils(text)).toBe(fils);
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses anything that is not a non-negative safe integer', () => {
    for (const bad of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) expect(() => filsToKwdString(bad)).toThrow(RangeError);
  });

  it('reads the amounts providers write, and nothing that is not exact fils', () => {
    expect(kwdToFils('23.000')).toBe(23_000);
    expect(kwdToFils('23')).toBe(23_000);
    expect(kwdToFils('23.5')).toBe(23_500);
    expect(kwdToFils('10.0000')).toBe(10_000);
    expect(kwdToFils(23.5)).toBe(23_500);
    expect(kwdToFils(0.005)).toBe(5);
    for (const bad of ['23.0005', '1e3', '-1', '+1', '', ' ', '1,000', '0x10', 'NaN', '.5', '5.', '99999999999999999999'])
      expect(kwdToFils(bad), bad).toBeNull();
  });
});

describe('createCheckout', () => {
  it('sends the charge UPayments documents, with the amount as a three-decimal string, and returns its link', async () => {
    const checkout = input({ customer: { uniqueId: 'user-1' } });
    const result = await createCheckout(config(), checkout);

    const received = (await fakeRequests('upayments', '/api/v1/charge')).filter((request) => request.body.includes(checkout.paymentId));
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.headers.authorization).toBe(`Bearer ${fakes().upayments.apiKey}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      products: [{ name: checkout.description, description: checkout.description, price: '23.000', quantity: 1 }],
      order: {
        id: checkout.paymentId,
        reference: checkout.paymentId,
        description: checkout.description,
        currency: 'KWD',
        amount: '23.000',
      },
      reference: { id: checkout.paymentId },
      customer: { uniqueId: 'user-1' },
      paymentGateway: { src: 'knet' },
      language: 'ar',
      returnUrl: checkout.returnUrl,
      cancelUrl: checkout.cancelUrl,
      notificationUrl: checkout.notificationUrl,
    });

    expect(result.url.startsWith(`${fakes().upayments.url}/pay?session_id=`)).toBe(true);
    expect(result.sessionId).toBe(new URL(result.url).searchParams.get('session_id'));
    const page = await fetch(result.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('23.000 KWD');
    expect(html).toContain('dir="rtl"');
  });

  it('asks for the card page (src cc) in English', async () => {
    const checkout = input({ method: 'card', language: 'en', amountFils: 59_005 });
    await createCheckout(config(), checkout);
    const [request] = (await fakeRequests('upayments', '/api/v1/charge')).filter((entry) => entry.body.includes(checkout.paymentId));
    const body = JSON.parse(request?.body ?? '{}');
    expect(body).toMatchObject({ paymentGateway: { src: 'cc' }, language: 'en', order: { amount: '59.005' } });
    expect(body).not.toHaveProperty('customer');
  });

  it('refuses fractional, zero or negative fils before calling UPayments', async () => {
    for (const amountFils of [23_000.5, 0, -1000]) {
      const checkout = input({ amountFils });
      await expect(createCheckout(config(), checkout)).rejects.toThrow(RangeError);
      expect((await fakeRequests('upayments', '/api/v1/charge')).some((request) => request.body.includes(checkout.paymentId))).toBe(false);
    }
  });

  it('reports a wrong API key as rejected (401)', async () => {
    const error = await providerError(createCheckout({ ...config(), apiKey: 'wrong' }, input()));
    expect(error).toMatchObject({ kind: 'rejected', status: 401, provider: 'upayments' });
    expect(error.message).not.toContain('wrong');
  });

  it('reports a network failure as unavailable', async () => {
    const broken = () => Promise.reject(new TypeError('connection refused'));
    const error = await providerError(createCheckout(config(), input(), { fetch: broken }));
    expect(error.kind).toBe('unavailable');
  });
});

describe('fetchStatus', () => {
  it('normalises a captured K-Net payment, amount in exact fils', async () => {
    const { checkout, trackId } = await paid('success', { amountFils: 38_000 });
    const status = await fetchStatus(config(), { trackId });
    expect(status).toMatchObject({
      result: 'CAPTURED',
      orderId: checkout.paymentId,
      reference: checkout.paymentId,
      amountFils: 38_000,
      currency: 'KWD',
      trackId,
      paymentType: 'knet',
    });
    expect(status.paymentId).toMatch(/^\d+$/);
  });

  it('reports a declined payment as NOT CAPTURED and a cancelled one as CANCELED', async () => {
    const declined = await paid('failure');
    expect((await fetchStatus(config(), { trackId: declined.trackId })).result).toBe('NOT CAPTURED');
    const cancelled = await paid('cancel');
    expect((await fetchStatus(config(), { trackId: cancelled.trackId })).result).toBe('CANCELED');
  });

  it('can ask by the charge session before any track_id is known', async () => {
    const checkout = input();
    const { sessionId } = await createCheckout(config(), checkout);
    expect(sessionId).toBeDefined();
    const early = await providerError(fetchStatus(config(), { sessionId: sessionId ?? '' }));
    expect(early).toMatchObject({ kind: 'rejected', status: 404 });
    const done = await controlFake<Completion>('upayments', 'complete', { sessionId, outcome: 'success', deliver: false });
    expect(await fetchStatus(config(), { sessionId: sessionId ?? '' })).toMatchObject({
      result: 'CAPTURED',
      orderId: checkout.paymentId,
      trackId: done.trackId,
    });
  });

  it('reports what the status API says even when the notification claimed otherwise', async () => {
    const { trackId, delivery } = await paid('failure');
    const lie = await controlFake<{ delivery: FakeDelivery }>('upayments', 'notify', { trackId, result: 'CAPTURED', deliver: false });
    expect(hintFromNotification(lie.delivery.body)).toMatchObject({ trackId, claimedResult: 'CAPTURED' });
    expect(hintFromNotification(delivery.body)?.claimedResult).toBe('NOT CAPTURED');
    expect((await fetchStatus(config(), { trackId })).result).toBe('NOT CAPTURED');
  });

  it('passes on a different amount, currency or order id for the caller to refuse', async () => {
    const { trackId } = await paid('success');
    await controlFake('upayments', 'status', { id: trackId, amount: '1.000', currency: 'usd', orderId: 'someone-else' });
    expect(await fetchStatus(config(), { trackId })).toMatchObject({
      result: 'CAPTURED',
      amountFils: 1000,
      currency: 'USD',
      orderId: 'someone-else',
    });
  });

  it('gives up on a status API that hangs, with a timeout error', async () => {
    const { trackId } = await paid('success');
    await controlFake('upayments', 'status', { id: trackId, hang: true });
    const error = await providerError(fetchStatus(config(), { trackId }, { timeoutMs: 300 }));
    expect(error.kind).toBe('timeout');
  });

  it('maps 5xx and 429 to unavailable, other 4xx to rejected', async () => {
    const { trackId } = await paid('success');
    for (const [httpStatus, kind] of [
      [500, 'unavailable'],
      [503, 'unavailable'],
      [429, 'unavailable'],
      [401, 'rejected'],
    ] as const) {
      await controlFake('upayments', 'status', { id: trackId, httpStatus });
      expect(await providerError(fetchStatus(config(), { trackId }))).toMatchObject({ kind, status: httpStatus });
    }
  });

  it('refuses answers that are not a usable transaction as malformed', async () => {
    const { checkout, trackId } = await paid('success');
    const transaction = {
      result: 'CAPTURED',
      track_id: trackId,
      merchant_requested_order_id: checkout.paymentId,
      total_price: '23.000',
      currency_type: 'KWD',
    };
    const cases: Array<[string, unknown]> = [
      ['no transaction', { status: true, data: {} }],
      ['not JSON', 'Service down for maintenance'],
      ['fraction of a fils', { status: true, data: { transaction: { ...transaction, total_price: '23.0005' } } }],
      ['amount as exponent', { status: true, data: { transaction: { ...transaction, total_price: '2.3e1' } } }],
      ['no order id', { status: true, data: { transaction: { ...transaction, merchant_requested_order_id: undefined } } }],
      ['another transaction', { status: true, data: { transaction: { ...transaction, track_id: '999' } } }],
    ];
    for (const [label, body] of cases) {
      await controlFake('upayments', 'status', { id: trackId, body });
      expect((await providerError(fetchStatus(config(), { trackId }))).kind, label).toBe('malformed');
    }
    await controlFake('upayments', 'status', { id: trackId, body: { status: false, message: 'Transaction not found.' } });
    expect(await providerError(fetchStatus(config(), { trackId }))).toMatchObject({ kind: 'rejected' });
  });

  it('refuses an id that could change the request path, without calling UPayments', async () => {
    const calls: string[] = [];
    const spy = (url: RequestInfo | URL) => {
      calls.push(String(url));
      return Promise.resolve(new Response('{}'));
    };
    for (const trackId of ['../charge', 'a/b', '1?x=2', ''])
      await expect(fetchStatus(config(), { trackId }, { fetch: spy })).rejects.toThrow(TypeError);
    expect(calls).toEqual([]);
  });
});

describe('notification and return hints', () => {
  it('reads the track_id from the notification (JSON or form) and from the return URL', async () => {
    const { checkout, trackId, delivery, redirectUrl } = await paid('success');
    expect(delivery.url).toBe(checkout.notificationUrl);
    expect(hintFromNotification(delivery.body)).toMatchObject({ trackId, orderId: checkout.paymentId, claimedResult: 'CAPTURED' });
    const asForm = new URLSearchParams(JSON.parse(delivery.body) as Record<string, string>).toString();
    expect(hintFromNotification(asForm)).toMatchObject({ trackId, orderId: checkout.paymentId });

    const back = new URL(redirectUrl);
    expect(back.origin + back.pathname).toBe('http://kwq8.test/api/billing/return/upayments');
    expect(back.searchParams.get('payment')).toBe('1');
    expect(hintFromReturnUrl(back)).toMatchObject({ trackId, orderId: checkout.paymentId, claimedResult: 'CAPTURED' });
  });

  it('sends a declined or cancelled customer back to cancelUrl', async () => {
    const { redirectUrl, trackId } = await paid('cancel');
    const back = new URL(redirectUrl);
    expect(back.searchParams.get('cancelled')).toBe('1');
    expect(hintFromReturnUrl(back)).toMatchObject({ trackId, claimedResult: 'CANCELED' });
  });

  it('returns null when there is no usable track_id', () => {
    expect(hintFromNotification('')).toBeNull();
    expect(hintFromNotification('{"result":"CAPTURED"}')).toBeNull();
    expect(hintFromNotification('{"track_id":"../../charge","result":"CAPTURED"}')).toBeNull();
    expect(hintFromNotification('[1,2]')).toBeNull();
    expect(hintFromReturnUrl(new URL('http://kwq8.test/return?result=CAPTURED'))).toBeNull();
  });
});

describe('the fake payment page', () => {
  it('lets a person pay: the form redirects to returnUrl with UPayments’ fields, and the status API agrees', async () => {
    const checkout = input();
    const { url } = await createCheckout(config(), checkout);
    const sessionId = new URL(url).searchParams.get('session_id') ?? '';
    const response = await fetch(`${fakes().upayments.url}/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session_id: sessionId, outcome: 'success' }).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    const back = new URL(response.headers.get('Location') ?? '');
    for (const field of ['payment_id', 'result', 'post_date', 'tran_id', 'ref', 'track_id', 'auth', 'order_id', 'requested_order_id'])
      expect(back.searchParams.has(field), field).toBe(true);
    const hint = hintFromReturnUrl(back);
    expect(hint).not.toBeNull();
    expect(await fetchStatus(config(), { trackId: hint?.trackId ?? '' })).toMatchObject({
      result: 'CAPTURED',
      orderId: checkout.paymentId,
    });
  });
});
