/**
 * A local Stripe for `npm run dev` and the tests, speaking its wire format:
 * `POST /v1/checkout/sessions` (form-encoded, `Authorization: Bearer sk_…`, honours
 * Idempotency-Key, refuses KWD amounts not ending in 0 and expires_at outside 30 min–24 h) and
 * `GET /v1/checkout/sessions/{id}`, plus the page a session's url opens, where a person picks
 * success, failure or cancel. The fake then sends webhook events signed with the webhook secret
 * exactly as Stripe signs them (`Stripe-Signature: t=…,v1=hex(HMAC-SHA256(secret, "t.body"))`) and
 * redirects to success_url (`{CHECKOUT_SESSION_ID}` replaced) or cancel_url.
 *
 * Outcomes: success → `checkout.session.completed` (paid); failure → `checkout.session.completed`
 * (unpaid) then `checkout.session.async_payment_failed`, as a delayed method that fails; cancel →
 * `checkout.session.expired` at once (Stripe would expire it later).
 *
 * Control (JSON) for tests, also exported as methods of the started fake:
 * - `POST /__control/complete {sessionId | paymentId, outcome, deliver?}` → `{redirectUrl, deliveries}`
 * - `POST /__control/event {sessionId, type, patch?, amountRefunded?, deliver?, timestamp?, secret?}` →
 *   `{delivery}`: any event now (out of order, `charge.refunded`, a state `patch`ed into the object),
 *   optionally signed at another time or with another secret
 * - `POST /__control/redeliver {deliveryId, times?, deliver?, timestamp?, secret?}` → `{deliveries}`: the same
 *   event again, re-signed, as Stripe retries
 * - `POST /__control/status {id?, hang?, httpStatus?, body?, paymentStatus?, status?, amountTotal?, currency?}`
 *   makes `GET /v1/checkout/sessions/{id}` misbehave (all sessions without id); `{id?, clear: true}` undoes it
 * - `GET /__control/requests?path=/v1/checkout/sessions`, `GET /__control/deliveries`, `POST /__control/reset`
 * `deliver: false` (and no webhookUrl) records events without sending them.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, readBody, redirect, send, sendJson } from '../../supabase/local/http';
import {
  Deliveries,
  HttpError,
  Overrides,
  OUTCOMES,
  paymentPage,
  randomToken,
  controlEndpoint,
  RequestLog,
  startServer,
  type Delivery,
  type Outcome,
  type RecordedRequest,
} from './common';

export const FAKE_STRIPE_SECRET_KEY = 'sk_test_kwq8_local_fake';
export const FAKE_STRIPE_WEBHOOK_SECRET = 'whsec_kwq8_local_fake_webhook_secret';
export const FAKE_STRIPE_PORT = 8791;
const API_VERSION = '2024-06-20';
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export interface FakeStripeOptions {
  /** Default FAKE_STRIPE_PORT; 0 for any free port. */
  port?: number;
  secretKey?: string;
  webhookSecret?: string;
  /** Where webhooks go: webhookUrl, else `${workerUrl}/api/webhooks/stripe`; neither → recorded only. */
  workerUrl?: string;
  webhookUrl?: string;
}

type Session = Record<string, unknown> & {
  id: string;
  status: string;
  payment_status: string;
  amount_total: number;
  currency: string;
  success_url: string;
  cancel_url?: string;
};

interface Stored {
  session: Session;
  /** payment_intent_data[metadata], copied onto the PaymentIntent and its charge. */
  intentMetadata: Record<string, unknown>;
  productName: string;
}

export interface SessionOverride {
  hang?: boolean;
  httpStatus?: number;
  body?: unknown;
  status?: string;
  paymentStatus?: string;
  amountTotal?: number;
  currency?: string;
}

export interface SignOptions {
  /** Unix seconds to sign with instead of now (stale or future deliveries). */
  timestamp?: number;
  /** Sign with this secret instead of the configured one. */
  secret?: string;
}

export interface FakeStripe {
  url: string;
  /** What STRIPE_API_BASE should be. */
  apiBase: string;
  secretKey: string;
  webhookSecret: string;
  close(): Promise<void>;
  complete(input: {
    sessionId?: string;
    paymentId?: string;
    outcome: Outcome;
    deliver?: boolean;
  }): Promise<{ redirectUrl: string; deliveries: Delivery[] }>;
  event(
    input: { sessionId: string; type: string; patch?: Record<string, unknown>; amountRefunded?: number; deliver?: boolean } & SignOptions,
  ): Promise<Delivery>;
  redeliver(input: { deliveryId: string; times?: number; deliver?: boolean } & SignOptions): Promise<Delivery[]>;
  setStatus(id: string | undefined, override: SessionOverride | null): void;
  /** The Stripe-Signature header Stripe would send for `body`. */
  sign(body: string, options?: SignOptions): string;
  requests(pathPrefix?: string): RecordedRequest[];
  deliveries(): Delivery[];
  reset(): void;
}

const stripeError = (status: number, message: string, param?: string, code?: string) =>
  new HttpError(status, { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) } });

/** `a[b][0][c]=v` into nested objects (array indexes stay keys: "0", "1", …). */
function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) throw stripeError(400, `Invalid parameter: ${key}`);
    const path = [match[1] as string, ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1] as string)];
    let node = root;
    path.slice(0, -1).forEach((segment) => {
      const next = node[segment];
      node = (typeof next === 'object' && next !== null ? next : (node[segment] = {})) as Record<string, unknown>;
    });
    node[path.at(-1) as string] = value;
  }
  return root;
}

const now = () => Math.floor(Date.now() / 1000);
const object = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const stripeId = (prefix: string) => `${prefix}_test_${randomToken(24)}`;

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? FAKE_STRIPE_SECRET_KEY;
  const webhookSecret = options.webhookSecret ?? FAKE_STRIPE_WEBHOOK_SECRET;
  const webhookUrl = options.webhookUrl ?? (options.workerUrl ? `${options.workerUrl.replace(/\/+$/, '')}/api/webhooks/stripe` : undefined);
  const sessions = new Map<string, Stored>();
  const byIdempotencyKey = new Map<string, string>();
  const log = new RequestLog();
  const deliveries = new Deliveries();
  const overrides = new Overrides<SessionOverride>();

  function sign(body: string, signOptions: SignOptions = {}): string {
    const timestamp = signOptions.timestamp ?? now();
    const signature = createHmac('sha256', signOptions.secret ?? webhookSecret)
      .update(`${timestamp}.${body}`, 'utf8')
      .digest('hex');
    return `t=${timestamp},v1=${signature}`;
  }

  function dispatch(body: string, deliver: boolean | undefined, signOptions: SignOptions = {}): Promise<Delivery> {
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'Stripe-Signature': sign(body, signOptions),
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    };
    return deliveries.dispatch(webhookUrl ?? 'about:blank', headers, body, (deliver ?? true) && webhookUrl !== undefined);
  }

  function charge(stored: Stored, amountRefunded: number) {
    const { session } = stored;
    return {
      id: `ch_${String(session.payment_intent).slice(3)}`,
      object: 'charge',
      amount: session.amount_total,
      amount_captured: session.amount_total,
      amount_refunded: amountRefunded,
      currency: session.currency,
      metadata: stored.intentMetadata,
      paid: true,
      payment_intent: session.payment_intent,
      refunded: amountRefunded >= session.amount_total,
      status: 'succeeded',
    };
  }

  function eventBody(type: string, dataObject: Record<string, unknown>): string {
    return JSON.stringify({
      id: stripeId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: now(),
      data: { object: dataObject },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    });
  }

  function find(input: { sessionId?: string; paymentId?: string }): Stored {
    const stored = input.sessionId
      ? sessions.get(input.sessionId)
      : [...sessions.values()].reverse().find((entry) => object(entry.session.metadata).payment_id === input.paymentId);
    if (!stored) throw new HttpError(404, { error: 'no such session' });
    return stored;
  }

  async function complete(input: { sessionId?: string; paymentId?: string; outcome: Outcome; deliver?: boolean }) {
    const stored = find(input);
    const { session } = stored;
    if (!OUTCOMES.includes(input.outcome)) throw new HttpError(400, { error: `outcome is one of ${OUTCOMES.join(', ')}` });
    if (session.status !== 'open') throw new HttpError(409, { error: `this session is already ${session.status}` });
    const sent: Delivery[] = [];
    const emit = async (type: string) => sent.push(await dispatch(eventBody(type, { ...session }), input.deliver));
    if (input.outcome === 'cancel') {
      Object.assign(session, { status: 'expired', url: null });
      await emit('checkout.session.expired');
    } else {
      Object.assign(session, {
        status: 'complete',
        url: null,
        payment_intent: stripeId('pi'),
        payment_status: input.outcome === 'success' ? 'paid' : 'unpaid',
      });
      await emit('checkout.session.completed');
      if (input.outcome === 'failure') await emit('checkout.session.async_payment_failed');
    }
    const redirectUrl =
      input.outcome === 'cancel'
        ? (session.cancel_url ?? session.success_url)
        : session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id);
    return { redirectUrl, deliveries: sent };
  }

  async function event(
    input: { sessionId: string; type: string; patch?: Record<string, unknown>; amountRefunded?: number; deliver?: boolean } & SignOptions,
  ) {
    const stored = find(input);
    if (typeof input.type !== 'string' || !input.type) throw new HttpError(400, { error: 'type is required' });
    let dataObject: Record<string, unknown> = { ...stored.session };
    if (input.type.startsWith('charge.')) {
      if (!stored.session.payment_intent) throw new HttpError(409, { error: 'this session has no payment yet' });
      dataObject = charge(stored, input.amountRefunded ?? stored.session.amount_total);
    }
    return dispatch(eventBody(input.type, { ...dataObject, ...input.patch }), input.deliver, input);
  }

  async function redeliver(input: { deliveryId: string; times?: number; deliver?: boolean } & SignOptions) {
    const original = deliveries.get(input.deliveryId);
    if (!original) throw new HttpError(404, { error: 'no such delivery' });
    const times = Math.min(Math.max(Math.trunc(input.times ?? 1), 1), 100);
    return Promise.all(Array.from({ length: times }, () => dispatch(original.body, input.deliver, input)));
  }

  function authorised(req: IncomingMessage) {
    const key = bearerToken(req);
    if (key !== secretKey) {
      throw new HttpError(401, {
        error: {
          type: 'invalid_request_error',
          message: key
            ? 'Invalid API Key provided.'
            : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        },
      });
    }
  }

  async function createSession(req: IncomingMessage, res: ServerResponse, url: URL, baseUrl: string) {
    const body = await log.record(req, url);
    authorised(req);
    const key = req.headers['idempotency-key'];
    const replay = typeof key === 'string' ? byIdempotencyKey.get(key) : undefined;
    if (replay) return sendJson(res, 200, sessions.get(replay)?.session, { 'Idempotent-Replayed': 'true' });

    const form = parseForm(body);
    if (form.mode !== 'payment') throw stripeError(400, 'This fake supports mode=payment only.', 'mode');
    const item = object(object(form.line_items)['0']);
    const price = object(item.price_data);
    const currency = String(price.currency ?? '').toLowerCase();
    const unitAmount = Number(price.unit_amount);
    const quantity = Number(item.quantity ?? 1);
    if (!/^[a-z]{3}$/.test(currency))
      throw stripeError(400, 'Missing required param: line_items[0][price_data][currency].', 'line_items[0][price_data][currency]');
    if (!Number.isSafeInteger(unitAmount) || unitAmount < 1)
      throw stripeError(400, 'Invalid integer: line_items[0][price_data][unit_amount].', 'line_items[0][price_data][unit_amount]');
    if (THREE_DECIMAL.has(currency) && unitAmount % 10 !== 0) {
      throw stripeError(
        400,
        `Amounts in ${currency.toUpperCase()} must have 0 as their last digit.`,
        'line_items[0][price_data][unit_amount]',
        'amount_invalid',
      );
    }
    if (!Number.isSafeInteger(quantity) || quantity < 1)
      throw stripeError(400, 'Invalid integer: line_items[0][quantity].', 'line_items[0][quantity]');
    if (typeof form.success_url !== 'string' || !/^https?:\/\//.test(form.success_url))
      throw stripeError(400, 'Not a valid URL', 'success_url', 'url_invalid');
    if (form.cancel_url !== undefined && (typeof form.cancel_url !== 'string' || !/^https?:\/\//.test(form.cancel_url)))
      throw stripeError(400, 'Not a valid URL', 'cancel_url', 'url_invalid');
    const created = now();
    const expiresAt = form.expires_at === undefined ? created + 86_400 : Number(form.expires_at);
    if (!Number.isSafeInteger(expiresAt) || expiresAt < created + 1800 || expiresAt > created + 86_400) {
      throw stripeError(
        400,
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        'expires_at',
      );
    }

    const id = `cs_test_${randomToken(58)}`;
    const session: Session = {
      id,
      object: 'checkout.session',
      amount_subtotal: unitAmount * quantity,
      amount_total: unitAmount * quantity,
      cancel_url: typeof form.cancel_url === 'string' ? form.cancel_url : undefined,
      client_reference_id: typeof form.client_reference_id === 'string' ? form.client_reference_id : null,
      created,
      currency,
      customer_email: typeof form.customer_email === 'string' ? form.customer_email : null,
      expires_at: expiresAt,
      livemode: false,
      metadata: object(form.metadata),
      mode: 'payment',
      payment_intent: null,
      payment_status: 'unpaid',
      status: 'open',
      success_url: form.success_url,
      url: `${baseUrl}/pay/${id}`,
    };
    sessions.set(id, {
      session,
      intentMetadata: object(object(form.payment_intent_data).metadata),
      productName: String(object(price.product_data).name ?? ''),
    });
    if (typeof key === 'string') byIdempotencyKey.set(key, id);
    sendJson(res, 200, session);
  }

  async function getSession(req: IncomingMessage, res: ServerResponse, url: URL) {
    await log.record(req, url);
    authorised(req);
    const id = decodeURIComponent(url.pathname.slice('/v1/checkout/sessions/'.length));
    const override = overrides.for(id);
    if (override?.hang) return; // the socket stays open until the client gives up or close()
    if (override?.httpStatus)
      return sendJson(res, override.httpStatus, override.body ?? { error: { type: 'api_error', message: 'Fake failure.' } });
    if (override?.body !== undefined) return sendJson(res, 200, override.body);
    const stored = sessions.get(id);
    if (!stored) throw stripeError(404, `No such checkout.session: '${id}'`, 'session', 'resource_missing');
    sendJson(res, 200, {
      ...stored.session,
      ...(override?.status ? { status: override.status } : {}),
      ...(override?.paymentStatus ? { payment_status: override.paymentStatus } : {}),
      ...(override?.amountTotal !== undefined ? { amount_total: override.amountTotal } : {}),
      ...(override?.currency ? { currency: override.currency } : {}),
    });
  }

  async function page(req: IncomingMessage, res: ServerResponse, url: URL) {
    const id = decodeURIComponent(url.pathname.slice('/pay/'.length));
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const done = await complete({ sessionId: id, outcome: form.get('outcome') as Outcome });
      return redirect(res, done.redirectUrl);
    }
    const stored = sessions.get(id);
    if (!stored) return send(res, 404, 'No such session · لا توجد جلسة دفع بهذا الرقم', { 'Content-Type': 'text/plain; charset=utf-8' });
    const { session } = stored;
    const decimals = THREE_DECIMAL.has(session.currency) ? 3 : 2;
    const amount = `${(session.amount_total / 10 ** decimals).toFixed(decimals)} ${session.currency.toUpperCase()}`;
    const html = paymentPage({
      provider: 'Stripe Checkout',
      lang: 'en',
      action: `/pay/${encodeURIComponent(id)}`,
      hidden: {},
      description: stored.productName,
      amount,
      method: 'Card · بطاقة',
      ...(session.status === 'open' ? {} : { done: session.status === 'complete' ? 'تم الدفع · Paid' : 'انتهت الجلسة · Session expired' }),
    });
    send(res, 200, html, { 'Content-Type': 'text/html; charset=utf-8' });
  }

  function reset() {
    sessions.clear();
    byIdempotencyKey.clear();
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
      event: async (input) => ({ delivery: await event(input as unknown as Parameters<typeof event>[0]) }),
      redeliver: async (input) => ({ deliveries: await redeliver(input as unknown as Parameters<typeof redeliver>[0]) }),
    },
  });

  let baseUrl = '';
  const server = await startServer(options.port ?? FAKE_STRIPE_PORT, async (req, res, url) => {
    const path = url.pathname;
    if (path === '/v1/checkout/sessions' && req.method === 'POST') return createSession(req, res, url, baseUrl);
    if (path.startsWith('/v1/checkout/sessions/') && req.method === 'GET') return getSession(req, res, url);
    if (path.startsWith('/pay/')) return page(req, res, url);
    if (path.startsWith('/__control/')) return control(req, res, url);
    throw stripeError(404, `Unrecognized request URL (${req.method}: ${path}).`);
  });
  baseUrl = server.url;

  return {
    url: server.url,
    apiBase: server.url,
    secretKey,
    webhookSecret,
    close: server.close,
    complete,
    event,
    redeliver,
    setStatus: (id, override) => overrides.set(id, override),
    sign,
    requests: (pathPrefix) => log.list(pathPrefix),
    deliveries: () => deliveries.list(),
    reset,
  };
}
