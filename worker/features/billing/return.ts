/**
 * Where the provider sends the payer back. The query is only a pointer: the payment is re-checked
 * server to server (UPayments' status API by track id, Stripe's session), applied if the provider
 * confirms it, and the payer is redirected to the dashboard in the language they paid in with the
 * outcome the payment actually reached. A check that cannot be made shows "pending"; the webhook or
 * the cron settles it and the dashboard polls the payment.
 */
import type { Locale } from '../../../shared/errors';
import type { PaymentProvider } from '../../../shared/schemas';
import type { Bindings } from '../../env';
import type { Logger } from '../../log/logger';
import { STRIPE_SESSION_ID_PATTERN } from '../../providers/stripe/client';
import { hintFromReturnUrl } from '../../providers/upayments/notification';
import type { PaymentStatus } from './db';
import { settleStripeReturn } from './stripe';
import { settleUpaymentsPayment } from './upayments';
import { asPaymentId, type Settlement } from './settlement';

export type ReturnOutcome = 'succeeded' | 'failed' | 'cancelled' | 'pending';

const OUTCOMES: Record<PaymentStatus, ReturnOutcome> = {
  succeeded: 'succeeded',
  failed: 'failed',
  expired: 'failed',
  refunded: 'failed',
  cancelled: 'cancelled',
  pending: 'pending',
  // Money arrived but a person must look (mismatch, slot taken): not a success to announce yet.
  needs_review: 'pending',
  refund_required: 'pending',
};

export function dashboardUrl(locale: Locale, paymentId: string | null, outcome: ReturnOutcome): string {
  const path = locale === 'en' ? '/en/dashboard/' : '/dashboard/';
  return paymentId ? `${path}?${new URLSearchParams({ payment: paymentId, outcome })}` : path;
}

async function check(env: Bindings, provider: PaymentProvider, url: URL, paymentId: string | null): Promise<Settlement | null> {
  if (provider === 'upayments') {
    const hint = hintFromReturnUrl(url);
    return hint ? settleUpaymentsPayment(env, { trackId: hint.trackId, ...(paymentId ? { paymentId } : {}) }) : null;
  }
  const sessionId = url.searchParams.get('session_id') ?? '';
  return paymentId && STRIPE_SESSION_ID_PATTERN.test(sessionId) ? settleStripeReturn(env, sessionId, paymentId) : null;
}

/** Settles what the provider confirms and answers the dashboard URL to redirect to. */
export async function settleReturn(env: Bindings, provider: PaymentProvider, url: URL, log: Logger): Promise<string> {
  const locale: Locale = url.searchParams.get('lang') === 'en' ? 'en' : 'ar';
  let paymentId = asPaymentId(url.searchParams.get('payment'));
  let settlement: Settlement | null = null;
  try {
    settlement = await check(env, provider, url, paymentId);
  } catch (error) {
    log.warn('billing.return_check_failed', { provider, paymentId, error });
  }
  let outcome: ReturnOutcome = 'pending';
  if (settlement?.state === 'applied') {
    paymentId = settlement.payment.id;
    outcome = OUTCOMES[settlement.payment.status];
  } else if (settlement?.state === 'pending') {
    paymentId = settlement.paymentId;
  } else if (provider === 'stripe' && url.searchParams.get('cancelled') === '1') {
    // Stripe's cancel_url: the payer chose to go back. Nothing is applied; the session expires later.
    outcome = 'cancelled';
  }
  if (settlement?.state === 'ignored') log.info('billing.return_ignored', { provider, paymentId, reason: settlement.reason });
  return dashboardUrl(locale, paymentId, outcome);
}
