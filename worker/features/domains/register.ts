/**
 * Registration of paid domains with `namecheap.domains.create`, run by the cron job
 * (`domains.register`: every due registration) or for one domain (`registerDomain`, e.g. for the
 * outbox's `domain.register` row). Each attempt is claimed under a lease in SQL, so overlapping
 * runs never send one name twice at once, and ends in one of:
 * - active: Namecheap registered it;
 * - failed (payment flagged for a refund): Namecheap refused for good (name taken, invalid, price
 *   changed), or it stayed unreachable for MAX_ATTEMPTS attempts;
 * - retry with backoff: Namecheap down, slow, or refusing our credentials or IP (ours to fix).
 * Namecheap's "domain not available" (3019166) after an attempt whose outcome we never learned
 * (a timeout, a crash) means our earlier call registered it, so that one completes the domain.
 */
import type { Bindings } from '../../env';
import { createLogger, type Logger } from '../../log/logger';
import { ProviderError } from '../../providers/http';
import { createDomain, namecheapErrorReason, type NamecheapConfig } from '../../providers/namecheap/client';
import { claimRegistrations, completeRegistration, failRegistration, recordAttempt, type ClaimedRegistration } from './db';
import { domainSettings } from './settings';

/** Registration waits on Namecheap's registry call; longer than a search. */
export const CREATE_TIMEOUT_MS = 20_000;
/** With the SQL backoff (2, 4, 8 … minutes), about four hours of trying. */
export const MAX_ATTEMPTS = 8;

export type RegistrationOutcome = 'active' | 'failed' | 'retry';

/** Namecheap needs the language of an IDN; the names we accept are ASCII or Arabic. */
const idnCode = (name: string) => (name.split('.').some((label) => label.startsWith('xn--')) ? 'ara' : undefined);

async function attempt(env: Bindings, config: NamecheapConfig, claimed: ClaimedRegistration, log: Logger): Promise<RegistrationOutcome> {
  const fail = async (reason: string) => {
    await failRegistration(env, claimed.id, reason);
    log.warn('domains.registration_failed', { domainId: claimed.id, reason });
    return 'failed' as const;
  };
  try {
    const result = await createDomain(
      config,
      {
        name: claimed.name,
        years: claimed.years,
        contacts: claimed.contacts,
        premiumPriceUsdCents: claimed.premium ? claimed.provider_price_usd_cents : undefined,
        idnCode: idnCode(claimed.name),
      },
      { timeoutMs: CREATE_TIMEOUT_MS },
    );
    if (!result.registered) return await fail('not_registered');
    await completeRegistration(env, claimed.id, {
      domainId: result.domainId,
      orderId: result.orderId,
      transactionId: result.transactionId,
      chargedUsdCents: result.chargedAmountUsdCents,
    });
    log.info('domains.registered', { domainId: claimed.id, orderId: result.orderId });
    return 'active';
  } catch (error) {
    if (error instanceof TypeError) return await fail('invalid_contacts');
    if (!(error instanceof ProviderError)) throw error;
    if (error.kind === 'rejected') {
      const reason = namecheapErrorReason(error.code);
      if (reason === 'domain_unavailable') {
        if (!claimed.create_uncertain) return await fail('domain_taken');
        await completeRegistration(env, claimed.id, {});
        log.warn('domains.registered_earlier', { domainId: claimed.id, number: error.code });
        return 'active';
      }
      if (reason === 'invalid_request' || reason === 'price_changed') return await fail(reason);
    }
    if (claimed.registration_attempts >= MAX_ATTEMPTS) return await fail('provider_unavailable');
    const uncertain =
      error.kind === 'timeout' || error.kind === 'malformed' || (error.kind === 'unavailable' && error.status !== undefined);
    await recordAttempt(env, claimed.id, error.message, uncertain);
    log.warn('domains.registration_retry', {
      domainId: claimed.id,
      kind: error.kind,
      number: error.code,
      attempt: claimed.registration_attempts,
    });
    return 'retry';
  }
}

/** Registers one paid domain if its registration is due; null when it is not (or Namecheap is not configured). */
export async function registerDomain(env: Bindings, domainId: string): Promise<RegistrationOutcome | null> {
  const config = domainSettings(env).namecheap;
  if (!config) return null;
  const [claimed] = await claimRegistrations(env, { domainId, limit: 1 });
  return claimed ? attempt(env, config, claimed, createLogger('domains.register')) : null;
}

/** The cron job: every due registration, a few at a time. */
export async function runDomainRegistrations(env: Bindings): Promise<Record<RegistrationOutcome, number> | { skipped: string }> {
  const config = domainSettings(env).namecheap;
  if (!config) return { skipped: 'namecheap not configured' };
  const log = createLogger('domains.register');
  const outcomes = await Promise.all((await claimRegistrations(env, { limit: 5 })).map((claimed) => attempt(env, config, claimed, log)));
  return {
    active: outcomes.filter((outcome) => outcome === 'active').length,
    failed: outcomes.filter((outcome) => outcome === 'failed').length,
    retry: outcomes.filter((outcome) => outcome === 'retry').length,
  };
}
