/**
 * The domain settings, read from the environment once per isolate: the Namecheap account (null
 * when none is configured: domains then answer DOM_002), the TLDs we sell with Namecheap's yearly
 * price for each, how we price in fils, the CNAME target for attached domains and the DNS-over-HTTPS
 * resolver. Values that do not parse fall back to the defaults below and are reported once
 * (`problems`), so a typo cannot take the rest of the API down.
 */
import type { Bindings } from '../../env';
import { createLogger } from '../../log/logger';
import { namecheapConfigFromEnv, type NamecheapConfig } from '../../providers/namecheap/client';

export interface DomainSettings {
  namecheap: NamecheapConfig | null;
  /** Sold TLDs with Namecheap's yearly price of a regular name in US cents (DOMAIN_TLDS, DOMAIN_PRICES_USD_CENTS). */
  pricesUsdCents: ReadonlyMap<string, number>;
  /** DOMAIN_FILS_PER_USD: the exchange rate we charge at, in fils per US dollar. */
  filsPerUsd: number;
  /** DOMAIN_PRICE_MARGIN_PERCENT: our margin over Namecheap's price. */
  marginPercent: number;
  /** SITES_CNAME_TARGET: where an attached domain's CNAME points. */
  cnameTarget: string;
  /** DOH_URL: a resolver speaking the DNS JSON API. */
  dohUrl: string;
  /** What was ignored, for the log. */
  problems: string[];
}

export const DEFAULT_TLDS = 'com,net';
/** Namecheap's list prices when this was written; set DOMAIN_PRICES_USD_CENTS to follow theirs. */
export const DEFAULT_PRICES_USD_CENTS = 'com:1128,net:1398';
export const DEFAULT_FILS_PER_USD = 310;
export const DEFAULT_MARGIN_PERCENT = 20;
export const DEFAULT_CNAME_TARGET = 'sites.kwq8.com';
export const DEFAULT_DOH_URL = 'https://cloudflare-dns.com/dns-query';

function integer(value: string | undefined, fallback: number, min: number, max: number, name: string, problems: string[]): number {
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (Number.isInteger(number) && number >= min && number <= max) return number;
  problems.push(`${name} must be a whole number from ${min} to ${max}`);
  return fallback;
}

function prices(env: Bindings, problems: string[]): Map<string, number> {
  const listed = new Map<string, number>();
  for (const entry of (env.DOMAIN_PRICES_USD_CENTS || DEFAULT_PRICES_USD_CENTS).split(',')) {
    const match = /^\s*([a-z]{2,63})\s*:\s*(\d{1,7})\s*$/.exec(entry);
    if (match && Number(match[2]) > 0) listed.set(match[1]!, Number(match[2]));
    else problems.push('DOMAIN_PRICES_USD_CENTS entries must look like com:1128');
  }
  const sold = new Map<string, number>();
  for (const tld of (env.DOMAIN_TLDS || DEFAULT_TLDS).split(',').map((entry) => entry.trim().toLowerCase())) {
    const price = listed.get(tld);
    if (price) sold.set(tld, price);
    else problems.push(`DOMAIN_TLDS: ${tld || '(empty)'} has no price in DOMAIN_PRICES_USD_CENTS and is not offered`);
  }
  return sold;
}

function url(value: string | undefined, fallback: string, name: string, problems: string[]): string {
  if (!value) return fallback;
  if (/^https?:\/\/[^\s]+$/.test(value)) return value;
  problems.push(`${name} must be an http(s) URL`);
  return fallback;
}

function readSettings(env: Bindings): DomainSettings {
  const problems: string[] = [];
  let namecheap: NamecheapConfig | null = null;
  try {
    namecheap = namecheapConfigFromEnv(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const pricesUsdCents = prices(env, problems);
  if (namecheap) namecheap = { ...namecheap, basePricesUsdCents: Object.fromEntries(pricesUsdCents) };
  const target = env.SITES_CNAME_TARGET?.trim().toLowerCase();
  const validTarget = target && /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(target);
  if (target && !validTarget) problems.push('SITES_CNAME_TARGET must be a host name');
  return {
    namecheap,
    pricesUsdCents,
    filsPerUsd: integer(env.DOMAIN_FILS_PER_USD, DEFAULT_FILS_PER_USD, 1, 100_000, 'DOMAIN_FILS_PER_USD', problems),
    marginPercent: integer(env.DOMAIN_PRICE_MARGIN_PERCENT, DEFAULT_MARGIN_PERCENT, 0, 1000, 'DOMAIN_PRICE_MARGIN_PERCENT', problems),
    cnameTarget: validTarget ? target : DEFAULT_CNAME_TARGET,
    dohUrl: url(env.DOH_URL, DEFAULT_DOH_URL, 'DOH_URL', problems),
    problems,
  };
}

const cache = new WeakMap<object, DomainSettings>();

export function domainSettings(env: Bindings): DomainSettings {
  let settings = cache.get(env);
  if (!settings) {
    settings = readSettings(env);
    cache.set(env, settings);
    if (settings.problems.length) createLogger('domains').warn('domains.settings_ignored', { problems: settings.problems });
  }
  return settings;
}

/**
 * Our price in fils for Namecheap's price in US cents: converted at filsPerUsd, plus the margin,
 * rounded up to the next 10 fils (Stripe takes KWD only in tens of fils). Integer arithmetic only.
 */
export function priceFils(usdCents: number, settings: Pick<DomainSettings, 'filsPerUsd' | 'marginPercent'>): number {
  if (!Number.isSafeInteger(usdCents) || usdCents <= 0) throw new RangeError('usdCents must be a positive integer');
  const scaled = usdCents * settings.filsPerUsd * (100 + settings.marginPercent);
  if (!Number.isSafeInteger(scaled)) throw new RangeError('price too large');
  // cents → dollars (100), percent (100), tens of fils (10)
  return Math.ceil(scaled / 100_000) * 10;
}
