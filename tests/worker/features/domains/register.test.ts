/**
 * Registration after payment against the fake Namecheap: a payment confirmed twice or at the same
 * time registers once (one namecheap.domains.create, even with the cron job and two direct runs
 * racing), a name taken meanwhile fails and flags the payment for a refund, Namecheap refusing our
 * IP or answering nonsense is retried rather than charged to the buyer, "already registered" after
 * a lost answer is recognised as ours, and Arabic and premium names are sent as Namecheap needs.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { registerDomain, runDomainRegistrations } from '../../../../worker/features/domains/register';
import { createDomain, type NamecheapConfig } from '../../../../worker/providers/namecheap/client';
import { call } from '../../../support/api';
import {
  buy,
  CONTACT,
  confirmPayment,
  createCalls,
  domainsOf,
  freshName,
  namecheapFake,
  namecheapRequests,
  ownerWithProject,
  serviceRpc,
} from './helpers';

/** Someone else registering a name at Namecheap (or our own call whose answer was lost). */
async function registerElsewhere(name: string) {
  const fake = namecheapFake();
  const config: NamecheapConfig = {
    apiUser: fake.apiUser,
    apiKey: fake.apiKey,
    username: fake.username,
    clientIp: fake.clientIp,
    apiUrl: fake.apiUrl,
  };
  await createDomain(config, { name, years: 1, contacts: { registrant: CONTACT, tech: CONTACT, admin: CONTACT, auxBilling: CONTACT } });
}

/** An owner who bought `name` (searched, checkout created, payment confirmed once). */
async function paidDomain(name = freshName()) {
  const { owner, projectId } = await ownerWithProject();
  const purchase = await buy(owner, projectId, name);
  await confirmPayment(purchase.checkout.paymentId, purchase.domain.price.amountFils);
  return { owner, projectId, purchase, name: purchase.domain.name };
}

describe('registration after payment', () => {
  it('registers once when the payment is confirmed twice and concurrently, and runs race', async () => {
    const { owner, projectId } = await ownerWithProject();
    const name = freshName();
    const purchase = await buy(owner, projectId, name);
    const { paymentId } = purchase.checkout;
    const amount = purchase.domain.price.amountFils;
    const confirmations = await Promise.all([
      confirmPayment(paymentId, amount),
      confirmPayment(paymentId, amount),
      confirmPayment(paymentId, amount),
    ]);
    expect(confirmations.filter((row) => !row.replayed)).toHaveLength(1);
    expect((await confirmPayment(paymentId, amount)).replayed).toBe(true);
    expect((await domainsOf(owner, projectId))[0]).toMatchObject({ status: 'registering', payment: { status: 'succeeded' } });

    await Promise.all([registerDomain(env, purchase.domain.id), registerDomain(env, purchase.domain.id), runDomainRegistrations(env)]);
    expect(await createCalls(name)).toBe(1);
    const [domain] = await domainsOf(owner, projectId);
    expect(domain).toMatchObject({ status: 'active', refundRequired: false, expiresAt: expect.any(String) });
    expect(await registerDomain(env, purchase.domain.id)).toBeNull();
    expect(await createCalls(name)).toBe(1);
  });

  it('fails a name someone else registered meanwhile and flags the payment for a refund', async () => {
    const { owner, projectId } = await ownerWithProject();
    const name = freshName();
    const purchase = await buy(owner, projectId, name);
    await registerElsewhere(name);
    await confirmPayment(purchase.checkout.paymentId, purchase.domain.price.amountFils);
    expect(await registerDomain(env, purchase.domain.id)).toBe('failed');
    const [domain] = await domainsOf(owner, projectId);
    expect(domain).toMatchObject({
      status: 'failed',
      failureReason: 'domain_taken',
      refundRequired: true,
      payment: { status: 'refund_required' },
    });
  });

  it('retries, without failing the buyer, while Namecheap refuses our IP or answers nonsense', async () => {
    for (const prefix of ['err1011150-', 'malformed-']) {
      const name = freshName(prefix);
      // Searching these names fails by design; the quote a search would have recorded is arranged directly.
      await serviceRpc('quote_domain', {
        p_name: name,
        p_display_name: name,
        p_premium: false,
        p_provider_price_usd_cents: 1128,
        p_price_fils: 4200,
      });
      const { owner, projectId } = await ownerWithProject();
      const response = await call('POST', `/api/projects/${projectId}/domain`, {
        token: owner.token,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: { name, register: true, contacts: { registrant: CONTACT } },
      });
      const purchase = (await response.json()) as any;
      await confirmPayment(purchase.checkout.paymentId, 4200);
      expect(await registerDomain(env, purchase.domain.id), prefix).toBe('retry');
      expect((await domainsOf(owner, projectId))[0], prefix).toMatchObject({ status: 'registering', refundRequired: false });
    }
  });

  it('recognises "already registered" as ours after an attempt whose answer was lost', async () => {
    const { owner, projectId, purchase, name } = await paidDomain();
    // A run claimed it (lease of 5 s) and registered the name, then died before recording anything.
    const [claimed] = await serviceRpc('claim_domain_registrations', { p_domain_id: purchase.domain.id, p_lease_seconds: 5 });
    expect(claimed).toMatchObject({ id: purchase.domain.id, registration_attempts: 1 });
    await registerElsewhere(name);
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect(await registerDomain(env, purchase.domain.id)).toBe('active');
    expect((await domainsOf(owner, projectId))[0]).toMatchObject({ status: 'active', refundRequired: false });
  });

  it('sends an Arabic name in punycode with IdnCode ara, and a premium name at its quoted price', async () => {
    const arabic = await paidDomain(`حلويات${crypto.randomUUID().replace(/\D/g, '').slice(0, 4)}.com`);
    expect(arabic.name).toMatch(/^xn--/);
    expect(await registerDomain(env, arabic.purchase.domain.id)).toBe('active');
    const [create] = (await namecheapRequests()).filter(
      (request) => request.command === 'namecheap.domains.create' && request.domains.includes(arabic.name),
    );
    expect(create).toMatchObject({ idnCode: 'ara' });
    expect((await domainsOf(arabic.owner, arabic.projectId))[0]).toMatchObject({
      status: 'active',
      displayName: arabic.purchase.domain.displayName,
    });

    const premium = await paidDomain(freshName('premium-'));
    expect(premium.purchase.domain.price.amountFils).toBe(465_000);
    expect(await registerDomain(env, premium.purchase.domain.id)).toBe('active');
  });

  it('the cron job registers what is due', async () => {
    const { owner, projectId } = await paidDomain();
    const result = await runDomainRegistrations(env);
    expect(result).toMatchObject({ active: expect.any(Number) });
    expect((await domainsOf(owner, projectId))[0].status).toBe('active');
  });
});
