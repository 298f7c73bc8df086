/**
 * What the end-to-end test files share: the URLs from the global setup, a fresh browser page per
 * test (own cookies and storage, closed when the test ends), the local mailbox, and the first
 * step of signing in as a visitor does it.
 */
import { randomUUID } from 'node:crypto';
import { chromium, type Page } from 'playwright-core';
import { inject, onTestFinished } from 'vitest';
import { translator } from '../../site/src/i18n';
import type { MailMessage } from '../../supabase/local/mailbox';

export const { siteUrl, supabaseUrl, wsEndpoint } = inject('e2e');

const { t } = translator('ar');
/** The "code sent" status up to the address, which the island isolates for right-to-left text. */
const CODE_SENT = t('signin.sent', { email: '\u0000' }).split('\u0000')[0]!;

/** A page in a new browser context, as a first-time visitor in Kuwait would open it. */
export async function newPage(): Promise<Page> {
  const browser = await chromium.connect(wsEndpoint);
  onTestFinished(() => browser.close());
  const context = await browser.newContext({ locale: 'ar-KW', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

export const freshEmail = () => `e2e-${randomUUID()}@example.com`;

/** The newest sign-in email sent to `email`. */
export async function newestMail(email: string): Promise<MailMessage> {
  const response = await fetch(`${supabaseUrl}/mailbox/messages?${new URLSearchParams({ email })}`);
  const [newest] = (await response.json()) as MailMessage[];
  if (!newest) throw new Error('no sign-in email in the local mailbox');
  return newest;
}

/** Opens /signin/, asks for a code for `email` and waits for the "code sent" status. */
export async function requestCode(page: Page, email: string): Promise<MailMessage> {
  await page.goto(`${siteUrl}/signin/`);
  // Astro drops `ssr` once the island is hydrated; before that, the form would submit natively.
  await page.locator('astro-island:not([ssr])').waitFor({ state: 'attached' });
  await page.getByLabel(t('signin.email')).fill(email);
  await page.getByRole('button', { name: t('signin.send') }).click();
  await page.getByRole('status').filter({ hasText: CODE_SENT }).waitFor();
  return newestMail(email);
}

/** Resolves once the page is at `path` on the site (any query or fragment). */
export const reached = (page: Page, path: string) => page.waitForURL((url) => url.origin === siteUrl && url.pathname === path);
