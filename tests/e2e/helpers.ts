/**
 * What the end-to-end test files share: the URLs from the global setup, a fresh browser page per
 * test (own cookies and storage, closed when the test ends), the local mailbox, and the first
 * step of signing in as a visitor does it.
 */
import { randomUUID } from 'node:crypto';
import { chromium, type Page } from 'playwright-core';
import { inject, onTestFinished } from 'vitest';
import type { MailMessage } from '../../supabase/local/mailbox';

export const { siteUrl, supabaseUrl, wsEndpoint } = inject('e2e');

/** Arabic text the tests look for, as the islands write it. */
export const TEXT = {
  send: 'أرسل رمز الدخول',
  codeSent: 'أرسلنا رمزاً من 6 أرقام',
  verify: 'تسجيل الدخول',
  badCode: 'الرمز غير صحيح أو انتهت صلاحيته. اطلب رمزاً جديداً.',
  noPlan: 'لا توجد باقة فعّالة',
  signOut: 'تسجيل الخروج',
};

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
  await page.getByLabel('البريد الإلكتروني').fill(email);
  await page.getByRole('button', { name: TEXT.send }).click();
  await page.getByRole('status').filter({ hasText: TEXT.codeSent }).waitFor();
  return newestMail(email);
}

/** Resolves once the page is at `path` on the site (any query or fragment). */
export const reached = (page: Page, path: string) => page.waitForURL((url) => url.origin === siteUrl && url.pathname === path);
