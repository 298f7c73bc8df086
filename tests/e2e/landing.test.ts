/**
 * The landing page as a first visit sees it (Arabic, right to left, no JavaScript at all), and
 * `wrangler dev`'s routing: /api/* reaches the Hono app, every other path the built site.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, siteUrl } from './helpers';

/** Opens `path` and returns the script files the page requested and its <script> element count. */
async function scriptsOf(page: Page, path: string) {
  const requested: string[] = [];
  page.on('request', (request) => request.resourceType() === 'script' && requested.push(request.url()));
  await page.goto(`${siteUrl}${path}`, { waitUntil: 'networkidle' });
  return { requested, elements: await page.locator('script').count() };
}

describe('landing page', () => {
  it('is Arabic, right to left, with its text visible', async () => {
    const page = await newPage();
    const response = await page.goto(`${siteUrl}/`);
    expect(response?.status()).toBe(200);
    const html = page.locator('html');
    expect(await html.getAttribute('lang')).toBe('ar');
    expect(await html.getAttribute('dir')).toBe('rtl');
    expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
    expect(await page.getByRole('heading', { level: 1, name: 'ابنِ موقعك بالعربية في دقائق' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'ابدأ الآن' }).getAttribute('href')).toBe('/signin/');
  });

  it('loads no JavaScript, while the sign-in page loads its island', async () => {
    const landing = await scriptsOf(await newPage(), '/');
    expect(landing).toEqual({ requested: [], elements: 0 });
    // The same count on a page with an island, so a zero above means "none", not "not counted".
    const signIn = await scriptsOf(await newPage(), '/signin/');
    expect(signIn.requested.length).toBeGreaterThan(0);
  });
});

describe('wrangler dev routing', () => {
  it('sends /api/* to the API and other paths to the site', async () => {
    const api = await fetch(`${siteUrl}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND_001');
    expect(api.headers.get('X-Request-Id')).toBeTruthy();

    const page = await fetch(`${siteUrl}/no-such-page`);
    expect(page.status).toBe(404);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('الصفحة غير موجودة');
  });
});
