/**
 * Stripe Checkout without the SDK: create a one-off KWD Checkout Session (form-encoded
 * `POST /v1/checkout/sessions`) and read one back (`GET /v1/checkout/sessions/{id}`), plus the one
 * reader of a session object that both the status call and webhook events go through.
 * Signed webhooks are in ./webhook.ts. No Hono, no database.
 */
import { CURRENCY } from '../../../shared/pricing';
import { httpFailure, isRecord, ProviderError, requestJson, stringField, type ProviderRequestOptions } from '../http';

const PROVIDER = 'stripe';

export const STRIPE_DEFAULT_API_BASE = 'https://api.stripe.com';
/** Pinned so response and event shapes do not change with the account's default version. */
export const STRIPE_API_VERSION = '2024-06-20';

export interface StripeConfig {
  /** STRIPE_API_BASE; default https://api.stripe.com. */
  apiBase?: string;
  /** STRIPE_SECRET_KEY (sk_live_… / sk_test_…). */
  secretKey: string;
}

export interface StripeCheckoutInput {
  /** Our payment id: becomes client_reference_id, metadata[payment_id] and the PaymentIntent's metadata[payment_id]. */
  paymentId: string;
  /**
   * Integer fils. Stripe takes KWD (a three-decimal currency) in fils but, for its acquirers,
   * only amounts whose last digit is 0; anything else is refused here rather than rounded,
   * because rounding would charge a price we never set.
   */
  amountFils: number;
  /** The line item's name on Stripe's page. */
  productName: string;
  /** May contain `{CHECKOUT_SESSION_ID}`, which Stripe replaces with the session id. */
  successUrl: string;
  cancelUrl: string;
  /** Unix seconds; Stripe accepts 30 minutes to 24 hours after creation. */
  expiresAt: number;
  customerEmail?: string;
}

export interface StripeCheckout {
  url: string;
  sessionId: string;
  /** Unix seconds, as Stripe reports it. */
  expiresAt: number;
}

export interface StripeSession {
  sessionId: string;
  /** open | complete | expired */
  status: string;
  /** paid | unpaid | no_payment_required; only `paid` means the money arrived. */
  paymentStatus: string;
  /** amount_total in the currency's minor unit: fils for KWD. */
  amountTotal: number;
  /** Upper case, e.g. "KWD". */
  currency: string;
  /** metadata.payment_id */
  paymentId?: string;
  clientReferenceId?: string;
  /** Set once paid; charge.refunded events name it, so keep it to map refunds back. */
  paymentIntentId?: string;
}

export const STRIPE_SESSION_ID_PATTERN = /^cs_[A-Za-z0-9_]{1,250}$/;

/** Stripe's form encoding: nested objects and arrays as `a[b][0][c]=v`; undefined is left out. */
export function stripeForm(params: Record<string, unknown>): URLSearchParams {
  const form = new URLSearchParams();
  const add = (key: string, value: unknown) => {
    if (value === undefined) return;
    if (Array.isArray(value)) value.forEach((item, index) => add(`${key}[${index}]`, item));
    else if (isRecord(value)) Object.entries(value).forEach(([child, item]) => add(`${key}[${child}]`, item));
    else form.append(key, String(value));
  };
  Object.entries(params).forEach(([key, value]) => add(key, value));
  return form;
}

const endpoint = (config: StripeConfig, path: string) => `${(config.apiBase ?? STRIPE_DEFAULT_API_BASE).replace(/\/+$/, '')}${path}`;

const headers = (config: StripeConfig) => ({
  Authorization: `Bearer ${config.secretKey}`,
  'Stripe-Version': STRIPE_API_VERSION,
});

function stripeMessage(body: unknown): string | undefined {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  return error ? (stringField(error, 'code') ?? stringField(error, 'type'))?.slice(0, 100) : undefined;
}

/** A Checkout Session object (from the API or inside an event) in our terms; null if it is not one. */
export function readSession(object: unknown): StripeSession | null {
  if (!isRecord(object) || object.object !== 'checkout.session') return null;
  const sessionId = stringField(object, 'id');
  const status = stringField(object, 'status');
  const paymentStatus = stringField(object, 'payment_status');
  const currency = stringField(object, 'currency');
  const amountTotal = object.amount_total;
  if (!sessionId || !status || !paymentStatus || !currency || !Number.isSafeInteger(amountTotal)) return null;
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const paymentId = stringField(metadata, 'payment_id');
  const clientReferenceId = stringField(object, 'client_reference_id');
  const intent = object.payment_intent;
  const paymentIntentId = typeof intent === 'string' ? intent : isRecord(intent) ? stringField(intent, 'id') : undefined;
  return {
    sessionId,
    status,
    paymentStatus,
    amountTotal: amountTotal as number,
    currency: currency.toUpperCase(),
    ...(paymentId ? { paymentId } : {}),
    ...(clientReferenceId ? { clientReferenceId } : {}),
    ...(paymentIntentId ? { paymentIntentId } : {}),
  };
}

/**
 * Creates the Checkout Session for one payment. The payment id is also the Idempotency-Key, so
 * a retried call returns the same session instead of a second one.
 * @throws RangeError on an amount Stripe cannot take; ProviderError when Stripe fails.
 */
export async function createCheckout(
  config: StripeConfig,
  input: StripeCheckoutInput,
  options: ProviderRequestOptions = {},
): Promise<StripeCheckout> {
  if (!Number.isSafeInteger(input.amountFils) || input.amountFils <= 0) throw new RangeError('amountFils must be a positive integer');
  if (input.amountFils % 10 !== 0) throw new RangeError('Stripe takes KWD amounts only in multiples of 10 fils');
  if (!Number.isSafeInteger(input.expiresAt)) throw new RangeError('expiresAt must be whole unix seconds');
  const form = stripeForm({
    mode: 'payment',
    client_reference_id: input.paymentId,
    metadata: { payment_id: input.paymentId },
    payment_intent_data: { metadata: { payment_id: input.paymentId } },
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: CURRENCY.toLowerCase(),
          unit_amount: input.amountFils,
          product_data: { name: input.productName.slice(0, 250) },
        },
      },
    ],
    success_url: input.successUrl,
    cancel_url: input.cancelUrl,
    expires_at: input.expiresAt,
    customer_email: input.customerEmail,
  });
  const { status, body } = await requestJson(
    PROVIDER,
    endpoint(config, '/v1/checkout/sessions'),
    {
      method: 'POST',
      headers: {
        ...headers(config),
        'Content-Type': 'application/x-www-form-urlencoded',
        'Idempotency-Key': `checkout-${input.paymentId}`,
      },
      body: form.toString(),
    },
    options,
  );
  if (status < 200 || status > 299) throw httpFailure(PROVIDER, status, stripeMessage(body));
  const session = isRecord(body) ? body : {};
  const sessionId = stringField(session, 'id');
  const url = stringField(session, 'url');
  const expiresAt = session.expires_at;
  if (!sessionId || !url || !Number.isSafeInteger(expiresAt))
    throw new ProviderError(PROVIDER, 'malformed', 'session answer lacks id, url or expires_at', { status });
  return { url, sessionId, expiresAt: expiresAt as number };
}

/**
 * Reads a Checkout Session back: the server-to-server check for a return or a late event.
 * @throws TypeError on an id that is not a session id; ProviderError when Stripe fails.
 */
export async function fetchStatus(config: StripeConfig, sessionId: string, options: ProviderRequestOptions = {}): Promise<StripeSession> {
  if (!STRIPE_SESSION_ID_PATTERN.test(sessionId)) throw new TypeError('not a Checkout Session id');
  const { status, body } = await requestJson(
    PROVIDER,
    endpoint(config, `/v1/checkout/sessions/${sessionId}`),
    { method: 'GET', headers: headers(config) },
    options,
  );
  if (status < 200 || status > 299) throw httpFailure(PROVIDER, status, stripeMessage(body));
  const session = readSession(body);
  if (!session) throw new ProviderError(PROVIDER, 'malformed', 'answer is not a Checkout Session', { status });
  if (session.sessionId !== sessionId) throw new ProviderError(PROVIDER, 'malformed', 'answer is about another session', { status });
  return session;
}
