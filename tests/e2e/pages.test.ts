/**
 * Every page in both languages, as a phone (360 px) and a desktop (1280 px) show it: the right
 * `lang` and `dir`, a language switch to the same page, alternates for search engines, no
 * sideways scrolling on a phone, no console errors (a CSP refusal would be one), no serious or
 * critical axe-core violation. Screenshots of each go to test-results/e2e/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LOCALE_DIR, LOCALES, localePath, type SiteLocale } from '../../site/src/i18n/locales';
import { newPage, siteUrl } from './helpers';
import {
  consoleErrors,
  expectNoHorizontalScroll,
  firstProjectId,
  holdBooking,
  i18n,
  ownerWithPlan,
  screenshot,
  seriousViolations,
  signIn,
  urlOf,
} from './site';

interface PageSpec {
  name: string;
  path: string;
  status?: number;
  /** Opens the page and gets it to the state worth checking; resolves to the page's HTTP status. */
  open?: (page: Page, locale: SiteLocale, path: string) => Promise<number | undefined>;
}

const visit = async (page: Page, locale: SiteLocale, path: string) => (await page.goto(urlOf(locale, path)))?.status();

/** Opens the page once its island is interactive. */
async function visitIsland(page: Page, locale: SiteLocale, path: string) {
  const status = await visit(page, locale, path);
  await page.locator('astro-island:not([ssr])').waitFor({ state: 'attached' });
  return status;
}

/** Signs in an owner with a plan, a project and a booking, then opens the dashboard with the bookings and domains showing. */
async function visitDashboard(page: Page, locale: SiteLocale, path: string) {
  const owner = await ownerWithPlan('premium');
  await signIn(page, owner.email);
  const { t } = i18n.ar;
  await page.getByLabel(t('projects.name')).fill('مطعم Khaleej 2');
  await page.getByRole('button', { name: t('projects.create') }).click();
  await page.getByTestId('project').waitFor();
  await holdBooking(await firstProjectId(page), 'سارة', 'sara.al-mutairi.bookings@example.com');
  const status = await visit(page, locale, path);
  await page.getByTestId('credits-total').waitFor();
  await page.getByRole('button', { name: i18n[locale].t('projects.showBookings') }).click();
  await page.getByText(i18n[locale].t('bookings.status.held')).waitFor();
  await page.getByRole('button', { name: i18n[locale].t('domains.show') }).click();
  await page.getByText(i18n[locale].t('domains.empty')).waitFor();
  return status;
}

const PAGES: PageSpec[] = [
  { name: 'landing', path: '/' },
  { name: 'pricing', path: '/pricing/' },
  { name: 'signin', path: '/signin/', open: visitIsland },
  { name: 'dashboard', path: '/dashboard/', open: visitDashboard },
  { name: 'not-found', path: '/no-such-page/', status: 404 },
];

describe.each(LOCALES)('pages in %s', (locale) => {
  const other: SiteLocale = locale === 'ar' ? 'en' : 'ar';

  it.each(PAGES)('$name', async ({ name, path, status = 200, open = visit }) => {
    const page = await newPage();
    const errors = consoleErrors(page);
    expect(await open(page, locale, path)).toBe(status);

    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await page.locator('html').getAttribute('dir')).toBe(LOCALE_DIR[locale]);
    const switchTo = page.locator(`header a[hreflang="${other}"]`);
    expect(await switchTo.getAttribute('href')).toBe(localePath(other, status === 404 ? '/' : path));
    if (status === 200) {
      const alternates = await page
        .locator('link[rel="alternate"]')
        .evaluateAll((links) =>
          Object.fromEntries(links.map((link) => [link.getAttribute('hreflang'), new URL(link.getAttribute('href')!).pathname])),
        );
      expect(alternates).toEqual({ ar: localePath('ar', path), en: localePath('en', path), 'x-default': localePath('ar', path) });
    }

    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      if (width === 360) await expectNoHorizontalScroll(page);
      expect(await seriousViolations(page), `${name} at ${width} px`).toEqual([]);
      await screenshot(page, `${name}-${locale}-${width}`);
    }
    // The 404 page's own status is the one error a browser logs there.
    expect(errors.filter((text) => !(status === 404 && text.includes(`status of ${status}`)))).toEqual([]);
  });
});

describe('language switch', () => {
  it('goes from a page to the same page in the other language and back', async () => {
    const page = await newPage();
    await page.goto(`${siteUrl}/pricing/`);
    await page
      .locator('header')
      .getByRole('link', { name: i18n.ar.t('lang.other') })
      .click();
    await page.waitForURL(`${siteUrl}/en/pricing/`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(i18n.en.t('pricing.heading'));
    await page
      .locator('header')
      .getByRole('link', { name: i18n.en.t('lang.other') })
      .click();
    await page.waitForURL(`${siteUrl}/pricing/`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(i18n.ar.t('pricing.heading'));
  });
});
