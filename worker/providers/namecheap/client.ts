/**
 * Namecheap's XML API: domain availability (namecheap.domains.check) and registration
 * (namecheap.domains.create). Namecheap answers only a whitelisted static IPv4, which Workers do
 * not have, so when NAMECHEAP_RELAY_URL is set every call goes there instead: the relay, on a
 * whitelisted IP, forwards the request unchanged (method, query, body) to Namecheap and returns
 * the answer unchanged. `<ApiResponse Status="ERROR">` becomes ProviderError `rejected` whose
 * `code` is Namecheap's error number; see namecheapErrorReason for what the numbers mean.
 */
import { fetchWithTimeout, ProviderError } from '../http';
import { childElement, childElements, parseXml, XmlError, type XmlElement } from './xml';

/** Production; Namecheap's sandbox is https://api.sandbox.namecheap.com/xml.response (its own account and key). */
export const DEFAULT_NAMECHEAP_API_URL = 'https://api.namecheap.com/xml.response';

export interface NamecheapConfig {
  apiUser: string;
  apiKey: string;
  /** The account acted on; usually the same as apiUser. */
  username: string;
  /** The whitelisted IPv4 (the relay's when a relay is used). */
  clientIp: string;
  /** NAMECHEAP_API_URL; default production (DEFAULT_NAMECHEAP_API_URL). */
  apiUrl?: string;
  /** NAMECHEAP_RELAY_URL; used instead of apiUrl when set. */
  relayUrl?: string;
  /** Registration price per TLD (`com`, `net`) in US cents, for names that are not premium. */
  basePricesUsdCents?: Record<string, number>;
}

export interface NamecheapOptions {
  fetch?: typeof fetch;
  /** Default 8 000 ms: a slow Namecheap must become a clear error, never a hang. */
  timeoutMs?: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The config from env, or null when no API user and key are set (domains not in use). */
export function namecheapConfigFromEnv(env: {
  NAMECHEAP_API_USER?: string;
  NAMECHEAP_API_KEY?: string;
  NAMECHEAP_USERNAME?: string;
  NAMECHEAP_CLIENT_IP?: string;
  NAMECHEAP_API_URL?: string;
  NAMECHEAP_RELAY_URL?: string;
}): NamecheapConfig | null {
  if (!env.NAMECHEAP_API_USER || !env.NAMECHEAP_API_KEY) return null;
  if (!IPV4.test(env.NAMECHEAP_CLIENT_IP ?? '')) throw new TypeError('NAMECHEAP_CLIENT_IP must be the whitelisted IPv4 address');
  for (const name of ['NAMECHEAP_API_URL', 'NAMECHEAP_RELAY_URL'] as const) {
    if (env[name] && !/^https?:\/\//.test(env[name])) throw new TypeError(`${name} must be an http(s) URL`);
  }
  return {
    apiUser: env.NAMECHEAP_API_USER,
    apiKey: env.NAMECHEAP_API_KEY,
    username: env.NAMECHEAP_USERNAME || env.NAMECHEAP_API_USER,
    clientIp: env.NAMECHEAP_CLIENT_IP!,
    apiUrl: env.NAMECHEAP_API_URL || undefined,
    relayUrl: env.NAMECHEAP_RELAY_URL || undefined,
  };
}

export type NamecheapErrorReason =
  | 'ip_not_whitelisted'
  | 'client_ip_missing'
  | 'unauthorized'
  | 'domain_unavailable'
  | 'invalid_request'
  | 'price_changed'
  | 'provider_error'
  | 'unknown';

/** Namecheap's documented error numbers (global ones and those of check and create), by meaning. */
const REASONS: Record<string, NamecheapErrorReason> = {
  '1011150': 'ip_not_whitelisted',
  '1017150': 'ip_not_whitelisted',
  '1017105': 'ip_not_whitelisted',
  '1010105': 'client_ip_missing',
  '1011105': 'client_ip_missing',
  '1010101': 'unauthorized',
  '1010102': 'unauthorized',
  '1011102': 'unauthorized',
  '1016103': 'unauthorized',
  '1017101': 'unauthorized',
  '1017103': 'unauthorized',
  '1019103': 'unauthorized',
  '1030408': 'unauthorized',
  '1050900': 'unauthorized',
  '3019166': 'domain_unavailable',
  '4019166': 'domain_unavailable',
  '2515610': 'price_changed',
  '2515623': 'price_changed',
  '2015182': 'invalid_request',
  '2010323': 'invalid_request',
  '2010324': 'invalid_request',
  '2010325': 'invalid_request',
  '2010326': 'invalid_request',
  '2011280': 'invalid_request',
  '2015167': 'invalid_request',
  '2030280': 'invalid_request',
  '3031510': 'provider_error',
  '3011511': 'provider_error',
  '3028166': 'provider_error',
  '3031166': 'provider_error',
  '3031900': 'provider_error',
  '3050900': 'provider_error',
  '5050900': 'provider_error',
};

export function namecheapErrorReason(code: string | undefined): NamecheapErrorReason {
  return (code !== undefined && REASONS[code]) || 'unknown';
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{4,253}$)(?:${LABEL}\\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$`);

/** ASCII (punycode) names in lower case; the caller normalises what people type. */
function checkDomainName(name: string): string {
  if (typeof name !== 'string' || !DOMAIN.test(name))
    throw new TypeError('invalid domain name (expected lower-case ASCII or punycode, e.g. example.com)');
  return name;
}

/** A Namecheap money string ("13000.0000") in US cents, rounded up to the next cent. */
function usdCents(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const match = /^(\d{1,9})(?:\.(\d{1,8}))?$/.exec(value);
  if (!match) throw new ProviderError('namecheap', 'malformed', 'price is not a decimal amount');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const roundUp = /[1-9]/.test(fraction.slice(2)) ? 1 : 0;
  return Number(match[1]) * 100 + Number(fraction.slice(0, 2)) + roundUp;
}

function flag(element: XmlElement, attribute: string, fallback?: boolean): boolean {
  const value = element.attributes[attribute]?.toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === undefined && fallback !== undefined) return fallback;
  throw new ProviderError('namecheap', 'malformed', `${element.name} has no true/false ${attribute}`);
}

/** One call; resolves to the CommandResponse element of an `OK` answer. */
async function call(
  config: NamecheapConfig,
  command: string,
  params: Record<string, string>,
  method: 'GET' | 'POST',
  options: NamecheapOptions,
): Promise<XmlElement> {
  const query = new URLSearchParams({
    ApiUser: config.apiUser,
    ApiKey: config.apiKey,
    UserName: config.username,
    ClientIp: config.clientIp,
    Command: command,
    ...params,
  }).toString();
  const base = config.relayUrl || config.apiUrl || DEFAULT_NAMECHEAP_API_URL;
  const response = await fetchWithTimeout(
    'namecheap',
    method === 'GET' ? `${base}${base.includes('?') ? '&' : '?'}${query}` : base,
    method === 'GET' ? { method } : { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: query },
    { timeoutMs: options.timeoutMs ?? 8_000, fetch: options.fetch },
  );
  const { status } = response;
  if (status >= 500 || status === 408 || status === 429)
    throw new ProviderError('namecheap', 'unavailable', `answered ${status}`, { status });
  const text = await response.text();
  let root: XmlElement | undefined;
  try {
    root = text.length <= 1_000_000 ? parseXml(text) : undefined;
  } catch (error) {
    if (!(error instanceof XmlError)) throw error;
  }
  if (!root || root.name !== 'ApiResponse') {
    if (!response.ok) throw new ProviderError('namecheap', 'rejected', `answered ${status}`, { status });
    throw new ProviderError('namecheap', 'malformed', 'answer is not a Namecheap ApiResponse', { status });
  }
  const outcome = root.attributes.Status?.toUpperCase();
  if (outcome === 'ERROR') {
    const error = childElements(childElement(root, 'Errors') ?? root, 'Error')[0];
    const number = error?.attributes.Number;
    if (!error || !number) throw new ProviderError('namecheap', 'malformed', 'ERROR answer without an Error Number', { status });
    throw new ProviderError('namecheap', 'rejected', `error ${number}: ${error.text.trim().slice(0, 200)}`, { status, code: number });
  }
  const commandResponse = childElement(root, 'CommandResponse');
  if (outcome !== 'OK' || !commandResponse || !response.ok)
    throw new ProviderError('namecheap', 'malformed', `answer with Status=${outcome ?? 'none'} and no CommandResponse`, { status });
  return commandResponse;
}

export interface DomainAvailability {
  domain: string;
  available: boolean;
  premium: boolean;
  /**
   * What Namecheap charges for one year in US cents: the premium registration price, or the
   * configured base price of the TLD, plus any ICANN and early-access fees. Null when the name
   * is not available or no base price is configured for its TLD.
   */
  priceUsdCents: number | null;
  /** Namecheap's per-name error number when it could not check this name, else null. */
  errorNo: string | null;
}

/** namecheap.domains.check for up to 50 names in one call. */
export async function checkDomains(
  config: NamecheapConfig,
  names: string[],
  options: NamecheapOptions = {},
): Promise<DomainAvailability[]> {
  if (!Array.isArray(names) || names.length < 1 || names.length > 50) throw new TypeError('check 1 to 50 domain names');
  const list = names.map(checkDomainName);
  const response = await call(config, 'namecheap.domains.check', { DomainList: list.join(',') }, 'GET', options);
  return childElements(response, 'DomainCheckResult').map((result) => {
    const domain = result.attributes.Domain?.toLowerCase();
    if (!domain) throw new ProviderError('namecheap', 'malformed', 'DomainCheckResult without Domain');
    const errorNo = result.attributes.ErrorNo && result.attributes.ErrorNo !== '0' ? result.attributes.ErrorNo : null;
    const available = errorNo === null && flag(result, 'Available');
    const premium = flag(result, 'IsPremiumName', false);
    const fees = usdCents(result.attributes.IcannFee) + usdCents(result.attributes.EapFee);
    const tld = domain.slice(domain.lastIndexOf('.') + 1);
    const base = premium ? usdCents(result.attributes.PremiumRegistrationPrice) : config.basePricesUsdCents?.[tld];
    return { domain, available, premium, priceUsdCents: available && base !== undefined ? base + fees : null, errorNo };
  });
}

export interface DomainContact {
  firstName: string;
  lastName: string;
  organizationName?: string;
  jobTitle?: string;
  address1: string;
  address2?: string;
  city: string;
  stateProvince: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, e.g. KW. */
  country: string;
  /** +NNN.NNNNNNNNNN, e.g. +965.55551234. */
  phone: string;
  email: string;
}

export interface CreateDomainInput {
  name: string;
  years: number;
  contacts: Record<'registrant' | 'tech' | 'admin' | 'auxBilling', DomainContact>;
  /** For a premium name: the price domains.check returned, which Namecheap checks again. */
  premiumPriceUsdCents?: number;
  /** Namecheap's language code, required for IDN (punycode) names, e.g. `ara` for Arabic. */
  idnCode?: string;
}

export interface DomainRegistration {
  domain: string;
  registered: boolean;
  chargedAmountUsdCents: number;
  domainId: string;
  orderId: string;
  transactionId: string;
}

const CONTACT_FIELDS: Array<[keyof DomainContact, string, RegExp]> = [
  ['firstName', 'FirstName', /^.{1,255}$/],
  ['lastName', 'LastName', /^.{1,255}$/],
  ['organizationName', 'OrganizationName', /^.{0,255}$/],
  ['jobTitle', 'JobTitle', /^.{0,255}$/],
  ['address1', 'Address1', /^.{1,255}$/],
  ['address2', 'Address2', /^.{0,255}$/],
  ['city', 'City', /^.{1,50}$/],
  ['stateProvince', 'StateProvince', /^.{1,50}$/],
  ['postalCode', 'PostalCode', /^.{1,50}$/],
  ['country', 'Country', /^[A-Z]{2}$/],
  ['phone', 'Phone', /^\+\d{1,3}\.\d{4,14}$/],
  ['email', 'EmailAddress', /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/],
];
const OPTIONAL_FIELDS = new Set<keyof DomainContact>(['organizationName', 'jobTitle', 'address2']);
const ROLES = [
  ['registrant', 'Registrant'],
  ['tech', 'Tech'],
  ['admin', 'Admin'],
  ['auxBilling', 'AuxBilling'],
] as const;

/** The Registrant*, Tech*, Admin* and AuxBilling* parameters; names failing fields, never values. */
function contactParams(contacts: CreateDomainInput['contacts']): Record<string, string> {
  const params: Record<string, string> = {};
  const problems: string[] = [];
  for (const [role, prefix] of ROLES) {
    const contact = contacts?.[role];
    for (const [field, param, pattern] of CONTACT_FIELDS) {
      const value = contact?.[field];
      if (value === undefined && OPTIONAL_FIELDS.has(field)) continue;
      if (
        typeof value !== 'string' ||
        !pattern.test(value) ||
        /[\r\n]/.test(value) ||
        (!OPTIONAL_FIELDS.has(field) && value.trim() === '')
      ) {
        problems.push(`${role}.${field}`);
        continue;
      }
      params[`${prefix}${param}`] = value;
    }
  }
  if (problems.length > 0) throw new TypeError(`invalid domain contacts: ${problems.join(', ')}`);
  return params;
}

/** namecheap.domains.create (POST, as Namecheap recommends for its many parameters). */
export async function createDomain(
  config: NamecheapConfig,
  input: CreateDomainInput,
  options: NamecheapOptions = {},
): Promise<DomainRegistration> {
  const name = checkDomainName(input.name);
  if (!Number.isInteger(input.years) || input.years < 1 || input.years > 10) throw new TypeError('years must be an integer from 1 to 10');
  const premium = input.premiumPriceUsdCents;
  if (premium !== undefined && (!Number.isInteger(premium) || premium <= 0))
    throw new TypeError('premiumPriceUsdCents must be a positive integer');
  if (input.idnCode !== undefined && !/^[a-z]{3}$/i.test(input.idnCode))
    throw new TypeError('idnCode must be a three-letter language code');
  const params: Record<string, string> = {
    DomainName: name,
    Years: String(input.years),
    ...contactParams(input.contacts),
    ...(premium === undefined ? {} : { IsPremiumDomain: 'True', PremiumPrice: (premium / 100).toFixed(2) }),
    ...(input.idnCode === undefined ? {} : { IdnCode: input.idnCode }),
  };
  const response = await call(config, 'namecheap.domains.create', params, 'POST', options);
  const result = childElement(response, 'DomainCreateResult');
  if (!result?.attributes.Domain) throw new ProviderError('namecheap', 'malformed', 'create answer without DomainCreateResult');
  const { attributes } = result;
  return {
    domain: attributes.Domain!.toLowerCase(),
    registered: flag(result, 'Registered'),
    chargedAmountUsdCents: usdCents(attributes.ChargedAmount),
    domainId: attributes.DomainID ?? '',
    orderId: attributes.OrderID ?? '',
    transactionId: attributes.TransactionID ?? '',
  };
}
