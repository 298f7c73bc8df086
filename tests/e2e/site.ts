/**
 * What the site's end-to-end tests share beyond helpers.ts: the site's own dictionaries (tests
 * read the words from there, never from copies), owners set up through the local stack's service
 * API (a plan, a booking) as the payment webhooks would, signing in through the page, console
 * errors, axe-core, and screenshots kept as test output.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { TIERS, type TierId } from '../../shared/pricing';
import { translator, type Translator } from '../../site/src/i18n';
import { localePath, type SiteLocale } from '../../site/src/i18n/locales';
import { LOCAL_SERVICE_ROLE_KEY } from '../../supabase/local/keys';
import { freshEmail, reached, requestCode, siteUrl, supabaseUrl } from './helpers';

export const ar = translator('ar');
export const en = translator('en');
export const i18n: Record<SiteLocale, Translator> = { ar, en };

/** The URL of a locale-neutral path ("/pricing/") in `locale`. */
export const urlOf = (locale: SiteLocale, path: string) => `${siteUrl}${localePath(locale, path)}`;

/** Screenshots land here (git-ignored), for a person to look at after the run. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function service<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${supabaseUrl}${path}`, {
    method: 'POST',
    headers: { apikey: LOCAL_SERVICE_ROLE_KEY, Authorization: `Bearer ${LOCAL_SERVICE_ROLE_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A registered owner paying for `tier`, the way a verified payment webhook leaves them. */
export async function ownerWithPlan(tier: TierId, email = freshEmail()): Promise<{ id: string; email: string }> {
  const user = await service<{ id: string }>('/auth/v1/admin/users', { email, email_confirm: true });
  const ref = `e2e-${crypto.randomUUID()}`;
  const priceFils = TIERS[tier].priceFils;
  await service('/rest/v1/rpc/create_payment', {
    p_purpose: 'plan',
    p_provider: 'upayments',
    p_provider_ref: ref,
    p_amount_fils: priceFils,
    p_currency: 'KWD',
    p_user_id: user.id,
    p_tier: tier,
  });
  await service('/rest/v1/rpc/apply_payment', {
    p_provider: 'upayments',
    p_provider_ref: ref,
    p_status: 'succeeded',
    p_amount_fils: priceFils,
    p_currency: 'KWD',
  });
  return { id: user.id, email };
}

/**
 * Settles a booking's payment the way the verified UPayments webhook does, when its notification
 * has not done so yet (it may arrive first: both paths apply the payment once).
 */
export async function settleIfPending(bookingId: string, amountFils: number): Promise<void> {
  const { payment } = await service<{ payment: { id: string; status: string } }>('/rest/v1/rpc/public_booking', {
    p_booking_id: bookingId,
  });
  if (payment.status !== 'pending') return;
  await service('/rest/v1/rpc/apply_payment', {
    p_provider: 'upayments',
    p_provider_ref: null,
    p_status: 'succeeded',
    p_amount_fils: amountFils,
    p_currency: 'KWD',
    p_payment_id: payment.id,
  });
}

/** A visitor's slot held on a project tomorrow, as the booking page would hold it while they pay. */
export async function holdBooking(projectId: string, clientName: string, clientEmail: string): Promise<void> {
  const startsAt = new Date(Date.now() + 24 * 3600_000);
  await service('/rest/v1/rpc/create_booking_hold', {
    p_project_id: projectId,
    p_starts_at: startsAt.toISOString(),
    p_ends_at: new Date(startsAt.getTime() + 3600_000).toISOString(),
    p_client_name: clientName,
    p_client_email: clientEmail,
  });
}

/** Signs `email` in through the Arabic sign-in page with the emailed code and waits for the dashboard's balance. */
export async function signIn(page: Page, email: string): Promise<void> {
  const mail = await requestCode(page, email);
  await page.getByLabel(ar.t('signin.code')).fill(mail.code);
  await page.getByRole('button', { name: ar.t('signin.verify'), exact: true }).click();
  await reached(page, '/dashboard/');
  await page.getByTestId('credits-total').waitFor();
}

/** The id of the signed-in owner's newest project, read through the API with the page's own session. */
export function firstProjectId(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'));
    const token = (JSON.parse(localStorage.getItem(key ?? '') ?? '{}') as { access_token?: string }).access_token;
    const response = await fetch('/api/projects', { headers: { Authorization: `Bearer ${token}` } });
    const [newest] = ((await response.json()) as { projects: { id: string }[] }).projects;
    if (!newest) throw new Error('no project');
    return newest.id;
  });
}

/** Console errors and uncaught exceptions of a page, from now on. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** axe-core violations of impact serious or critical on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not restrict (an injected <script> would be refused).
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** The page is no wider than the viewport: nothing makes a phone scroll sideways. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, viewport } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(viewport);
}

declare global {
  interface Window {
    axe: typeof axe;
  }
}
