/**
 * GET /api/domains/check through the Worker against the fake Namecheap: every answer shape
 * (available, taken, premium, each documented error, a malformed body, a failing relay, a slow
 * answer) becomes a clear result or a DOM_ code within a bounded time, Arabic names go out as
 * punycode and come back readable, unsupported TLDs are answered without an error, answers are
 * cached, and the relay is used when configured.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bindings } from '../../../../worker/env';
import { checkDomain } from '../../../../worker/features/domains/check';
import { call, newUser, type TestUser } from '../../../support/api';
import { freshName, namecheapFake, namecheapRequests } from './helpers';

let user: TestUser;
beforeAll(async () => {
  user = await newUser();
});

async function check(name: string, headers: Record<string, string> = {}) {
  const response = await call('GET', `/api/domains/check?name=${encodeURIComponent(name)}`, { token: user.token, headers });
  return { response, body: (await response.json()) as any };
}

/** Our price: US cents × 310 fils per dollar × 1.2, rounded up to 10 fils. */
const COM_PRICE_FILS = 4_200; // 11.28 USD → 3.4968 KWD → 4.19616 → 4.200 KWD
const PREMIUM_PRICE_FILS = 465_000; // 1,250 USD

describe('GET /api/domains/check', () => {
  it('answers an available name with our price in fils, and records the quote a purchase uses', async () => {
    const name = freshName();
    const { response, body } = await check(`  ${name.toUpperCase()}. `);
    expect(response.status).toBe(200);
    expect(body).toEqual({
      name,
      displayName: name,
      supported: true,
      available: true,
      premium: false,
      price: { amountFils: COM_PRICE_FILS, currency: 'KWD' },
    });
    const net = await check(freshName('', 'net'));
    expect(net.body.price).toEqual({ amountFils: 5_210, currency: 'KWD' }); // 13.98 USD
  });

  it('answers a taken name as unavailable, without a price', async () => {
    const { response, body } = await check(freshName('taken-'));
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ supported: true, available: false, premium: false, price: null });
  });

  it('prices a premium name from Namecheap’s premium price', async () => {
    const { body } = await check(freshName('premium-'));
    expect(body).toMatchObject({ available: true, premium: true, price: { amountFils: PREMIUM_PRICE_FILS, currency: 'KWD' } });
  });

  it('sends an Arabic name as punycode and answers it readable', async () => {
    const label = `متجر${crypto.randomUUID().replace(/\D/g, '').slice(0, 4) || '1'}`;
    const typed = `${label}.com`;
    const { body } = await check(typed);
    const ascii = new URL(`http://${typed}`).hostname;
    expect(ascii).toMatch(/^xn--/);
    expect(body).toMatchObject({ name: ascii, displayName: typed, available: true });
    const [sent] = (await namecheapRequests()).filter((request) => request.domains.includes(ascii));
    expect(sent).toMatchObject({ command: 'namecheap.domains.check', domains: [ascii] });
  });

  it('answers .kw with "contact us" and other TLDs as unsupported, without asking Namecheap', async () => {
    const before = (await namecheapRequests()).length;
    const kw = await check('kwq8-shop.com.kw');
    expect(kw.response.status).toBe(200);
    expect(kw.body).toEqual({
      name: 'kwq8-shop.com.kw',
      displayName: 'kwq8-shop.com.kw',
      supported: false,
      reason: 'contact_us',
      tlds: ['com', 'net'],
    });
    expect((await check('kwq8-shop.org')).body).toMatchObject({ supported: false, reason: 'unsupported_tld' });
    expect((await namecheapRequests()).length).toBe(before);
  });

  it('refuses what is not a domain name (422 naming the field) and scripts we cannot register (DOM_003)', async () => {
    for (const bad of ['', 'nodot', 'a..com', 'exa mple.com', 'x'.repeat(301)]) {
      const { response, body } = await check(bad);
      expect(response.status, bad).toBe(422);
      expect(body.error).toMatchObject({ code: 'REQ_004', fields: ['name'] });
    }
    const cyrillic = await check('пример.com');
    expect(cyrillic.response.status).toBe(422);
    expect(cyrillic.body.error.code).toBe('DOM_003');
  });

  it.each([
    ['1011150', 'IP not whitelisted'],
    ['1010105', 'ClientIp missing'],
    ['1011105', 'ClientIp missing'],
    ['1016103', 'UserName unauthorised'],
    ['3031510', 'provider error'],
    ['3011511', 'unknown provider answer'],
  ])('turns Namecheap error %s (%s) into 503 DOM_002, the reason kept out of the answer', async (number) => {
    const { response, body } = await check(freshName(`err${number}-`), { 'Accept-Language': 'en' });
    expect(response.status).toBe(503);
    expect(body.error).toMatchObject({
      code: 'DOM_002',
      message: 'The domain service is temporarily unavailable. Please try again shortly.',
    });
    expect(JSON.stringify(body)).not.toMatch(new RegExp(`${number}|whitelist|ClientIp|203\\.0\\.113`, 'i'));
  });

  it('turns a name Namecheap calls invalid into DOM_003, and one it calls unavailable into DOM_001', async () => {
    const invalid = await check(freshName('err2030280-'));
    expect([invalid.response.status, invalid.body.error.code]).toEqual([422, 'DOM_003']);
    const unavailable = await check(freshName('err3019166-'));
    expect([unavailable.response.status, unavailable.body.error.code]).toEqual([409, 'DOM_001']);
  });

  it('answers a malformed body or a failing relay with 503 DOM_002', async () => {
    for (const prefix of ['malformed-', 'http503-']) {
      const { response, body } = await check(freshName(prefix));
      expect(response.status, prefix).toBe(503);
      expect(body.error.code).toBe('DOM_002');
    }
  });

  it('gives up on a slow Namecheap with 503 DOM_002 instead of hanging', async () => {
    const { response, body } = await check(freshName('slow-'));
    expect(response.status).toBe(503);
    expect(body.error.code).toBe('DOM_002');
  });

  it('keeps an answer for a minute: a second search does not ask Namecheap again', async () => {
    const name = freshName();
    await check(name);
    await check(name);
    expect((await namecheapRequests()).filter((request) => request.domains.includes(name))).toHaveLength(1);
  });

  it('goes through NAMECHEAP_RELAY_URL when it is set', async () => {
    const fake = namecheapFake();
    const relayed: Bindings = { ...env, NAMECHEAP_RELAY_URL: fake.relayUrl };
    const name = freshName();
    expect(await checkDomain(relayed, name)).toMatchObject({ name, available: true });
    const [request] = (await namecheapRequests()).filter((entry) => entry.domains.includes(name));
    expect(request).toMatchObject({ via: 'relay', clientIp: fake.clientIp });
  });

  it('answers DOM_002 when no Namecheap account is configured', async () => {
    const unconfigured: Bindings = { ...env, NAMECHEAP_API_USER: '', NAMECHEAP_API_KEY: '' };
    await expect(checkDomain(unconfigured, freshName())).rejects.toMatchObject({ code: 'DOM_002' });
  });
});
