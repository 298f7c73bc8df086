/**
 * Buying, attaching, verifying and listing a project's domains through the Worker: a purchase
 * needs a search first (the quoted price), validated contacts and an Idempotency-Key, and answers
 * the payment page of the fake UPayments or Stripe; an attachment answers the DNS records, and
 * verification reads the TXT record through the fake DNS-over-HTTPS resolver.
 */
import { describe, expect, it } from 'vitest';
import { call, errorCode, newUser } from '../../../support/api';
import { buy, CONTACT, dohFake, domainsOf, freshName, ownerWithProject } from './helpers';

const post = (token: string, projectId: string, body: unknown, key: string | null = crypto.randomUUID()) =>
  call('POST', `/api/projects/${projectId}/domain`, { token, body, headers: key ? { 'Idempotency-Key': key } : {} });

async function setTxt(name: string, values: string[]) {
  const response = await fetch(`${dohFake().url}/__control/records`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, values }),
  });
  expect(response.status).toBe(200);
}

describe('POST /api/projects/:id/domain (register)', () => {
  it('creates the pending domain and a K-Net checkout at the searched price; a repeat returns the same checkout', async () => {
    const { owner, projectId } = await ownerWithProject();
    const name = freshName();
    await call('GET', `/api/domains/check?name=${name}`, { token: owner.token });
    const key = crypto.randomUUID();
    const body = { name, register: true, contacts: { registrant: CONTACT } };
    const first = await post(owner.token, projectId, body, key);
    expect(first.status).toBe(201);
    const answer = (await first.json()) as any;
    expect(answer.domain).toMatchObject({
      name,
      displayName: name,
      kind: 'register',
      status: 'pending_payment',
      price: { amountFils: 4_200, currency: 'KWD' },
      dns: null,
    });
    expect(answer.checkout.paymentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new URL(answer.checkout.url).searchParams.get('session_id')).toBeTruthy();

    const again = await post(owner.token, projectId, body, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(((await again.json()) as any).checkout).toEqual(answer.checkout);

    const [listed] = await domainsOf(owner, projectId);
    expect(listed).toMatchObject({
      id: answer.domain.id,
      status: 'pending_payment',
      payment: { id: answer.checkout.paymentId, status: 'pending' },
    });
    expect(listed.payment.checkoutUrl).toBe(answer.checkout.url);
  });

  it('pays with Stripe when asked (an amount in tens of fils)', async () => {
    const { owner, projectId } = await ownerWithProject();
    const purchase = await buy(owner, projectId, freshName('', 'net'), { provider: 'stripe' });
    expect(purchase.domain.price.amountFils % 10).toBe(0);
    expect(purchase.checkout.url).toMatch(/^http/);
  });

  it('needs a search first (DOM_007), valid contacts (422 naming them) and an Idempotency-Key (428)', async () => {
    const { owner, projectId } = await ownerWithProject();
    const name = freshName();
    const unsearched = await post(owner.token, projectId, { name, register: true, contacts: { registrant: CONTACT } });
    expect(unsearched.status).toBe(409);
    expect(await errorCode(unsearched)).toBe('DOM_007');

    await call('GET', `/api/domains/check?name=${name}`, { token: owner.token });
    const badPhone = await post(owner.token, projectId, {
      name,
      register: true,
      contacts: { registrant: { ...CONTACT, phone: '5555 1234' } },
    });
    expect(badPhone.status).toBe(422);
    expect(((await badPhone.json()) as any).error.fields).toEqual(['contacts.registrant.phone']);
    const arabicName = await post(owner.token, projectId, {
      name,
      register: true,
      contacts: { registrant: CONTACT, admin: { ...CONTACT, firstName: 'فاطمة' } },
    });
    expect(((await arabicName.json()) as any).error.fields).toEqual(['contacts.admin.firstName']);
    // No contacts and no earlier registration to take them from.
    expect(await errorCode(await post(owner.token, projectId, { name, register: true }))).toBe('REQ_004');
    const noKey = await post(owner.token, projectId, { name, register: true, contacts: { registrant: CONTACT } }, null);
    expect(noKey.status).toBe(428);
    const stripeMethod = await post(owner.token, projectId, {
      name,
      register: true,
      provider: 'stripe',
      method: 'knet',
      contacts: { registrant: CONTACT },
    });
    expect(((await stripeMethod.json()) as any).error.fields).toEqual(['method']);
    expect(await domainsOf(owner, projectId)).toEqual([]);
  });

  it('refuses TLDs we do not sell (DOM_003) and another owner’s project (404)', async () => {
    const { owner, projectId } = await ownerWithProject();
    expect(
      await errorCode(await post(owner.token, projectId, { name: 'kwq8-shop.org', register: true, contacts: { registrant: CONTACT } })),
    ).toBe('DOM_003');
    const stranger = await newUser();
    const name = freshName();
    await call('GET', `/api/domains/check?name=${name}`, { token: stranger.token });
    const response = await post(stranger.token, projectId, { name, register: true, contacts: { registrant: CONTACT } });
    expect(response.status).toBe(404);
  });
});

describe('attaching a domain the owner has', () => {
  it('answers the CNAME and TXT records, then verifies the TXT through DNS-over-HTTPS', async () => {
    const { owner, projectId } = await ownerWithProject();
    const typed = `مكتبة${crypto.randomUUID().replace(/\D/g, '').slice(0, 3)}.com`;
    const response = await post(owner.token, projectId, { name: typed, register: false });
    expect(response.status).toBe(201);
    const { domain } = (await response.json()) as any;
    const ascii = new URL(`http://${typed}`).hostname;
    expect(domain).toMatchObject({ name: ascii, displayName: typed, kind: 'attach', status: 'pending_verification', price: null });
    expect(domain.dns).toEqual({
      cname: { host: ascii, target: 'sites.kwq8.com' },
      txt: { host: `_kwq8-verify.${ascii}`, value: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });

    const verify = () => call('POST', `/api/projects/${projectId}/domain/verify`, { token: owner.token, body: { name: typed } });
    const early = await verify();
    expect(early.status).toBe(409);
    expect(await errorCode(early)).toBe('DOM_008');

    await setTxt(domain.dns.txt.host, ['google-site-verification=abc', domain.dns.txt.value]);
    const verified = await verify();
    expect(verified.status).toBe(200);
    expect(((await verified.json()) as any).domain).toMatchObject({ id: domain.id, status: 'active' });
    expect((await domainsOf(owner, projectId))[0]).toMatchObject({ status: 'active', activatedAt: expect.any(String) });
  });

  it('answers DOM_002 when the resolver fails, and NOT_FOUND_002 for a name the project does not have', async () => {
    const { owner, projectId } = await ownerWithProject();
    const failing = `servfail-${freshName()}`;
    await post(owner.token, projectId, { name: failing, register: false });
    await setTxt(`_kwq8-verify.${failing}`, ['x']);
    const response = await call('POST', `/api/projects/${projectId}/domain/verify`, { token: owner.token, body: { name: failing } });
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe('DOM_002');
    const unknown = await call('POST', `/api/projects/${projectId}/domain/verify`, { token: owner.token, body: { name: freshName() } });
    expect(await errorCode(unknown)).toBe('NOT_FOUND_002');
  });

  it('keeps strangers out of a project’s domains', async () => {
    const { owner, projectId } = await ownerWithProject();
    await post(owner.token, projectId, { name: freshName(), register: false });
    const stranger = await newUser();
    for (const [method, path, body] of [
      ['GET', `/api/projects/${projectId}/domains`],
      ['POST', `/api/projects/${projectId}/domain/verify`, { name: 'example.com' }],
    ] as const) {
      const response = await call(method, path, { token: stranger.token, body });
      expect(await errorCode(response), `${method} ${path}`).toBe('NOT_FOUND_002');
    }
    expect(await errorCode(await post(stranger.token, projectId, { name: freshName(), register: false }))).toBe('NOT_FOUND_002');
  });
});

describe('GET /api/domains/contacts', () => {
  it('answers null before any registration, then the owner’s latest registrant; never another owner’s', async () => {
    const { owner, projectId } = await ownerWithProject();
    const contacts = async (token: string) => {
      const response = await call('GET', '/api/domains/contacts', { token });
      expect(response.status).toBe(200);
      return ((await response.json()) as { registrant: unknown }).registrant;
    };
    expect(await contacts(owner.token)).toBeNull();
    await buy(owner, projectId, freshName(), { contacts: { registrant: { ...CONTACT, city: 'Hawalli' } } });
    expect(await contacts(owner.token)).toEqual({ ...CONTACT, city: 'Hawalli' });
    expect(await contacts((await newUser()).token)).toBeNull();
  });
});
