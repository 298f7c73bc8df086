/**
 * `startBookingCheckout`: the provider's payment page for a held booking's pending payment
 * (UPayments K-Net/card or Stripe), recorded with billing's set_payment_checkout so a repeat sends
 * the visitor to the same page. The provider returns the visitor to the booking's confirmation
 * page, which reads the outcome; settlement (webhooks, return checks, the cron re-check) is
 * billing's. A payment that already has its page is answered from the row, without a call.
 */
import { createCheckout as createUpaymentsCheckout } from '../../providers/upayments/client';
import { createCheckout as createStripeCheckout } from '../../providers/stripe/client';
import type { Bindings } from '../../env';
import { stripeConfig, upaymentsConfig } from '../billing/config';
import { setPaymentCheckout, type DbHoldPayment, type PublicBooking } from './db';

export interface BookingCheckoutInput {
  payment: DbHoldPayment;
  booking: PublicBooking;
  locale: 'ar' | 'en';
  /** The site's origin, e.g. https://kwq8.com, for the return and notification addresses. */
  origin: string;
  /** The booking link token (./tokens.ts) the confirmation page needs. */
  linkToken: string;
  /** Prefills Stripe's page; UPayments gets no personal data. */
  customerEmail?: string | null;
}

/** The visitor's confirmation page for this booking, in the booking page's language. */
export function confirmationUrl(input: Pick<BookingCheckoutInput, 'origin' | 'locale' | 'booking' | 'linkToken'>): string {
  const path = `${input.locale === 'en' ? '/en' : ''}/book/${encodeURIComponent(input.booking.project.slug)}/`;
  return `${input.origin}${path}?${new URLSearchParams({ booking: input.booking.id, token: input.linkToken })}`;
}

/**
 * Creates (once) the provider's checkout for the hold and returns where to send the visitor.
 * @throws ProviderError when the provider fails; RangeError on an amount the provider cannot take.
 */
export async function startBookingCheckout(env: Bindings, input: BookingCheckoutInput): Promise<string> {
  const { payment, booking } = input;
  if (payment.checkout_url) return payment.checkout_url;
  const back = confirmationUrl(input);
  const serviceName = (input.locale === 'en' ? booking.service?.nameEn : booking.service?.nameAr) ?? booking.project.name;
  const description = `${serviceName} · ${booking.localDate} ${booking.localTime}`;

  let providerRef: string | null = null;
  let url: string;
  if (payment.provider === 'stripe') {
    const session = await createStripeCheckout(stripeConfig(env), {
      paymentId: payment.id,
      amountFils: payment.amount_fils,
      productName: description,
      successUrl: `${back}&session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${back}&cancelled=1`,
      // Stripe needs at least 30 minutes; the payment itself is offered for an hour.
      expiresAt: Math.floor(Math.max(Date.parse(payment.expires_at), Date.now() + 31 * 60_000) / 1000),
      ...(input.customerEmail ? { customerEmail: input.customerEmail } : {}),
    });
    providerRef = session.sessionId;
    url = session.url;
  } else {
    const checkout = await createUpaymentsCheckout(upaymentsConfig(env), {
      paymentId: payment.id,
      amountFils: payment.amount_fils,
      description,
      method: payment.method === 'card' ? 'card' : 'knet',
      language: input.locale,
      returnUrl: back,
      cancelUrl: `${back}&cancelled=1`,
      notificationUrl: `${input.origin}/api/webhooks/upayments`,
    });
    url = checkout.url;
  }
  const stored = await setPaymentCheckout(env, payment.id, providerRef, url);
  return stored.checkout_url ?? url;
}
