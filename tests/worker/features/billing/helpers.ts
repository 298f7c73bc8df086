/**
 * What the billing tests share: checkout through the Worker, the fake providers' "person" finishing
 * a payment without sending anything (workerd has no inbound port), handing the fake's notification
 * or webhook to the Worker, and reading the owner's plan, balance, payment and ledger back.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect, vi } from 'vitest';
import { createApp } from '../../../../worker/app';
import worker from '../../../../worker/index';
import { call, type TestUser } from '../../../support/api';
import { controlFake, type FakeDelivery } from '../../../support/fakes';

export type Body = Record<string, unknown>;

export const PRO_KNET: Body = { purpose: 'plan', tier: 'pro', provider: 'upayments', method: 'knet' };
export const PRO_STRIPE: Body = { purpose: 'plan', tier: 'pro', provider: 'stripe' };

export interface Checkout {
  paymentId: string;
  provider: string;
  url: string;
  expiresAt: string;
}

export function checkoutCall(user: TestUser, body: Body, key: string = crypto.randomUUID(), headers: Record<string, string> = {}) {
  return call('POST', '/api/billing/checkout', { token: user.token, body, headers: { 'Idempotency-Key': key, ...headers } });
}

export async function checkout(user: TestUser, body: Body, headers: Record<string, string> = {}): Promise<Checkout> {
  const response = await checkoutCall(user, body, crypto.randomUUID(), headers);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Checkout;
}

/** The same app with some bindings replaced (a provider unset, or pointed at a dead port). */
export async function callWith(bindings: Record<string, string>, path: string, init: RequestInit) {
  const ctx = createExecutionContext();
  const response = await createApp().request(`http://kwq8.test${path}`, init, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export interface UpaymentsCompletion {
  trackId: string;
  result: string;
  redirectUrl: string;
  delivery: FakeDelivery;
}

/** The payer finishes the UPayments page; the notification is recorded, not sent. */
export function payUpayments(paymentId: string, outcome: 'success' | 'failure' | 'cancel') {
  return controlFake<UpaymentsCompletion>('upayments', 'complete', { orderId: paymentId, outcome, deliver: false });
}

/** The payer finishes the Stripe page; the signed events are recorded, not sent. */
export function payStripe(paymentId: string, outcome: 'success' | 'failure' | 'cancel') {
  return controlFake<{ redirectUrl: string; deliveries: FakeDelivery[] }>('stripe', 'complete', { paymentId, outcome, deliver: false });
}

/** A notification or webhook as the provider sent it, delivered to the Worker by the test. */
export function deliver(delivery: FakeDelivery, path: string) {
  return call('POST', path, { headers: delivery.headers, rawBody: delivery.body });
}

export const deliverUpayments = (delivery: FakeDelivery) => deliver(delivery, '/api/webhooks/upayments');
export const deliverStripe = (delivery: FakeDelivery) => deliver(delivery, '/api/webhooks/stripe');

/** Follows the provider's redirect to the Worker's return route; answers the Location it redirects to. */
export async function returnTo(redirectUrl: string): Promise<string> {
  const url = new URL(redirectUrl);
  const response = await call('GET', `${url.pathname}${url.search}`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return response.headers.get('Location') ?? '';
}

export interface Me {
  plan: { tier: string | null; periodEnd: string | null };
  credits: { daily: number; monthly: number; purchased: number; total: number };
}

export async function me(user: TestUser): Promise<Me> {
  return (await (await call('GET', '/api/me', { token: user.token })).json()) as Me;
}

export interface Payment {
  id: string;
  status: string;
  amountFils: number;
  url: string | null;
}

export async function payment(user: TestUser, paymentId: string): Promise<Payment> {
  const response = await call('GET', `/api/billing/payments/${paymentId}`, { token: user.token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { payment: Payment }).payment;
}

interface LedgerEntry {
  reason: string;
  delta: { daily: number; monthly: number; purchased: number; total: number };
}

export async function ledger(user: TestUser): Promise<LedgerEntry[]> {
  const response = await call('GET', '/api/credits/ledger?limit=100', { token: user.token });
  return ((await response.json()) as { entries: LedgerEntry[] }).entries;
}

/** Runs the Cron Trigger as the runtime does and answers the billing job's logged result. */
export async function runCron(): Promise<Record<string, number> | undefined> {
  const lines: Array<Record<string, unknown>> = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>));
  try {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
  } finally {
    spy.mockRestore();
  }
  const line = lines.find((entry) => entry.job === 'billing.recheck_payments');
  expect(line?.event).toBe('cron.job_done');
  return line?.result as Record<string, number> | undefined;
}
