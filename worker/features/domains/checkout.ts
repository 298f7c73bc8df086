/**
 * The provider checkout of a domain payment: the pending payment (created in SQL by
 * request_domain_registration) gets a UPayments (K-Net, card) or Stripe page, recorded with
 * set_payment_checkout, which keeps the first page when two requests race. A payment that already
 * has its page is answered without calling the provider. The payer returns through billing's return
 * route (which re-checks with the provider) to the dashboard; the provider's notification goes to the
 * billing webhook, whose apply_payment starts the registration.
 */
import type { Locale } from '../../../shared/errors';
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import { ProviderError } from '../../providers/http';
import { returnUrl } from '../billing/checkout';
import { stripeConfig, upaymentsConfig } from '../billing/config';
import { createCheckout as createStripeCheckout } from '../../providers/stripe/client';
import { createCheckout as createUpaymentsCheckout } from '../../providers/upayments/client';
import { setPaymentCheckout, type DbPayment } from './db';

export interface DomainCheckout {
  paymentId: string;
  url: string;
  expiresAt: string;
}

/** Where the payer comes back to (billing's return route, which re-checks with the provider) and where UPayments notifies. */
function checkoutUrls(origin: string, locale: Locale, provider: 'upayments' | 'stripe', paymentId: string) {
  return {
    returnUrl: returnUrl(origin, provider, paymentId, locale),
    cancelUrl: returnUrl(origin, provider, paymentId, locale, { cancelled: '1' }),
    notificationUrl: `${origin}/api/webhooks/upayments`,
  };
}

export async function startDomainCheckout(
  env: Bindings,
  input: { payment: DbPayment; description: string; locale: Locale; origin: string },
): Promise<DomainCheckout> {
  const { payment } = input;
  if (payment.checkout_url) return { paymentId: payment.id, url: payment.checkout_url, expiresAt: payment.expires_at };
  let stored: { checkout_url: string | null };
  try {
    if (payment.provider === 'upayments') {
      const urls = checkoutUrls(input.origin, input.locale, 'upayments', payment.id);
      const page = await createUpaymentsCheckout(upaymentsConfig(env), {
        paymentId: payment.id,
        amountFils: payment.amount_fils,
        description: input.description,
        method: payment.method ?? 'knet',
        language: input.locale,
        ...urls,
      });
      stored = await setPaymentCheckout(env, payment.id, null, page.url);
    } else {
      const urls = checkoutUrls(input.origin, input.locale, 'stripe', payment.id);
      const session = await createStripeCheckout(stripeConfig(env), {
        paymentId: payment.id,
        amountFils: payment.amount_fils,
        productName: input.description,
        successUrl: `${urls.returnUrl}&session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: urls.cancelUrl,
        expiresAt: Math.floor(Date.parse(payment.expires_at) / 1000),
      });
      stored = await setPaymentCheckout(env, payment.id, session.sessionId, session.url);
    }
  } catch (error) {
    if (error instanceof ProviderError || error instanceof RangeError) throw new AppError('SRV_003', { cause: error });
    throw error;
  }
  return { paymentId: payment.id, url: stored.checkout_url!, expiresAt: payment.expires_at };
}
