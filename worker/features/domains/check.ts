/**
 * Domain search: a typed name normalised (shared/domain-name.ts), checked with Namecheap
 * (`namecheap.domains.check`, through the relay when one is configured) and priced in fils. An
 * available name's price is recorded as a quote (15 minutes), which is what a purchase then
 * charges. Answers are kept for 60 seconds per isolate. Namecheap's failures become DOM_ codes;
 * why (IP not whitelisted, credentials, timeouts) goes to the log only.
 */
import { parseDomainName, type DomainName } from '../../../shared/domain-name';
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import { ProviderError } from '../../providers/http';
import { checkDomains, namecheapErrorReason, type NamecheapConfig } from '../../providers/namecheap/client';
import { quoteDomain } from './db';
import { domainSettings, priceFils, type DomainSettings } from './settings';

/** A person is waiting: a slow Namecheap becomes DOM_002 after this long. */
export const CHECK_TIMEOUT_MS = 5_000;
const CACHE_MS = 60_000;
const CACHE_ENTRIES = 500;

export type CheckAnswer =
  | { name: string; displayName: string; supported: false; reason: 'contact_us' | 'unsupported_tld'; tlds: string[] }
  | {
      name: string;
      displayName: string;
      supported: true;
      available: boolean;
      premium: boolean;
      /** Our price for one year; null when the name cannot be sold. */
      price: { amountFils: number; currency: 'KWD' } | null;
    };

const answers = new Map<string, { answer: CheckAnswer; until: number }>();

/** The typed name in both forms; REQ_004 (field `name`) when it is not a name, DOM_003 for scripts and TLDs we cannot register. */
export function requestedName(input: string): DomainName {
  const parsed = parseDomainName(input);
  if (parsed.ok) return parsed.name;
  if (parsed.problem === 'invalid') throw new AppError('REQ_004', { fields: ['name'] });
  throw new AppError('DOM_003');
}

/** The Namecheap account, or DOM_002 when none is configured. */
export function namecheapOf(settings: DomainSettings): NamecheapConfig {
  if (!settings.namecheap) throw new AppError('DOM_002', { cause: { reason: 'namecheap_not_configured' } });
  return settings.namecheap;
}

/** What a failed Namecheap call means for the caller; the details stay in the error's cause (logged for 5xx). */
export function namecheapFailure(error: unknown): AppError {
  if (!(error instanceof ProviderError)) throw error;
  const reason = error.kind === 'rejected' ? namecheapErrorReason(error.code) : error.kind;
  const code =
    reason === 'domain_unavailable'
      ? 'DOM_001'
      : reason === 'invalid_request'
        ? 'DOM_003'
        : reason === 'price_changed'
          ? 'DOM_007'
          : 'DOM_002';
  return new AppError(code, { cause: { provider: 'namecheap', kind: error.kind, reason, number: error.code, message: error.message } });
}

function remember(key: string, answer: CheckAnswer, now: number) {
  if (answers.size >= CACHE_ENTRIES) answers.delete(answers.keys().next().value!);
  answers.set(key, { answer, until: now + CACHE_MS });
}

export async function checkDomain(env: Bindings, input: string): Promise<CheckAnswer> {
  const name = requestedName(input);
  const settings = domainSettings(env);
  const base = { name: name.ascii, displayName: name.display };
  if (!settings.pricesUsdCents.has(name.tld)) {
    const reason = name.tld === 'kw' ? 'contact_us' : 'unsupported_tld';
    return { ...base, supported: false, reason, tlds: [...settings.pricesUsdCents.keys()] };
  }
  const config = namecheapOf(settings);
  const key = `${config.relayUrl ?? config.apiUrl ?? ''} ${name.ascii}`;
  const now = Date.now();
  const cached = answers.get(key);
  if (cached && cached.until > now) return cached.answer;

  let result;
  try {
    [result] = await checkDomains(config, [name.ascii], { timeoutMs: CHECK_TIMEOUT_MS });
  } catch (error) {
    throw namecheapFailure(error);
  }
  if (result?.domain !== name.ascii) {
    throw new AppError('DOM_002', { cause: { provider: 'namecheap', kind: 'malformed', message: 'answer about another name' } });
  }
  let amountFils: number | null = null;
  if (result.available && result.priceUsdCents) {
    try {
      amountFils = priceFils(result.priceUsdCents, settings);
    } catch {
      amountFils = null;
    }
  }
  if (amountFils !== null) {
    await quoteDomain(env, {
      name: name.ascii,
      displayName: name.display,
      premium: result.premium,
      providerPriceUsdCents: result.priceUsdCents!,
      priceFils: amountFils,
    });
  }
  const answer: CheckAnswer = {
    ...base,
    supported: true,
    available: result.available,
    premium: result.premium,
    price: amountFils === null ? null : { amountFils, currency: 'KWD' },
  };
  remember(key, answer, now);
  return answer;
}
