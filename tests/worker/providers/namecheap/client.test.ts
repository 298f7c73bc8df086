/**
 * Namecheap domain check and registration against the fake Namecheap (tests/fakes/namecheap.ts),
 * which answers with the documented XML shapes chosen by the name's first label; see its header.
 */
import { describe, expect, inject, it } from 'vitest';
import { ProviderError } from '../../../../worker/providers/http';
import {
  checkDomains,
  createDomain,
  DEFAULT_NAMECHEAP_API_URL,
  namecheapConfigFromEnv,
  namecheapErrorReason,
  type CreateDomainInput,
  type DomainContact,
  type NamecheapConfig,
} from '../../../../worker/providers/namecheap/client';
import type { FakeNamecheapRequest } from '../../../fakes/records';

const fake = inject('namecheapFake');
const config: NamecheapConfig = {
  apiUser: fake.apiUser,
  apiKey: fake.apiKey,
  username: fake.username,
  clientIp: fake.clientIp,
  apiUrl: fake.apiUrl,
  basePricesUsdCents: { com: 1128, net: 1398 },
};

/** A name no other test uses, with the fake's selector prefix. */
const name = (prefix = '', tld = 'com') => `${prefix}kwq8-${crypto.randomUUID().slice(0, 8)}.${tld}`;

async function requests(): Promise<FakeNamecheapRequest[]> {
  return (await fetch(`${fake.url}/__control/requests`)).json();
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('checkDomains', () => {
  it('reads available, taken and premium names from one call, with their prices', async () => {
    const [free, taken, premium, net] = [name(), name('taken-'), name('premium-'), name('', 'net')];
    expect(await checkDomains(config, [free, taken, premium, net])).toEqual([
      { domain: free, available: true, premium: false, priceUsdCents: 1128, errorNo: null },
      { domain: taken, available: false, premium: false, priceUsdCents: null, errorNo: null },
      { domain: premium, available: true, premium: true, priceUsdCents: 125_000, errorNo: null },
      { domain: net, available: true, premium: false, priceUsdCents: 1398, errorNo: null },
    ]);
    const [request] = (await requests()).filter((entry) => entry.domains.includes(free));
    expect(request).toMatchObject({
      via: 'api',
      method: 'GET',
      command: 'namecheap.domains.check',
      domains: [free, taken, premium, net],
      clientIp: fake.clientIp,
    });
  });

  it('has no price for a TLD without a configured base price', async () => {
    const [result] = await checkDomains({ ...config, basePricesUsdCents: undefined }, [name()]);
    expect(result).toMatchObject({ available: true, priceUsdCents: null });
  });

  it('goes through the relay when one is configured, never to the API URL', async () => {
    const domain = name();
    const relayed = { ...config, apiUrl: 'http://127.0.0.1:9/xml.response', relayUrl: fake.relayUrl };
    expect(await checkDomains(relayed, [domain])).toMatchObject([{ domain, available: true }]);
    expect((await requests()).filter((entry) => entry.domains.includes(domain)).map((entry) => entry.via)).toEqual(['relay']);
  });

  it.each([
    ['1011150', 'ip_not_whitelisted'],
    ['1010105', 'client_ip_missing'],
    ['1011105', 'client_ip_missing'],
    ['1016103', 'unauthorized'],
    ['3031510', 'provider_error'],
    ['3011511', 'provider_error'],
    ['2011169', 'unknown'],
  ])('maps Status="ERROR" with Error Number %s to a rejected error keeping the number (%s)', async (number, reason) => {
    const error = await providerError(checkDomains(config, [name(`err${number}-`), name()]));
    expect(error).toMatchObject({ kind: 'rejected', code: number, retryable: false });
    expect(namecheapErrorReason(error.code)).toBe(reason);
  });

  it.each<[string, Partial<NamecheapConfig>, string]>([
    ['a wrong API key', { apiKey: 'wrong-key' }, '1011102'],
    ['a ClientIp that is not whitelisted', { clientIp: '198.51.100.7' }, '1011150'],
    ['no ClientIp', { clientIp: '' }, '1010105'],
    ['a UserName the key may not act for', { username: 'someone-else' }, '1016103'],
  ])('is refused by Namecheap for %s', async (_why, change, number) => {
    const error = await providerError(checkDomains({ ...config, ...change }, [name()]));
    expect(error).toMatchObject({ kind: 'rejected', code: number });
    expect(error.message).not.toContain(config.apiKey);
  });

  it('reports a truncated XML body as malformed', async () => {
    expect(await providerError(checkDomains(config, [name('malformed-')]))).toMatchObject({ kind: 'malformed', retryable: true });
  });

  it('reports a 503 HTML page from the way there as unavailable', async () => {
    expect(await providerError(checkDomains(config, [name('http503-')]))).toMatchObject({ kind: 'unavailable', status: 503 });
  });

  it('gives up on a slow Namecheap with a timeout error instead of waiting', async () => {
    expect(await providerError(checkDomains(config, [name('slow-')], { timeoutMs: 300 }))).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
  });

  it.each([
    ['no names', []],
    ['51 names', Array.from({ length: 51 }, () => 'a-name.com')],
    ['a name with a comma', ['a.com,b.com']],
    ['a name with spaces', ['my name.com']],
    ['an IDN not in punycode', ['مثال.com']],
    ['a bare TLD', ['com']],
  ])('refuses %s before calling Namecheap', async (_why, names) => {
    const before = (await requests()).length;
    await expect(checkDomains(config, names)).rejects.toThrow(TypeError);
    expect((await requests()).length).toBe(before);
  });

  it('accepts punycode names', async () => {
    const domain = `xn--mgbh0fb-${crypto.randomUUID().slice(0, 6)}.com`;
    expect(await checkDomains(config, [domain])).toMatchObject([{ domain, available: true }]);
  });
});

const contact: DomainContact = {
  firstName: 'Noura',
  lastName: 'Al-Sabah',
  address1: 'Block 3, Street 14, House 7',
  city: 'Kuwait City',
  stateProvince: 'Al Asimah',
  postalCode: '13001',
  country: 'KW',
  phone: '+965.55551234',
  email: 'noura@example.com',
};
const contacts = { registrant: contact, tech: contact, admin: contact, auxBilling: contact };

describe('createDomain', () => {
  it('registers a name (POST), which is then taken', async () => {
    const domain = name();
    const registration = await createDomain(config, { name: domain, years: 1, contacts });
    expect(registration).toMatchObject({ domain, registered: true, chargedAmountUsdCents: 1128 });
    expect(registration.domainId).toMatch(/^\d+$/);
    expect(registration.orderId).toMatch(/^\d+$/);
    expect(registration.transactionId).toMatch(/^\d+$/);
    expect((await requests()).filter((entry) => entry.domains.includes(domain)).map((entry) => [entry.method, entry.command])).toEqual([
      ['POST', 'namecheap.domains.create'],
    ]);
    expect(await checkDomains(config, [domain])).toMatchObject([{ domain, available: false }]);
  });

  it('registering the same name again is refused as not available (3019166)', async () => {
    const input: CreateDomainInput = { name: name(), years: 2, contacts };
    await createDomain(config, input);
    const error = await providerError(createDomain(config, input));
    expect(error).toMatchObject({ kind: 'rejected', code: '3019166' });
    expect(namecheapErrorReason(error.code)).toBe('domain_unavailable');
  });

  it('a premium name needs its premium price', async () => {
    const domain = name('premium-');
    const error = await providerError(createDomain(config, { name: domain, years: 1, contacts }));
    expect(error).toMatchObject({ kind: 'rejected', code: '2515623' });
    expect(namecheapErrorReason(error.code)).toBe('price_changed');
    const registration = await createDomain(config, { name: domain, years: 1, contacts, premiumPriceUsdCents: 125_000 });
    expect(registration).toMatchObject({ domain, registered: true, chargedAmountUsdCents: 125_000 });
  });

  it('maps a registration error from Namecheap with its number', async () => {
    expect(await providerError(createDomain(config, { name: name('err3031510-'), years: 1, contacts }))).toMatchObject({
      kind: 'rejected',
      code: '3031510',
    });
  });

  it('through the relay too', async () => {
    const domain = name();
    await createDomain(
      { ...config, apiUrl: 'http://127.0.0.1:9/xml.response', relayUrl: fake.relayUrl },
      { name: domain, years: 1, contacts },
    );
    expect((await requests()).filter((entry) => entry.domains.includes(domain)).map((entry) => entry.via)).toEqual(['relay']);
  });

  it.each<[string, Partial<CreateDomainInput>, string]>([
    ['a phone not in +NNN.NNNN form', { contacts: { ...contacts, tech: { ...contact, phone: '55551234' } } }, 'tech.phone'],
    ['a missing admin contact', { contacts: { ...contacts, admin: undefined as unknown as DomainContact } }, 'admin.firstName'],
    [
      'a country that is not ISO alpha-2',
      { contacts: { ...contacts, registrant: { ...contact, country: 'Kuwait' } } },
      'registrant.country',
    ],
    ['a line break in an address', { contacts: { ...contacts, auxBilling: { ...contact, address1: 'a\nb' } } }, 'auxBilling.address1'],
    ['0 years', { years: 0 }, 'years'],
  ])('refuses %s before calling Namecheap, naming the field and not its value', async (_why, change, field) => {
    const domain = name();
    const error = await createDomain(config, { name: domain, years: 1, contacts, ...change }).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toContain(field);
    expect(error!.message).not.toContain('55551234');
    expect((await requests()).filter((entry) => entry.domains.includes(domain))).toEqual([]);
  });
});

describe('namecheapConfigFromEnv', () => {
  const env = { NAMECHEAP_API_USER: 'kwq8', NAMECHEAP_API_KEY: 'key', NAMECHEAP_CLIENT_IP: '203.0.113.10' };

  it('is null when Namecheap is not configured', () => {
    expect(namecheapConfigFromEnv({})).toBeNull();
  });

  it('defaults the user name to the API user and leaves the URLs to the defaults', async () => {
    expect(namecheapConfigFromEnv(env)).toEqual({
      apiUser: 'kwq8',
      apiKey: 'key',
      username: 'kwq8',
      clientIp: '203.0.113.10',
      apiUrl: undefined,
      relayUrl: undefined,
    });
    expect(DEFAULT_NAMECHEAP_API_URL).toBe('https://api.namecheap.com/xml.response');
  });

  it('refuses a ClientIp that is not an IPv4 address and URLs that are not http(s)', () => {
    expect(() => namecheapConfigFromEnv({ ...env, NAMECHEAP_CLIENT_IP: '2001:db8::1' })).toThrow(TypeError);
    expect(() => namecheapConfigFromEnv({ ...env, NAMECHEAP_CLIENT_IP: undefined })).toThrow(TypeError);
    expect(() => namecheapConfigFromEnv({ ...env, NAMECHEAP_RELAY_URL: 'relay.example.com' })).toThrow(TypeError);
  });
});
