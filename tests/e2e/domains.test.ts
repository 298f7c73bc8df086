/**
 * The dashboard's domains panel in Chromium, against `wrangler dev`, the fake UPayments, the fake
 * Namecheap and the fake DNS-over-HTTPS resolver:
 * - an owner searches an Arabic name (its punycode shown), is stopped at the contacts form until
 *   the registrant is written in Latin letters, pays with K-Net on the provider's page, comes back
 *   to the panel with the domain registering (the return route settled the payment), and sees it
 *   active after the Cron Trigger's registration job ran (`/__scheduled`, wrangler's
 *   --test-scheduled);
 * - an owner connects a domain they already have, copies the DNS records, is told the TXT record
 *   is not there yet, and sees the domain active once the resolver answers it.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { parseDomainName } from '../../shared/domain-name';
import type { TextKey } from '../../site/src/i18n';
import { formatFils } from '../../site/src/lib/format';
import type { FakeNamecheapRequest } from '../fakes/records';
import { freshEmail, newPage, reached, siteUrl } from './helpers';
import { ar, firstProjectId, screenshot, signIn } from './site';

const { t } = ar;
const { fakes } = inject('e2e');

/** README "Domains": a regular .com with the default price settings (11.28 USD × 0.310 × 1.2, rounded up to 10 fils). */
const COM_PRICE_FILS = 4200;

/** Creates a project on the dashboard and opens its domains panel. */
async function openDomainsPanel(page: Page, projectName: string): Promise<Locator> {
  await page.getByLabel(t('projects.name')).fill(projectName);
  await page.getByRole('button', { name: t('projects.create') }).click();
  const project = page.getByTestId('project').filter({ hasText: projectName });
  const toggle = project.getByRole('button', { name: t('domains.show') });
  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  const panel = page.locator(`[id="${await toggle.getAttribute('aria-controls')}"]`);
  await panel.getByText(t('domains.empty')).waitFor();
  return panel;
}

/** The owner's domains of a project as the API lists them, with the page's own session. */
function listDomains(page: Page, projectId: string): Promise<Array<{ name: string; status: string }>> {
  return page.evaluate(async (id) => {
    const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'))!;
    const token = (JSON.parse(localStorage.getItem(key)!) as { access_token: string }).access_token;
    const response = await fetch(`/api/projects/${id}/domains`, { headers: { Authorization: `Bearer ${token}` } });
    return ((await response.json()) as { domains: Array<{ name: string; status: string }> }).domains;
  }, projectId);
}

const CONTACT: Partial<Record<TextKey, string>> = {
  'domains.contact.firstName': 'Fatima',
  'domains.contact.lastName': 'Al-Sabah',
  'domains.contact.address1': 'Block 3, Street 12, House 7',
  'domains.contact.city': 'Kuwait City',
  'domains.contact.stateProvince': 'Al Asimah',
  'domains.contact.postalCode': '13001',
};

describe('the domains panel', () => {
  it('searches an Arabic name, buys it with checked contacts and K-Net, and sees it registering, then active', async () => {
    const page = await newPage();
    const email = freshEmail();
    await signIn(page, email);
    const panel = await openDomainsPanel(page, 'حلويات الخليج');

    const typed = `حلويات${Date.now() % 100_000}.com`;
    const parsed = parseDomainName(typed);
    if (!parsed.ok) throw new Error(`${typed} is not a domain name`);
    const punycode = parsed.name.ascii;
    expect(punycode).toMatch(/^xn--/);

    // A name without its extension is refused at the field, before any request.
    await panel.getByLabel(t('domains.searchLabel')).fill('حلويات');
    await panel.getByRole('button', { name: t('domains.search'), exact: true }).click();
    await panel.getByText(t('domains.name.invalid')).waitFor();

    await panel.getByLabel(t('domains.searchLabel')).fill(typed);
    await panel.getByRole('button', { name: t('domains.search'), exact: true }).click();
    const result = panel.getByTestId('domain-result');
    await result.waitFor();
    expect(await result.getAttribute('data-state')).toBe('available');
    const price = formatFils('ar', COM_PRICE_FILS);
    expect(await result.locator('p').first().textContent()).toBe(t('domains.result.available', { price }).replace('{name}', typed));
    expect(await result.getByTestId('punycode').textContent()).toBe(`${t('domains.punycode')} ${punycode}`);

    await result.getByRole('button', { name: t('domains.buy') }).click();
    const form = panel.locator('form.domain-buy');
    // An Arabic first name and a phone without the dot: the form says why and stays on the page.
    await form.getByLabel(t('domains.contact.firstName'), { exact: true }).fill('فاطمة');
    await form.getByLabel(t('domains.contact.phone'), { exact: true }).fill('+965 5555 1234');
    await form.getByRole('button', { name: t('billing.pay', { price }) }).click();
    await form.getByText(t('domains.problem.latin')).waitFor();
    await form.getByText(t('domains.problem.phone')).waitFor();
    // With no earlier registration, the sign-in address fills the email field.
    expect(await form.getByLabel(t('domains.contact.email'), { exact: true }).inputValue()).toBe(email);
    expect(await form.getByText(t('domains.problem.required')).count()).toBeGreaterThan(0);
    expect(await form.getByLabel(t('domains.contact.firstName'), { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'domains-contacts-refused');

    for (const [label, value] of Object.entries(CONTACT) as Array<[TextKey, string]>) {
      await form.getByLabel(t(label), { exact: true }).fill(value);
    }
    // Digits from an Arabic keyboard become the ASCII digits registrars take.
    await form.getByLabel(t('domains.contact.phone'), { exact: true }).fill('+٩٦٥.٥٥٥٥١٢٣٤');
    expect(await form.getByLabel(t('domains.contact.phone'), { exact: true }).inputValue()).toBe('+965.55551234');
    await form.getByRole('radio', { name: t('billing.method.knet') }).check();
    await form.getByRole('button', { name: t('billing.pay', { price }) }).click();

    await page.waitForURL((url) => url.origin === fakes.upayments.url && url.pathname === '/pay');
    expect(await page.locator('.amount').textContent()).toBe('4.200 KWD');
    await page.locator('button[value="success"]').click();
    await reached(page, '/dashboard/');

    // Back on the dashboard, the panel of that project is open again and shows where the domain is.
    const item = page.getByTestId('domain').filter({ hasText: typed });
    const status = item.getByTestId('domain-status');
    await status.filter({ hasText: t('domains.status.registering') }).waitFor();
    expect(await item.getByTestId('punycode').textContent()).toBe(`${t('domains.punycode')} ${punycode}`);
    expect(await item.textContent()).toContain(t('domains.pricePaid', { price }));
    // A reload shows the same, current status.
    await page.reload();
    await status.filter({ hasText: t('domains.status.registering') }).waitFor();

    // The Cron Trigger runs the registration job after answering (ctx.waitUntil): wait for the API, then refresh the panel.
    const projectId = await firstProjectId(page);
    expect((await fetch(`${siteUrl}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
    let listed = await listDomains(page, projectId);
    for (let tries = 0; listed[0]?.status === 'registering' && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      listed = await listDomains(page, projectId);
    }
    expect(listed[0]).toMatchObject({ name: punycode, status: 'active' });
    await item.getByRole('button', { name: t('domains.refresh') }).click();
    await status.filter({ hasText: t('domains.status.active') }).waitFor();
    expect(await item.getByRole('button', { name: t('domains.refresh') }).count()).toBe(0);

    const creates = ((await (await fetch(`${fakes.namecheap.url}/__control/requests`)).json()) as FakeNamecheapRequest[]).filter(
      (request) => request.command === 'namecheap.domains.create' && request.domains.includes(punycode),
    );
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ idnCode: 'ara' });
    await screenshot(page, 'domains-active');

    // The next purchase's form starts with the registrant just used, editable.
    await panel.getByLabel(t('domains.searchLabel')).fill(`kwq8-${Date.now() % 100_000}.net`);
    await panel.getByRole('button', { name: t('domains.search'), exact: true }).click();
    await result.getByRole('button', { name: t('domains.buy') }).click();
    for (const [label, value] of Object.entries(CONTACT) as Array<[TextKey, string]>) {
      await expect.poll(() => form.getByLabel(t(label), { exact: true }).inputValue()).toBe(value);
    }
    expect(await form.getByLabel(t('domains.contact.phone'), { exact: true }).inputValue()).toBe('+965.55551234');
  });

  it('connects a domain the owner already has and verifies it once the TXT record resolves', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    const panel = await openDomainsPanel(page, 'Khaleej Sweets');

    const name = `shop-${crypto.randomUUID().slice(0, 8)}.example.com`;
    await panel.getByLabel(t('domains.attachLabel')).fill(name);
    await panel.getByRole('button', { name: t('domains.attach'), exact: true }).click();
    const item = panel.getByTestId('domain').filter({ hasText: name });
    await item
      .getByTestId('domain-status')
      .filter({ hasText: t('domains.status.pending_verification') })
      .waitFor();
    // The field is emptied once the domain is added.
    expect(await panel.getByLabel(t('domains.attachLabel')).inputValue()).toBe('');

    const cname = item.getByTestId('dns-CNAME').locator('code');
    expect(await cname.nth(0).textContent()).toBe('CNAME');
    expect(await cname.nth(1).textContent()).toBe(name);
    expect(await cname.nth(2).textContent()).toMatch(/\S\.\S/);
    const txt = item.getByTestId('dns-TXT').locator('code');
    expect(await txt.nth(1).textContent()).toBe(`_kwq8-verify.${name}`);
    const token = (await txt.nth(2).textContent())!;
    expect(token.length).toBeGreaterThan(16);
    await item.getByRole('button', { name: t('domains.copy', { what: t('domains.dnsValueOf', { type: 'TXT' }) }) }).waitFor();

    // Before the record exists the resolver answers NXDOMAIN: not verified yet, and the domain waits.
    await item.getByRole('button', { name: t('domains.verify'), exact: true }).click();
    await item.getByText(t('domains.notVerifiedYet')).waitFor();
    expect(await item.getByTestId('domain-status').textContent()).toBe(t('domains.status.pending_verification'));

    const set = await fetch(`${fakes.doh.url}/__control/records`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `_kwq8-verify.${name}`, values: [token] }),
    });
    expect(set.ok).toBe(true);
    await item.getByRole('button', { name: t('domains.verify'), exact: true }).click();
    await item
      .getByTestId('domain-status')
      .filter({ hasText: t('domains.status.active') })
      .waitFor();
    expect(await item.getByTestId('dns-TXT').count()).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: t('domains.show') }).click();
    await page.getByTestId('domain').filter({ hasText: name }).getByText(t('domains.status.active')).waitFor();
  });
});
