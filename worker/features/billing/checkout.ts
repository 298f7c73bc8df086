/**
 * Starting a checkout: the pending payment row first (with the user's token, priced in SQL), then
 * the provider's hosted page, then the page recorded on the row. The answer is always the stored
 * page, so a repeated Idempotency-Key, or two racing requests with one, send the payer to the same
 * place. A provider failure leaves the row pending without a page; the same key tries again.
 */
import type { Locale } from '../../../shared/errors';
import { CREDIT_PACKS } from '../../../shared/pricing';
import type { CheckoutBody } from '../../../shared/schemas';
import type { AuthUser } from '../../auth/middleware';
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import type { Logger } from '../../log/logger';
import { ProviderError } from '../../providers/http';
import { createCheckout as createStripeCheckout } from '../../providers/stripe/client';
import { createCheckout as createUpaymentsCheckout } from '../../providers/upayments/client';
import { PROVIDER_TIMEOUT_MS, stripeConfig, upaymentsConfig } from './config';
import { createCheckoutRow, setPaymentCheckout, type DbPayment } from './db';

export interface CheckoutContext {
  /** The Worker's own origin, from the request: where providers send the payer and their notifications. */
  origin: string;
  locale: Locale;
  idempotencyKey: string;
  log: Logger;
}

/** Stripe accepts a session lifetime of 30 minutes to 24 hours from its creation. */
const STRIPE_MIN_LIFETIME_S = 31 * 60;
const STRIPE_MAX_LIFETIME_S = 23 * 3600;

const capitalised = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

/** What the provider's page shows the payer. */
function description(body: CheckoutBody, locale: Locale): string {
  if (body.purpose === 'plan') {
    const tier = capitalised(body.tier);
    return locale === 'en' ? `KWq8 ${tier} plan, one month` : `باقة ${tier} من KWq8 لمدة شهر`;
  }
  const { credits } = CREDIT_PACKS[body.pack];
  return locale === 'en' ? `KWq8: ${credits} credits` : `KWq8: ${credits} نقطة`;
}

/** The return route for `provider`, keeping the payment and the page language for the redirect. */
export function returnUrl(origin: string, provider: string, paymentId: string, locale: Locale, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ payment: paymentId, lang: locale, ...extra });
  return `${origin}/api/billing/return/${provider}?${query}`;
}

async function providerPage(env: Bindings, body: CheckoutBody, row: DbPayment, context: CheckoutContext) {
  const { origin, locale } = context;
  const options = { timeoutMs: PROVIDER_TIMEOUT_MS };
  if (body.provider === 'upayments') {
    const back = returnUrl(origin, 'upayments', row.id, locale);
    return createUpaymentsCheckout(
      upaymentsConfig(env),
      {
        paymentId: row.id,
        amountFils: row.amount_fils,
        description: description(body, locale),
        method: body.method,
        language: locale,
        // UPayments appends its result fields to both; the return route re-checks them either way.
        returnUrl: back,
        cancelUrl: back,
        notificationUrl: `${origin}/api/webhooks/upayments`,
      },
      options,
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const rowExpiry = row.expires_at ? Math.floor(Date.parse(row.expires_at) / 1000) : now;
  return createStripeCheckout(
    stripeConfig(env),
    {
      paymentId: row.id,
      amountFils: row.amount_fils,
      productName: description(body, locale),
      // Stripe fills in the session id, which the return route reads back from Stripe.
      successUrl: `${returnUrl(origin, 'stripe', row.id, locale)}&session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: returnUrl(origin, 'stripe', row.id, locale, { cancelled: '1' }),
      expiresAt: Math.min(Math.max(rowExpiry, now + STRIPE_MIN_LIFETIME_S), now + STRIPE_MAX_LIFETIME_S),
    },
    options,
  );
}

export async function startCheckout(env: Bindings, user: AuthUser, body: CheckoutBody, context: CheckoutContext) {
  // Before any row: a provider this deployment does not offer is refused outright (PAY_004).
  if (body.provider === 'upayments') upaymentsConfig(env);
  else stripeConfig(env);

  let row: DbPayment & { replayed?: boolean } = await createCheckoutRow(env, user, {
    purpose: body.purpose,
    provider: body.provider,
    idempotencyKey: context.idempotencyKey,
    ...(body.purpose === 'plan' ? { tier: body.tier } : { pack: body.pack }),
    ...(body.provider === 'upayments' ? { method: body.method } : {}),
  });
  // A replay answers the page the first request stored; a key whose first try found the provider
  // down makes the page now.
  const replayed = row.replayed === true && row.checkout_url !== null;
  if (row.status === 'expired') throw new AppError('PAY_002');
  if (!row.checkout_url) {
    // Closed without ever getting a page: that checkout is over.
    if (row.status !== 'pending') throw new AppError('PAY_002');
    let page: { url: string; sessionId?: string };
    try {
      page = await providerPage(env, body, row, context);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      context.log.warn('billing.checkout_provider_failed', {
        provider: body.provider,
        paymentId: row.id,
        kind: error.kind,
        status: error.status,
        message: error.message,
      });
      throw new AppError('PAY_003', { cause: error });
    }
    row = await setPaymentCheckout(env, row.id, page.sessionId ?? null, page.url);
  }
  return {
    replayed,
    checkout: { paymentId: row.id, provider: row.provider, url: row.checkout_url as string, expiresAt: row.expires_at },
  };
}
