/**
 * Buying a domain end to end in Chromium: an owner signed in through the page searches an Arabic
 * name and asks to buy it (the API, with the page's own session: the dashboard has no domain
 * panel yet), pays on the fake K-Net page, and the domain becomes active once the payment is
 * confirmed and the Cron Trigger's registration job has run against the fake Namecheap.
 *
 * The billing webhook is not part of this branch: the test confirms the payment as it will, by
 * asking the fake UPayments' status API and applying the verified result with the service key.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { LOCAL_SERVICE_ROLE_KEY } from '../../supabase/local/keys';
import type { FakeNamecheapRequest } from '../fakes/records';
import { freshEmail, newPage, reached, siteUrl, supabaseUrl } from './helpers';
import { signIn } from './site';

const { fakes } = inject('e2e');

/** Calls the API from the page with its own session, as the dashboard does. */
function api<T = any>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'))!;
      const token = (JSON.parse(localStorage.getItem(key)!) as { access_token: string }).access_token;
      const response = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    { method, path, body },
  );
}

async function service(fn: string, args: Record<string, unknown>) {
  const response = await fetch(`${supabaseUrl}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: { apikey: LOCAL_SERVICE_ROLE_KEY, Authorization: `Bearer ${LOCAL_SERVICE_ROLE_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  if (!response.ok) throw new Error(`${fn} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

describe('domains', () => {
  it('searches an Arabic name, pays for it with K-Net and sees it become active', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    const project = await api(page, 'POST', '/api/projects', { name: 'حلويات الخليج' });
    expect(project.status).toBe(201);
    const projectId = project.body.project.id as string;

    const typed = `حلويات${Date.now() % 100_000}.com`;
    const search = await api(page, 'GET', `/api/domains/check?name=${encodeURIComponent(typed)}`);
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({ displayName: typed, supported: true, available: true, premium: false });
    const { name, price } = search.body as { name: string; price: { amountFils: number } };
    expect(name).toMatch(/^xn--/);

    const contact = {
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
    const bought = await api(page, 'POST', `/api/projects/${projectId}/domain`, {
      name: typed,
      register: true,
      contacts: { registrant: contact },
    });
    expect(bought.status).toBe(201);
    expect(bought.body.domain).toMatchObject({
      name,
      displayName: typed,
      status: 'pending_payment',
      price: { amountFils: price.amountFils },
    });

    // The fake K-Net page: pay, and come back to the dashboard.
    const checkoutUrl = new URL(bought.body.checkout.url as string);
    await page.goto(checkoutUrl.href);
    await page.getByRole('button', { name: /ادفع/ }).click();
    await reached(page, '/dashboard/');
    expect(new URL(page.url()).searchParams.get('payment')).toBe(bought.body.checkout.paymentId);

    // What the billing webhook does: ask UPayments, then apply the verified capture.
    const status = await fetch(`${fakes.upayments.apiBase}/get-payment-status?session_id=${checkoutUrl.searchParams.get('session_id')}`, {
      headers: { Authorization: `Bearer ${fakes.upayments.apiKey}` },
    });
    const transaction = ((await status.json()) as { data: { transaction: { result: string; total_price: string } } }).data.transaction;
    expect(transaction.result).toBe('CAPTURED');
    const amountFils = Math.round(Number(transaction.total_price) * 1000);
    expect(amountFils).toBe(price.amountFils);
    await service('apply_payment', {
      p_provider: 'upayments',
      p_provider_ref: null,
      p_status: 'succeeded',
      p_amount_fils: amountFils,
      p_currency: 'KWD',
      p_payment_id: bought.body.checkout.paymentId,
    });
    expect((await api(page, 'GET', `/api/projects/${projectId}/domains`)).body.domains[0].status).toBe('registering');

    // The Cron Trigger (wrangler dev --test-scheduled) runs the registration job.
    // The job runs after the event is answered (ctx.waitUntil): read the list until it has moved on.
    expect((await fetch(`${siteUrl}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
    let listed = await api(page, 'GET', `/api/projects/${projectId}/domains`);
    for (let tries = 0; listed.body.domains[0].status === 'registering' && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      listed = await api(page, 'GET', `/api/projects/${projectId}/domains`);
    }
    expect(listed.body.domains[0]).toMatchObject({ name, displayName: typed, status: 'active', refundRequired: false });
    const creates = ((await (await fetch(`${fakes.namecheap.url}/__control/requests`)).json()) as FakeNamecheapRequest[]).filter(
      (request) => request.command === 'namecheap.domains.create' && request.domains.includes(name),
    );
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ idnCode: 'ara' });
  });
});
