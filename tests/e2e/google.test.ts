/**
 * "Continue with Google" in Chromium, from the Arabic and the English sign-in page: the local
 * stack's consent page (Arabic first, no sideways scrolling on a phone), back to the site with a
 * PKCE code, on to the dashboard in the page's language, with no console errors (a CSP refusal
 * would be one); a cancelled consent comes back as a calm message on the sign-in page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SiteLocale } from '../../site/src/i18n/locales';
import { freshEmail, newPage, reached, supabaseUrl } from './helpers';
import { consoleErrors, expectNoHorizontalScroll, i18n, screenshot, urlOf } from './site';

/** Opens the sign-in page in `locale` and presses "Continue with Google"; resolves on the consent page. */
async function toGoogle(page: Page, locale: SiteLocale): Promise<void> {
  await page.goto(urlOf(locale, '/signin/'));
  await page.locator('astro-island:not([ssr])').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: i18n[locale].t('signin.google') }).click();
  await page.waitForURL((url) => url.origin === supabaseUrl && url.pathname === '/google/o/oauth2/v2/auth');
}

describe('sign-in with Google', () => {
  it.each<[SiteLocale, string]>([
    ['ar', '/dashboard/'],
    ['en', '/en/dashboard/'],
  ])('from the %s sign-in page through the local Google page to %s', async (locale, dashboard) => {
    const page = await newPage();
    const errors = consoleErrors(page);
    await page.setViewportSize({ width: 360, height: 800 });
    await toGoogle(page, locale);
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    await expectNoHorizontalScroll(page);
    await screenshot(page, `google-consent-360-from-${locale}`);

    const email = freshEmail();
    await page.getByLabel(/Email/).fill(email);
    await page.getByRole('button', { name: /Continue/ }).click();
    await reached(page, dashboard);
    await page.getByTestId('credits-total').waitFor();
    const url = new URL(page.url());
    expect(url.search).toBe('');
    expect(url.hash).toBe('');
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(errors).toEqual([]);
  });

  it('offers the account used before, and signs the same person in again', async () => {
    const first = await newPage();
    const email = freshEmail();
    await toGoogle(first, 'en');
    await first.getByLabel(/Email/).fill(email);
    await first.getByRole('button', { name: /Continue/ }).click();
    await reached(first, '/en/dashboard/');

    const again = await newPage();
    await toGoogle(again, 'ar');
    await again.setViewportSize({ width: 360, height: 800 });
    await expectNoHorizontalScroll(again);
    await screenshot(again, 'google-consent-360-known-account');
    await again.getByRole('button', { name: email }).click();
    await reached(again, '/dashboard/');
    await again.getByTestId('credits-total').waitFor();
  });

  it('comes back calmly when the person cancels on the Google page', async () => {
    const page = await newPage();
    const errors = consoleErrors(page);
    await toGoogle(page, 'ar');
    await page.getByRole('button', { name: /Cancel/ }).click();
    await reached(page, '/signin/');
    await page
      .getByRole('alert')
      .filter({ hasText: i18n.ar.t('signin.returnFailed') })
      .waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByRole('button', { name: i18n.ar.t('signin.google') }).isEnabled()).toBe(true);
    await screenshot(page, 'signin-google-cancelled-ar');
    expect(errors).toEqual([]);
  });
});
