/**
 * Which payment providers this deployment offers: UPayments needs its API base and key, Stripe its
 * secret key (and, for webhooks, the webhook secret). A provider left unset answers PAY_004 on the
 * routes that need it instead of failing inside a call.
 */
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import type { StripeConfig } from '../../providers/stripe/client';
import type { UpaymentsConfig } from '../../providers/upayments/client';

/** UPayments' settings, or null when this deployment does not offer it. */
export function readUpaymentsConfig(env: Bindings): UpaymentsConfig | null {
  const apiBase = env.UPAYMENTS_API_BASE?.trim();
  const apiKey = env.UPAYMENTS_API_KEY?.trim();
  return apiBase && apiKey ? { apiBase, apiKey } : null;
}

export function upaymentsConfig(env: Bindings): UpaymentsConfig {
  const config = readUpaymentsConfig(env);
  if (!config) throw new AppError('PAY_004');
  return config;
}

export function stripeConfig(env: Bindings): StripeConfig {
  const secretKey = env.STRIPE_SECRET_KEY?.trim();
  if (!secretKey) throw new AppError('PAY_004');
  const apiBase = env.STRIPE_API_BASE?.trim();
  return apiBase ? { apiBase, secretKey } : { secretKey };
}

export function stripeWebhookSecret(env: Bindings): string {
  const secret = env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!secret) throw new AppError('PAY_004');
  return secret;
}

/** Deadline for a provider call a person or a provider waits on (checkout, return, webhook). */
export const PROVIDER_TIMEOUT_MS = 5000;
