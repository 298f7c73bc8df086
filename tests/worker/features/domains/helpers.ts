/**
 * What the domain tests share: an owner with a project, registrant contacts, fresh names with the
 * fake Namecheap's selector prefixes, the fakes' logs, service RPCs (what webhooks and cron do),
 * and a purchase up to its pending payment.
 */
import { env } from 'cloudflare:workers';
import { expect, inject } from 'vitest';
import type { FakeNamecheapRequest } from '../../../fakes/records';
import { call, newUser, type TestUser } from '../../../support/api';

export const namecheapFake = () => inject('namecheapFake');
export const dohFake = () => inject('dohFake');

export const CONTACT = {
  firstName: 'Fatima',
  lastName: 'Al-Sabah',
  address1: 'Block 3, Street 12, House 7',
  city: 'Kuwait City',
  stateProvince: 'Al Asimah',
  postalCode: '13001',
  country: 'KW',
  phone: '+965.55551234',
  email: 'fatima@example.com',
};

/** A name no other test uses; `prefix` picks the fake Namecheap's answer (tests/fakes/namecheap.ts). */
export const freshName = (prefix = '', tld = 'com') => `${prefix}kwq8-${crypto.randomUUID().slice(0, 8)}.${tld}`;

export async function ownerWithProject(): Promise<{ owner: TestUser; projectId: string }> {
  const owner = await newUser();
  const response = await call('POST', '/api/projects', { token: owner.token, body: { name: `Site ${crypto.randomUUID().slice(0, 6)}` } });
  expect(response.status).toBe(201);
  return { owner, projectId: ((await response.json()) as { project: { id: string } }).project.id };
}

export async function serviceRpc<T = any>(fn: string, args: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${env.SUPABASE_URL}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: {
      apikey: env.SUPABASE_SERVICE_ROLE_KEY,
      Authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(args),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${fn} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** What a verified provider notification does: apply_payment as the service. */
export const confirmPayment = (paymentId: string, amountFils: number) =>
  serviceRpc('apply_payment', {
    p_provider: 'upayments',
    p_provider_ref: null,
    p_status: 'succeeded',
    p_amount_fils: amountFils,
    p_currency: 'KWD',
    p_payment_id: paymentId,
  });

export async function namecheapRequests(): Promise<FakeNamecheapRequest[]> {
  return (await fetch(`${namecheapFake().url}/__control/requests`)).json();
}

export async function createCalls(name: string): Promise<number> {
  return (await namecheapRequests()).filter((request) => request.command === 'namecheap.domains.create' && request.domains.includes(name))
    .length;
}

export interface Purchase {
  domain: { id: string; name: string; displayName: string; status: string; price: { amountFils: number } };
  checkout: { paymentId: string; url: string; expiresAt: string };
}

/** Searches `name` (which quotes its price) and asks to buy it; returns the 201 body. */
export async function buy(owner: TestUser, projectId: string, name: string, body: Record<string, unknown> = {}): Promise<Purchase> {
  const check = await call('GET', `/api/domains/check?name=${encodeURIComponent(name)}`, { token: owner.token });
  expect(check.status).toBe(200);
  const response = await call('POST', `/api/projects/${projectId}/domain`, {
    token: owner.token,
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    body: { name, register: true, contacts: { registrant: CONTACT }, ...body },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json();
}

export async function domainsOf(owner: TestUser, projectId: string): Promise<any[]> {
  const response = await call('GET', `/api/projects/${projectId}/domains`, { token: owner.token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { domains: any[] }).domains;
}
