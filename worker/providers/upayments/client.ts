/**
 * UPayments (K-Net and cards in KWD) API v1: create the hosted checkout (`POST {base}/charge`) and
 * read a transaction's status (`GET {base}/get-payment-status/{track_id}`). UPayments does not sign
 * its notifications, so the status API is the only thing that may settle a payment; see
 * ./notification.ts for reading the unsigned hints. No Hono, no database.
 */
import { CURRENCY, filsToKwdString, kwdToFils } from '../../../shared/pricing';
import { httpFailure, isRecord, ProviderError, requestJson, stringField, type ProviderRequestOptions } from '../http';

const PROVIDER = 'upayments';

export interface UpaymentsConfig {
  /** UPAYMENTS_API_BASE, e.g. https://sandboxapi.upayments.com/api/v1 (no trailing slash needed). */
  apiBase: string;
  /** UPAYMENTS_API_KEY, sent as `Authorization: Bearer`. */
  apiKey: string;
}

export type UpaymentsMethod = 'knet' | 'card';

export interface UpaymentsCheckoutInput {
  /** Our payment id: sent as order.id (≤ 40 characters) and reference.id, returned by the status API. */
  paymentId: string;
  /** Integer fils, > 0. */
  amountFils: number;
  /** Shown on the payment page (≤ 255 characters). */
  description: string;
  method: UpaymentsMethod;
  language: 'ar' | 'en';
  returnUrl: string;
  cancelUrl: string;
  notificationUrl: string;
  /** Optional; UPayments uses uniqueId to group a customer's payments. Send only what is needed. */
  customer?: { uniqueId?: string; name?: string; email?: string; mobile?: string };
}

export interface UpaymentsCheckout {
  /** data.link: where to send the customer. */
  url: string;
  /** The `session_id` of that link; lets the status API be asked before any track_id is known. */
  sessionId?: string;
}

/** Results the status API reports; anything but CAPTURED means "not paid". */
export type UpaymentsResult = 'CAPTURED' | 'NOT CAPTURED' | 'CANCELED' | 'PENDING' | (string & {});

export interface UpaymentsStatus {
  result: UpaymentsResult;
  /** The order.id we sent (merchant_requested_order_id): compare with the payment row before applying. */
  orderId: string;
  amountFils: number;
  /** Upper case, e.g. "KWD". */
  currency: string;
  trackId?: string;
  /** UPayments' payment id, once there is one. */
  paymentId?: string;
  /** The reference.id we sent. */
  reference?: string;
  /** knet, cc, … as UPayments reports it. */
  paymentType?: string;
}

/** The lookups the status API takes: a track_id (from the notification or the return URL) or the charge's session_id. */
export type UpaymentsLookup = { trackId: string } | { sessionId: string };

/** Identifiers we put in a URL: what UPayments issues, and nothing that could change the path. */
export const UPAYMENTS_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

const endpoint = (config: UpaymentsConfig, path: string) => `${config.apiBase.replace(/\/+$/, '')}/${path}`;

const headers = (config: UpaymentsConfig) => ({
  Authorization: `Bearer ${config.apiKey}`,
  Accept: 'application/json',
});

/** UPayments' own error text, shortened; it never echoes our key. */
function providerMessage(body: unknown): string | undefined {
  return isRecord(body) ? stringField(body, 'message')?.slice(0, 200) : undefined;
}

/** ids arrive as strings or numbers depending on the endpoint. */
function idField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return stringField(record, key);
}

/**
 * Creates the hosted payment page for one payment. The amount goes out as the three-decimal
 * string `filsToKwdString` makes (UPayments documents a decimal like "2.500").
 * @throws RangeError on a non-integer or non-positive amount; ProviderError when UPayments fails.
 */
export async function createCheckout(
  config: UpaymentsConfig,
  input: UpaymentsCheckoutInput,
  options: ProviderRequestOptions = {},
): Promise<UpaymentsCheckout> {
  if (!Number.isSafeInteger(input.amountFils) || input.amountFils <= 0) throw new RangeError('amountFils must be a positive integer');
  if (input.paymentId.length === 0 || input.paymentId.length > 40) throw new RangeError('paymentId must be 1 to 40 characters');
  const amount = filsToKwdString(input.amountFils);
  const description = input.description.slice(0, 255);
  const payload = {
    products: [{ name: description, description, price: amount, quantity: 1 }],
    order: { id: input.paymentId, reference: input.paymentId, description, currency: CURRENCY, amount },
    reference: { id: input.paymentId },
    ...(input.customer ? { customer: input.customer } : {}),
    paymentGateway: { src: input.method === 'knet' ? 'knet' : 'cc' },
    language: input.language,
    returnUrl: input.returnUrl,
    cancelUrl: input.cancelUrl,
    notificationUrl: input.notificationUrl,
  };
  const { status, body } = await requestJson(
    PROVIDER,
    endpoint(config, 'charge'),
    { method: 'POST', headers: { ...headers(config), 'Content-Type': 'application/json' }, body: JSON.stringify(payload) },
    options,
  );
  if (status < 200 || status > 299) throw httpFailure(PROVIDER, status, providerMessage(body));
  if (!isRecord(body)) throw new ProviderError(PROVIDER, 'malformed', 'charge answer is not a JSON object', { status });
  if (body.status !== true) throw new ProviderError(PROVIDER, 'rejected', providerMessage(body) ?? 'charge refused', { status });
  const data = isRecord(body.data) ? body.data : {};
  const link = stringField(data, 'link');
  let url: URL;
  try {
    url = new URL(link ?? '');
  } catch {
    throw new ProviderError(PROVIDER, 'malformed', 'charge answer has no payment link', { status });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ProviderError(PROVIDER, 'malformed', 'payment link is not http(s)', { status });
  const sessionId = url.searchParams.get('session_id') ?? stringField(data, 'session_id');
  return { url: url.href, ...(sessionId ? { sessionId } : {}) };
}

/**
 * Reads one transaction from the status API and normalises it; the amount comes back as exact
 * integer fils. The API allows about 30 calls a minute per key: callers must space their checks.
 * @throws TypeError on an id that is not a UPayments id; ProviderError when the answer is missing,
 *   refused (`status: false`, e.g. no transaction yet), malformed, or about another track_id.
 */
export async function fetchStatus(
  config: UpaymentsConfig,
  lookup: UpaymentsLookup,
  options: ProviderRequestOptions = {},
): Promise<UpaymentsStatus> {
  const id = 'trackId' in lookup ? lookup.trackId : lookup.sessionId;
  if (!UPAYMENTS_ID_PATTERN.test(id)) throw new TypeError('not a UPayments id');
  const path = 'trackId' in lookup ? `get-payment-status/${id}` : `get-payment-status?session_id=${id}`;
  const { status, body } = await requestJson(PROVIDER, endpoint(config, path), { method: 'GET', headers: headers(config) }, options);
  if (status < 200 || status > 299) throw httpFailure(PROVIDER, status, providerMessage(body));
  if (!isRecord(body)) throw new ProviderError(PROVIDER, 'malformed', 'status answer is not a JSON object', { status });
  if (body.status !== true) throw new ProviderError(PROVIDER, 'rejected', providerMessage(body) ?? 'status refused', { status });
  const transaction = isRecord(body.data) && isRecord(body.data.transaction) ? body.data.transaction : undefined;
  if (!transaction) throw new ProviderError(PROVIDER, 'malformed', 'status answer has no transaction', { status });

  const orderId = idField(transaction, 'merchant_requested_order_id') ?? idField(transaction, 'requested_order_id');
  const price = transaction.total_price;
  const amountFils = typeof price === 'string' || typeof price === 'number' ? kwdToFils(price) : null;
  const currency = (stringField(transaction, 'currency_type') ?? stringField(transaction, 'currency'))?.toUpperCase();
  const trackId = idField(transaction, 'track_id');
  if (!orderId || amountFils === null || !currency)
    throw new ProviderError(PROVIDER, 'malformed', 'transaction lacks order id, amount or currency', { status });
  if ('trackId' in lookup && trackId !== undefined && trackId !== lookup.trackId) {
    throw new ProviderError(PROVIDER, 'malformed', 'status answer is about another transaction', { status });
  }

  const knownTrackId = trackId ?? ('trackId' in lookup ? lookup.trackId : undefined);
  const paymentId = idField(transaction, 'payment_id');
  const reference = idField(transaction, 'reference');
  const paymentType = stringField(transaction, 'payment_type');
  return {
    result: stringField(transaction, 'result')?.toUpperCase() ?? 'PENDING',
    orderId,
    amountFils,
    currency,
    ...(knownTrackId ? { trackId: knownTrackId } : {}),
    ...(paymentId ? { paymentId } : {}),
    ...(reference ? { reference } : {}),
    ...(paymentType ? { paymentType } : {}),
  };
}
