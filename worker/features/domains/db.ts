/**
 * Typed calls to the domain functions in SQL (supabase/migrations/*_domains.sql) and the owner's
 * view of a domain, with the DNS records an attached domain needs.
 */
import type { DomainContactInput } from '../../../shared/domain-contacts';
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';
import type { DomainContact } from '../../providers/namecheap/client';

export type DomainStatus = 'pending_payment' | 'registering' | 'active' | 'failed' | 'pending_verification';

export interface DbDomain {
  id: string;
  project_id: string;
  name: string;
  display_name: string;
  kind: 'register' | 'attach';
  status: DomainStatus;
  premium: boolean;
  price_fils: number | null;
  currency: 'KWD' | null;
  verification_token: string | null;
  verified_at: string | null;
  expires_at: string | null;
  activated_at: string | null;
  failure_reason: string | null;
  refund_required: boolean;
  created_at: string;
  updated_at: string;
  /** project_domains only: the latest payment. */
  payment?: { id: string; status: string; provider: string; checkout_url: string | null; expires_at: string | null } | null;
}

/** private.payment_json: the owner's view of a payment. */
export interface DbPayment {
  id: string;
  provider: 'upayments' | 'stripe';
  method: 'knet' | 'card' | null;
  status: string;
  amount_fils: number;
  currency: string;
  checkout_url: string | null;
  expires_at: string;
}

export type DomainContacts = Record<'registrant' | 'tech' | 'admin' | 'auxBilling', DomainContact>;

export interface ClaimedRegistration {
  id: string;
  name: string;
  contacts: DomainContacts;
  years: number;
  premium: boolean;
  provider_price_usd_cents: number;
  registration_attempts: number;
  create_uncertain: boolean;
}

/** The TXT record that proves control of an attached domain. */
export const verificationHost = (name: string) => `_kwq8-verify.${name}`;

export function toOwnerDomain(row: DbDomain, cnameTarget: string) {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    kind: row.kind,
    status: row.status,
    premium: row.premium,
    price: row.price_fils === null ? null : { amountFils: row.price_fils, currency: row.currency ?? 'KWD' },
    expiresAt: row.expires_at,
    activatedAt: row.activated_at,
    failureReason: row.failure_reason,
    refundRequired: row.refund_required,
    createdAt: row.created_at,
    dns:
      row.kind === 'attach'
        ? {
            cname: { host: row.name, target: cnameTarget },
            txt: { host: verificationHost(row.name), value: row.verification_token },
          }
        : null,
    ...(row.payment === undefined
      ? {}
      : {
          payment: row.payment && {
            id: row.payment.id,
            status: row.payment.status,
            checkoutUrl: row.payment.checkout_url,
            expiresAt: row.payment.expires_at,
          },
        }),
  };
}

export function quoteDomain(
  env: Bindings,
  quote: { name: string; displayName: string; premium: boolean; providerPriceUsdCents: number; priceFils: number },
) {
  return rpc<unknown>(
    env,
    'quote_domain',
    {
      p_name: quote.name,
      p_display_name: quote.displayName,
      p_premium: quote.premium,
      p_provider_price_usd_cents: quote.providerPriceUsdCents,
      p_price_fils: quote.priceFils,
    },
    'service',
  );
}

export function requestRegistration(
  env: Bindings,
  user: AuthUser,
  input: {
    projectId: string;
    name: string;
    provider: 'upayments' | 'stripe';
    method: 'knet' | 'card' | null;
    idempotencyKey: string;
    contacts: DomainContacts | null;
  },
) {
  return rpc<{ domain: DbDomain; payment: DbPayment; replayed: boolean }>(
    env,
    'request_domain_registration',
    {
      p_project_id: input.projectId,
      p_name: input.name,
      p_provider: input.provider,
      p_method: input.method,
      p_idempotency_key: input.idempotencyKey,
      p_contacts: input.contacts,
    },
    user,
  );
}

export function attachDomain(env: Bindings, user: AuthUser, input: { projectId: string; name: string; displayName: string }) {
  return rpc<DbDomain>(
    env,
    'attach_domain',
    { p_project_id: input.projectId, p_name: input.name, p_display_name: input.displayName },
    user,
  );
}

export function projectDomains(env: Bindings, user: AuthUser, projectId: string) {
  return rpc<DbDomain[]>(env, 'project_domains', { p_project_id: projectId }, user);
}

/** The registrant of the owner's latest registration (their own details), or null. */
export function ownerDomainContacts(env: Bindings, user: AuthUser) {
  return rpc<DomainContactInput | null>(env, 'my_domain_contacts', {}, user);
}

export function markVerified(env: Bindings, domainId: string, token: string) {
  return rpc<DbDomain>(env, 'mark_domain_verified', { p_domain_id: domainId, p_token: token }, 'service');
}

/** set_payment_checkout (billing): the provider's reference and page, first values kept. */
export function setPaymentCheckout(env: Bindings, paymentId: string, providerRef: string | null, checkoutUrl: string) {
  return rpc<{ checkout_url: string | null; expires_at: string }>(
    env,
    'set_payment_checkout',
    { p_payment_id: paymentId, p_provider_ref: providerRef, p_checkout_url: checkoutUrl },
    'service',
  );
}

export function claimRegistrations(env: Bindings, options: { limit?: number; domainId?: string } = {}) {
  return rpc<ClaimedRegistration[]>(
    env,
    'claim_domain_registrations',
    { p_limit: options.limit ?? 5, p_domain_id: options.domainId ?? null },
    'service',
  );
}

export function completeRegistration(
  env: Bindings,
  domainId: string,
  result: { domainId?: string; orderId?: string; transactionId?: string; chargedUsdCents?: number },
) {
  return rpc<DbDomain>(
    env,
    'complete_domain_registration',
    {
      p_domain_id: domainId,
      p_namecheap_domain_id: result.domainId || null,
      p_order_id: result.orderId || null,
      p_transaction_id: result.transactionId || null,
      p_charged_usd_cents: result.chargedUsdCents ?? null,
    },
    'service',
  );
}

export function recordAttempt(env: Bindings, domainId: string, error: string, uncertain: boolean) {
  return rpc<DbDomain>(env, 'record_domain_attempt', { p_domain_id: domainId, p_error: error, p_uncertain: uncertain }, 'service');
}

export function failRegistration(env: Bindings, domainId: string, reason: string) {
  return rpc<DbDomain>(env, 'fail_domain_registration', { p_domain_id: domainId, p_reason: reason }, 'service');
}
