/**
 * Settling a UPayments payment. Notifications and return URLs are unsigned hints; the status API
 * is the only source of truth: an outcome is applied only for the order it names, and a capture
 * with the amount and currency it reports (SQL flags a mismatch for review instead of granting).
 * The same function serves the return route, the notification webhook and the cron re-check.
 */
import type { Bindings } from '../../env';
import { fetchStatus, type UpaymentsLookup } from '../../providers/upayments/client';
import { PROVIDER_TIMEOUT_MS, upaymentsConfig } from './config';
import type { ProviderOutcome } from './db';
import { asPaymentId, ignored, settle, type Settlement } from './settlement';

/**
 * UPayments (K-Net) results that end an attempt; anything else (PENDING, HOST TIMEOUT, …) is not
 * final yet. A failed or cancelled attempt can still be followed by a capture, which SQL honours.
 */
const FINAL_RESULTS: Record<string, ProviderOutcome> = {
  CAPTURED: 'succeeded',
  'NOT CAPTURED': 'failed',
  'DENIED BY RISK': 'failed',
  CANCELED: 'cancelled',
  CANCELLED: 'cancelled',
};

/** A status lookup, and the payment it must be about when the caller knows which. */
export type UpaymentsCheck = UpaymentsLookup & { paymentId?: string };

/**
 * Asks the status API about one transaction (or a checkout's latest) and applies what it says.
 * @throws ProviderError or TypeError when the status API cannot answer (the caller decides:
 *   retry later, answer 503, or show "pending"); AppError PAY_004 when UPayments is not configured.
 */
export async function settleUpaymentsPayment(env: Bindings, check: UpaymentsCheck, timeoutMs = PROVIDER_TIMEOUT_MS): Promise<Settlement> {
  const status = await fetchStatus(upaymentsConfig(env), check, { timeoutMs });
  const paymentId = asPaymentId(status.orderId);
  if (!paymentId) return ignored('unknown_order');
  if (check.paymentId !== undefined && check.paymentId !== paymentId) return ignored('order_mismatch');
  const outcome = FINAL_RESULTS[status.result];
  if (!outcome) return { state: 'pending', paymentId };
  if (outcome !== 'succeeded') {
    // Closes the payment whichever attempt it was: the reference stays the checkout's.
    return settle(env, { provider: 'upayments', status: outcome, paymentId });
  }
  return settle(env, {
    provider: 'upayments',
    status: outcome,
    paymentId,
    // The capture's track id becomes the payment's reference (it was the checkout's session id).
    providerRef: status.trackId ?? null,
    amountFils: status.amountFils,
    currency: status.currency,
  });
}
