/**
 * The marketing pages as a first visit sees them (the landing page in Arabic, right to left,
 * and neither it nor pricing loading any JavaScript, in either language), and `wrangler dev`'s
 * routing: /api/* reaches the Hono app, every other path the built site.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatFils } from '../../site/src/lib/format';
import { CREDIT_PACKS, CREDIT_PACK_IDS, TIERS, TIER_IDS } from '../../shared/pricing';
import { newPage, siteUrl } from './helpers';
import { ar, en, urlOf } from './site';

/**
 * Opens `url` and returns the script files the page requested until its load event (an island's
 * loader asks for its modules before that) and its <script> element count.
 */
async function scriptsOf(page: Page, url: string) {
  const requested: string[] = [];
  page.on('request', (request) => request.resourceType() === 'script' && requested.push(request.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { requested, elements: await page.locator('script').count() };
}

describe('landing page', () => {
  it('is Arabic, right to left, with its text visible', async () => {
    const page = await newPage();
    const response = await page.goto(`${siteUrl}/`);
    expect(response?.status()).toBe(200);
    expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
    expect(await page.getByRole('heading', { level: 1, name: ar.t('landing.heading') }).isVisible()).toBe(true);
    expect(
      await page
        .getByRole('main')
        .getByRole('link', { name: ar.t('landing.start') })
        .getAttribute('href'),
    ).toBe('/signin/');
  });

  it('loads the self-hosted Arabic font and nothing from another origin', async () => {
    const page = await newPage();
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    await page.goto(`${siteUrl}/`, { waitUntil: 'networkidle' });
    expect(await page.evaluate(() => document.fonts.check('700 16px "Noto Kufi Arabic"', 'ابن'))).toBe(true);
    expect([...origins]).toEqual([siteUrl]);
  });
});

describe('pricing page', () => {
  it('shows every plan and credit pack in KWD, from shared/pricing.ts', async () => {
    for (const { t, locale } of [ar, en]) {
      const page = await newPage();
      await page.goto(urlOf(locale, '/pricing/'));
      for (const id of TIER_IDS) {
        const plan = page.locator(`[data-tier="${id}"]`);
        expect(await plan.getByRole('heading').textContent()).toBe(t(`tier.${id}`));
        expect(await plan.locator('.price strong').textContent()).toBe(formatFils(locale, TIERS[id].priceFils));
      }
      for (const id of CREDIT_PACK_IDS) {
        const pack = page.locator(`[data-pack="${id}"]`);
        expect(await pack.getByRole('heading').textContent()).toBe(t(`pack.${id}`));
        expect(await pack.locator('.price strong').textContent()).toBe(formatFils(locale, CREDIT_PACKS[id].priceFils));
      }
    }
  });
});

describe('marketing pages', () => {
  it.each([urlOf('ar', '/'), urlOf('ar', '/pricing/'), urlOf('en', '/'), urlOf('en', '/pricing/')])(
    '%s loads no JavaScript',
    async (url) => {
      expect(await scriptsOf(await newPage(), url)).toEqual({ requested: [], elements: 0 });
    },
  );

  it('counts scripts where there are some: the sign-in page loads its island', async () => {
    // The same count on a page with an island, so a zero above means "none", not "not counted".
    expect((await scriptsOf(await newPage(), urlOf('ar', '/signin/'))).requested.length).toBeGreaterThan(0);
  });
});

describe('wrangler dev routing', () => {
  it('sends /api/* to the API and other paths to the site, with the 404 page in the path’s language', async () => {
    const api = await fetch(`${siteUrl}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND_001');
    expect(api.headers.get('X-Request-Id')).toBeTruthy();

    for (const { t, locale } of [ar, en]) {
      const page = await fetch(urlOf(locale, '/no-such-page'));
      expect(page.status).toBe(404);
      expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain(t('notFound.heading'));
    }
  });
});
