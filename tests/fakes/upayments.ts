/**
 * A local UPayments (API v1) for `npm run dev` and the tests, speaking its wire format:
 * `POST /api/v1/charge` (Bearer key, JSON; answers `{status:true, data:{link}}`),
 * `GET /api/v1/get-payment-status/{track_id}` and `?session_id=` (answers 201 with
 * `{status:true, data:{transaction:{…}}}`, as the real API does), and the hosted payment page the
 * link opens, where a person picks success, failure or cancel. The fake then posts the
 * notification UPayments sends to notificationUrl and redirects to returnUrl (CAPTURED) or
 * cancelUrl with UPayments' query fields appended.
 *
 * Control (JSON) for tests, also exported as methods of the started fake:
 * - `POST /__control/complete {sessionId | orderId, outcome, deliver?}` → `{trackId, result, redirectUrl, delivery}`
 * - `POST /__control/notify {trackId, result?, deliver?}` → a (possibly lying) notification, `{delivery}`
 * - `POST /__control/status {id?, hang?, httpStatus?, body?, result?, amount?, currency?, orderId?}` makes the
 *   status API misbehave for a track_id / session_id (or all, without id); `{id?, clear: true}` undoes it
 * - `GET /__control/requests?path=/api/v1/charge`, `GET /__control/deliveries`, `POST /__control/reset`
 * `deliver: false` records the notification without sending it (the Workers test pool is not
 * reachable over HTTP: tests send `delivery` to the Worker themselves).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redirect, send, sendJson, bearerToken, readBody } from '../../supabase/local/http';
import {
  Deliveries,
  HttpError,
  Overrides,
  OUTCOMES,
  paymentPage,
  randomDigits,
  randomToken,
  controlEndpoint,
  RequestLog,
  startServer,
  type Delivery,
  type Outcome,
  type RecordedRequest,
} from './common';

/** The key UPayments publishes for its sandbox; any other value can be configured. */
export const FAKE_UPAYMENTS_API_KEY = 'jtest123';
export const FAKE_UPAYMENTS_PORT = 8790;

const SOURCES = ['knet', 'cc', 'samsung-pay', 'apple-pay', 'apple-pay-knet', 'google-pay'];
const RESULTS: Record<Outcome, string> = { success: 'CAPTURED', failure: 'NOT CAPTURED', cancel: 'CANCELED' };

export interface FakeUpaymentsOptions {
  /** Default FAKE_UPAYMENTS_PORT; 0 for any free port. */
  port?: number;
  apiKey?: string;
}

/** The charge as the fake received it (the fields it uses). */
interface Charge {
  sessionId: string;
  orderId: string;
  reference?: string;
  description: string;
  amount: string;
  currency: string;
  source: string;
  language: 'ar' | 'en';
  returnUrl: string;
  cancelUrl: string;
  notificationUrl: string;
  /** Attempts on the payment page, oldest first; UPayments issues a new track_id for each. */
  transactions: Transaction[];
}

/** One attempt, with the fields UPayments' notification and return query carry. */
type Transaction = Record<
  | 'payment_id'
  | 'result'
  | 'post_date'
  | 'tran_id'
  | 'ref'
  | 'track_id'
  | 'auth'
  | 'order_id'
  | 'requested_order_id'
  | 'payment_type'
  | 'invoice_id'
  | 'receipt_id'
  | 'transaction_date'
  | 'trn_udf',
  string
>;

export interface StatusOverride {
  /** Never answer (until the client gives up or the fake closes). */
  hang?: boolean;
  httpStatus?: number;
  /** Answer exactly this JSON instead. */
  body?: unknown;
  /** Report another result, amount (as a string, e.g. "1.000"), currency or order id than the truth. */
  result?: string;
  amount?: string;
  currency?: string;
  orderId?: string;
}

export interface Completion {
  trackId: string;
  result: string;
  redirectUrl: string;
  delivery: Delivery;
}

export interface FakeUpayments {
  url: string;
  /** What UPAYMENTS_API_BASE should be. */
  apiBase: string;
  apiKey: string;
  close(): Promise<void>;
  complete(input: { sessionId?: string; orderId?: string; outcome: Outcome; deliver?: boolean }): Promise<Completion>;
  notify(input: { trackId: string; result?: string; deliver?: boolean }): Promise<Delivery>;
  setStatus(id: string | undefined, override: StatusOverride | null): void;
  requests(pathPrefix?: string): RecordedRequest[];
  deliveries(): Delivery[];
  reset(): void;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function httpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const invalid = (field: string) =>
  new HttpError(422, { status: false, message: `The ${field} field is invalid.`, errors: { [field]: [`The ${field} field is invalid.`] } });

/** Checks a charge request the way UPayments documents its fields. */
function readCharge(body: unknown, sessionId: string): Charge {
  if (!isRecord(body)) throw new HttpError(400, { status: false, message: 'Invalid JSON body.' });
  const order = isRecord(body.order) ? body.order : {};
  if (typeof order.id !== 'string' || order.id.length === 0 || order.id.length > 40) throw invalid('order.id');
  if (typeof order.description !== 'string' || order.description.length > 500) throw invalid('order.description');
  if (typeof order.currency !== 'string' || order.currency.length !== 3) throw invalid('order.currency');
  const amount = typeof order.amount === 'number' ? String(order.amount) : order.amount;
  if (typeof amount !== 'string' || !/^\d+(\.\d+)?$/.test(amount) || Number(amount) <= 0) throw invalid('order.amount');
  if (body.language !== 'ar' && body.language !== 'en') throw invalid('language');
  const gateway = isRecord(body.paymentGateway) ? body.paymentGateway : {};
  if (typeof gateway.src !== 'string' || !SOURCES.includes(gateway.src)) throw invalid('paymentGateway.src');
  for (const field of ['returnUrl', 'cancelUrl', 'notificationUrl'] as const) if (!httpUrl(body[field])) throw invalid(field);
  const reference = isRecord(body.reference) && typeof body.reference.id === 'string' ? body.reference.id : undefined;
  return {
    sessionId,
    orderId: order.id,
    ...(reference ? { reference } : {}),
    description: order.description,
    amount,
    currency: order.currency,
    source: gateway.src,
    language: body.language,
    returnUrl: body.returnUrl as string,
    cancelUrl: body.cancelUrl as string,
    notificationUrl: body.notificationUrl as string,
    transactions: [],
  };
}

export async function startFakeUpayments(options: FakeUpaymentsOptions = {}): Promise<FakeUpayments> {
  const apiKey = options.apiKey ?? FAKE_UPAYMENTS_API_KEY;
  const charges = new Map<string, Charge>();
  const log = new RequestLog();
  const deliveries = new Deliveries();
  const overrides = new Overrides<StatusOverride>();

  const byTrackId = (trackId: string) => {
    for (const charge of charges.values()) {
      const transaction = charge.transactions.find((entry) => entry.track_id === trackId);
      if (transaction) return { charge, transaction };
    }
    return undefined;
  };

  const sendNotification = (charge: Charge, transaction: Transaction, deliver: boolean) =>
    deliveries.dispatch(charge.notificationUrl, { 'Content-Type': 'application/json' }, JSON.stringify(transaction), deliver);

  async function complete(input: { sessionId?: string; orderId?: string; outcome: Outcome; deliver?: boolean }): Promise<Completion> {
    const charge = input.sessionId
      ? charges.get(input.sessionId)
      : [...charges.values()].reverse().find((entry) => entry.orderId === input.orderId);
    if (!charge) throw new HttpError(404, { error: 'no such charge' });
    if (!OUTCOMES.includes(input.outcome)) throw new HttpError(400, { error: `outcome is one of ${OUTCOMES.join(', ')}` });
    if (charge.transactions.some((entry) => entry.result === 'CAPTURED'))
      throw new HttpError(409, { error: 'this charge is already paid' });
    const now = new Date();
    const result = RESULTS[input.outcome];
    const transaction: Transaction = {
      payment_id: randomDigits(15),
      result,
      post_date: `${String(now.getUTCMonth() + 1).padStart(2, '0')}${String(now.getUTCDate()).padStart(2, '0')}`,
      tran_id: randomDigits(15),
      ref: randomDigits(12),
      track_id: randomDigits(15),
      auth: result === 'CAPTURED' ? randomDigits(6) : '',
      order_id: randomToken(20),
      requested_order_id: charge.orderId,
      payment_type: charge.source,
      invoice_id: randomDigits(7),
      receipt_id: randomDigits(12),
      transaction_date: now.toISOString().replace('T', ' ').slice(0, 19),
      trn_udf: '',
    };
    charge.transactions.push(transaction);
    const delivery = await sendNotification(charge, transaction, input.deliver ?? true);
    const target = new URL(result === 'CAPTURED' ? charge.returnUrl : charge.cancelUrl);
    for (const [key, value] of Object.entries(transaction)) target.searchParams.set(key, value);
    return { trackId: transaction.track_id, result, redirectUrl: target.href, delivery };
  }

  async function notify(input: { trackId: string; result?: string; deliver?: boolean }): Promise<Delivery> {
    const found = byTrackId(input.trackId);
    if (!found) throw new HttpError(404, { error: 'no such track_id' });
    return sendNotification(
      found.charge,
      { ...found.transaction, ...(input.result ? { result: input.result } : {}) },
      input.deliver ?? true,
    );
  }

  function authorised(req: IncomingMessage) {
    if (bearerToken(req) !== apiKey) throw new HttpError(401, { status: false, message: 'Unauthenticated.' });
  }

  async function charge(req: IncomingMessage, res: ServerResponse, url: URL, baseUrl: string) {
    const body = await log.record(req, url);
    authorised(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new HttpError(400, { status: false, message: 'Invalid JSON body.' });
    }
    const sessionId = randomToken(32);
    charges.set(sessionId, readCharge(parsed, sessionId));
    sendJson(res, 200, { status: true, message: 'Charge created', data: { link: `${baseUrl}/pay?session_id=${sessionId}` } });
  }

  async function status(req: IncomingMessage, res: ServerResponse, url: URL) {
    await log.record(req, url);
    authorised(req);
    const trackId = decodeURIComponent(url.pathname.slice('/api/v1/get-payment-status/'.length));
    const sessionId = trackId ? undefined : (url.searchParams.get('session_id') ?? undefined);
    const override = overrides.for(trackId || undefined, sessionId);
    if (override?.hang) return; // the socket stays open until the client gives up or close()
    if (override?.httpStatus) return sendJson(res, override.httpStatus, override.body ?? { status: false, message: 'Server Error' });
    if (override?.body !== undefined) return sendJson(res, 201, override.body);

    const found = trackId ? byTrackId(trackId) : undefined;
    const charge = found?.charge ?? (sessionId ? charges.get(sessionId) : undefined);
    const transaction = found?.transaction ?? charge?.transactions.at(-1);
    if (!charge || !transaction) return sendJson(res, 404, { status: false, message: 'Transaction not found.' });
    sendJson(res, 201, {
      status: true,
      message: 'Payment status',
      data: {
        transaction: {
          ...transaction,
          merchant_requested_order_id: override?.orderId ?? charge.orderId,
          reference: charge.reference ?? '',
          result: override?.result ?? transaction.result,
          total_price: override?.amount ?? charge.amount,
          currency_type: override?.currency ?? charge.currency,
        },
      },
    });
  }

  async function page(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const outcome = form.get('outcome') as Outcome;
      const done = await complete({ sessionId: form.get('session_id') ?? '', outcome });
      return redirect(res, done.redirectUrl);
    }
    const charge = charges.get(url.searchParams.get('session_id') ?? '');
    if (!charge) return send(res, 404, 'No such payment · لا توجد عملية دفع بهذا الرقم', { 'Content-Type': 'text/plain; charset=utf-8' });
    const paid = charge.transactions.some((entry) => entry.result === 'CAPTURED');
    const html = paymentPage({
      provider: 'UPayments',
      lang: charge.language,
      action: '/pay',
      hidden: { session_id: charge.sessionId },
      description: charge.description,
      amount: `${charge.amount} ${charge.currency}`,
      method: charge.source === 'knet' ? 'K-Net · كي نت' : 'Card · بطاقة',
      ...(paid ? { done: 'تم الدفع مسبقاً · Already paid' } : {}),
    });
    send(res, 200, html, { 'Content-Type': 'text/html; charset=utf-8' });
  }

  function reset() {
    charges.clear();
    log.clear();
    deliveries.clear();
    overrides.clear();
  }
  const control = controlEndpoint({
    log,
    deliveries,
    overrides,
    reset,
    actions: {
      complete: (input) => complete(input as unknown as Parameters<typeof complete>[0]),
      notify: async (input) => ({ delivery: await notify(input as unknown as Parameters<typeof notify>[0]) }),
    },
  });

  let baseUrl = '';
  const server = await startServer(options.port ?? FAKE_UPAYMENTS_PORT, async (req, res, url) => {
    const path = url.pathname;
    if (path === '/api/v1/charge' && req.method === 'POST') return charge(req, res, url, baseUrl);
    if ((path === '/api/v1/get-payment-status' || path.startsWith('/api/v1/get-payment-status/')) && req.method === 'GET')
      return status(req, res, url);
    if (path === '/pay') return page(req, res, url);
    if (path.startsWith('/__control/')) return control(req, res, url);
    sendJson(res, 404, { status: false, message: 'Not Found' });
  });
  baseUrl = server.url;

  return {
    url: server.url,
    apiBase: `${server.url}/api/v1`,
    apiKey,
    close: server.close,
    complete,
    notify,
    setStatus: (id, override) => overrides.set(id, override),
    requests: (pathPrefix) => log.list(pathPrefix),
    deliveries: () => deliveries.list(),
    reset,
  };
}
