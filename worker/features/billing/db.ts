/**
 * Typed calls to the billing functions in SQL (supabase/migrations/*_billing.sql) and the owner's
 * view of a payment. Checkout and the status read run with the user's token; recording the
 * provider's checkout, settling outcomes and the re-check leases are service-only.
 */
import type { PaymentProvider } from '../../../shared/schemas';
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';

export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'expired' | 'refunded' | 'refund_required' | 'needs_review';
/** The outcomes apply_payment takes. */
export type ProviderOutcome = 'succeeded' | 'failed' | 'cancelled' | 'expired' | 'refunded';

/** private.payment_json: what the owner may see of a payment. */
export interface DbPayment {
  id: string;
  purpose: string;
  provider: PaymentProvider;
  method: string | null;
  status: PaymentStatus;
  amount_fils: number;
  currency: string;
  tier: string | null;
  pack: string | null;
  credits: number | null;
  checkout_url: string | null;
  expires_at: string | null;
  created_at: string;
  applied_at: string | null;
}

export const toPayment = (row: DbPayment) => ({
  id: row.id,
  purpose: row.purpose,
  provider: row.provider,
  method: row.method,
  status: row.status,
  amountFils: row.amount_fils,
  currency: row.currency,
  tier: row.tier,
  pack: row.pack,
  credits: row.credits,
  url: row.checkout_url,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
  appliedAt: row.applied_at,
});

export interface CheckoutRequest {
  purpose: 'plan' | 'credits';
  provider: PaymentProvider;
  idempotencyKey: string;
  tier?: string;
  pack?: string;
  method?: string;
}

/** The pending payment for a checkout (or the one a repeated key already made: `replayed`). */
export function createCheckoutRow(env: Bindings, user: AuthUser, input: CheckoutRequest) {
  return rpc<DbPayment & { replayed: boolean }>(
    env,
    'create_checkout',
    {
      p_purpose: input.purpose,
      p_provider: input.provider,
      p_idempotency_key: input.idempotencyKey,
      p_tier: input.tier ?? null,
      p_pack: input.pack ?? null,
      p_method: input.method ?? null,
    },
    user,
  );
}

export function getPayment(env: Bindings, user: AuthUser, paymentId: string) {
  return rpc<DbPayment>(env, 'get_payment', { p_payment_id: paymentId }, user);
}

/** Records the provider's reference and page; the first values stay, so racing requests agree. */
export function setPaymentCheckout(env: Bindings, paymentId: string, providerRef: string | null, checkoutUrl: string) {
  return rpc<DbPayment>(
    env,
    'set_payment_checkout',
    { p_payment_id: paymentId, p_provider_ref: providerRef, p_checkout_url: checkoutUrl },
    'service',
  );
}

export interface AppliedPayment extends DbPayment {
  user_id: string | null;
  provider_ref: string | null;
  review_reason: string | null;
  /** True when this call changed nothing (a repeat, or a state that absorbs the outcome). */
  replayed: boolean;
}

/** A provider-verified outcome, applied exactly once by SQL (states in the billing migration's header). */
export function applyPayment(
  env: Bindings,
  input: {
    provider: PaymentProvider;
    status: ProviderOutcome;
    paymentId?: string | null;
    providerRef?: string | null;
    amountFils?: number;
    currency?: string;
    /** A signed provider event: recorded in the same transaction, so a redelivery changes nothing. */
    event?: { id: string; sha256: string };
  },
) {
  return rpc<AppliedPayment>(
    env,
    'apply_payment',
    {
      p_provider: input.provider,
      p_provider_ref: input.providerRef ?? null,
      p_status: input.status,
      p_amount_fils: input.amountFils ?? null,
      p_currency: input.currency ?? null,
      p_payment_id: input.paymentId ?? null,
      p_event_id: input.event?.id ?? null,
      p_payload_sha256: input.event?.sha256 ?? null,
    },
    'service',
  );
}

export interface DbPaymentCheck {
  id: string;
  /** The UPayments session id recorded at checkout (or the capture's track id); null when none is known. */
  provider_ref: string | null;
  amount_fils: number;
  currency: string;
  expires_at: string | null;
  check_attempts: number;
  created_at: string;
}

/** Pending UPayments payments due for a status check, leased so overlapping runs never share one. */
export function claimPaymentChecks(env: Bindings, limit: number, leaseSeconds: number) {
  return rpc<DbPaymentCheck[]>(env, 'claim_payment_checks', { p_limit: limit, p_lease_seconds: leaseSeconds }, 'service');
}

/** Records one status check (with why it failed) and schedules the next with backoff. */
export function recordPaymentCheck(env: Bindings, paymentId: string, error: string | null) {
  return rpc<unknown>(env, 'record_payment_check', { p_payment_id: paymentId, p_error: error }, 'service');
}
