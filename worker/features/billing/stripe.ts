/**
 * Settling Stripe payments: verified webhook events through one handler per event type, and the
 * return route's server-to-server read of the Checkout Session. A session's amount and currency go
 * to SQL, which flags a mismatch for review instead of granting anything.
 */
import type { Bindings } from '../../env';
import { isRecord, stringField } from '../../providers/http';
import { fetchStatus, readSession, type StripeSession } from '../../providers/stripe/client';
import type { StripeEvent } from '../../providers/stripe/webhook';
import { PROVIDER_TIMEOUT_MS, stripeConfig } from './config';
import type { ProviderOutcome } from './db';
import { asPaymentId, ignored, settle, type Settlement } from './settlement';

type EventRecord = { id: string; sha256: string };
type Handler = (env: Bindings, object: Record<string, unknown>, event: EventRecord) => Promise<Settlement>;

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function settleSession(env: Bindings, session: StripeSession, outcome: ProviderOutcome, event?: EventRecord): Promise<Settlement> {
  return settle(env, {
    provider: 'stripe',
    status: outcome,
    providerRef: session.sessionId,
    paymentId: asPaymentId(session.paymentId ?? session.clientReferenceId),
    ...(outcome === 'succeeded' ? { amountFils: session.amountTotal, currency: session.currency } : {}),
    ...(event ? { event } : {}),
  });
}

/** A session event's handler; `outcome` null means "only when the session is paid". */
const onSession =
  (outcome: ProviderOutcome | null): Handler =>
  async (env, object, event) => {
    const session = readSession(object);
    if (!session) return ignored('malformed_session');
    if (outcome === null && session.paymentStatus !== 'paid') return ignored('not_paid');
    return settleSession(env, session, outcome ?? 'succeeded', event);
  };

/** charge.refunded: the PaymentIntent's metadata names our payment; the refunded total is compared in SQL. */
const onRefund: Handler = async (env, object, event) => {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const paymentId = asPaymentId(stringField(metadata, 'payment_id'));
  const refunded = object.amount_refunded;
  const currency = stringField(object, 'currency');
  if (object.object !== 'charge' || !paymentId || !Number.isSafeInteger(refunded) || !currency) return ignored('malformed_charge');
  return settle(env, {
    provider: 'stripe',
    status: 'refunded',
    paymentId,
    amountFils: refunded as number,
    currency: currency.toUpperCase(),
    event,
  });
};

/** The event types acted on; every other type is acknowledged and ignored. */
const HANDLERS: Record<string, Handler> = {
  // A delayed method completes unpaid first and reports later through async_payment_*.
  'checkout.session.completed': onSession(null),
  'checkout.session.async_payment_succeeded': onSession(null),
  'checkout.session.async_payment_failed': onSession('failed'),
  'checkout.session.expired': onSession('expired'),
  'charge.refunded': onRefund,
};

/**
 * Applies one verified event exactly once: its id and the SHA-256 of the raw body are recorded in
 * the transaction that applies it, so redeliveries and racing deliveries change nothing more.
 */
export async function applyStripeEvent(env: Bindings, event: StripeEvent, rawBody: string): Promise<Settlement> {
  const handler = Object.hasOwn(HANDLERS, event.type) ? HANDLERS[event.type] : undefined;
  if (!handler) return ignored('unhandled_type');
  return handler(env, event.data.object, { id: event.id, sha256: await sha256Hex(rawBody) });
}

/**
 * The return route's check: reads the session from Stripe and applies a payment or an expiry for
 * the payment it belongs to. Throws ProviderError or TypeError when Stripe cannot answer.
 */
export async function settleStripeReturn(env: Bindings, sessionId: string, paymentId: string): Promise<Settlement> {
  const session = await fetchStatus(stripeConfig(env), sessionId, { timeoutMs: PROVIDER_TIMEOUT_MS });
  if ((session.paymentId ?? session.clientReferenceId) !== paymentId) return ignored('session_mismatch');
  if (session.paymentStatus === 'paid') return settleSession(env, session, 'succeeded');
  if (session.status === 'expired') return settleSession(env, session, 'expired');
  return { state: 'pending', paymentId };
}
