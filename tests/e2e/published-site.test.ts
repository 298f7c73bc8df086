/**
 * The seeded demo studio's published site in Chromium, as visitors get it at
 * http://demo-studio.localhost:<port>/: Arabic right to left at /, English left to right at /en/,
 * at a phone's 360 px and at 1280 px (no sideways scroll, axe clean, no console errors, the
 * self-hosted font loaded, screenshots), and its booking section leading to the booking flow on
 * the site's own host.
 */
import { describe, expect, it } from 'vitest';
import { newPage, siteUrl } from './helpers';
import { consoleErrors, expectNoHorizontalScroll, screenshot, seriousViolations } from './site';

const demoSite = `http://demo-studio.localhost:${new URL(siteUrl).port}`;

describe('the demo studio published site', () => {
  for (const [locale, path, dir] of [
    ['ar', '/', 'rtl'],
    ['en', '/en/', 'ltr'],
  ] as const) {
    for (const width of [360, 1280]) {
      it(`reads well in ${locale} at ${width} px`, async () => {
        const page = await newPage();
        const errors = consoleErrors(page);
        await page.setViewportSize({ width, height: 800 });
        const response = await page.goto(`${demoSite}${path}`);
        expect(response?.status()).toBe(200);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        expect(await page.locator('html').getAttribute('dir')).toBe(dir);
        expect(await page.locator('h1').first().textContent()).toBeTruthy();
        await expectNoHorizontalScroll(page);
        expect(await seriousViolations(page)).toEqual([]);
        if (locale === 'ar') {
          await page.evaluate(() => document.fonts.ready);
          expect(await page.evaluate(() => document.fonts.check('16px "Noto Kufi Arabic"', 'استوديو'))).toBe(true);
        }
        await screenshot(page, `published-site-${locale}-${width}`);
        expect(errors).toEqual([]);
      });
    }
  }

  it('switches language on the same page and leads to the booking flow on its own host', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${demoSite}/`);
    await page.locator('a[hreflang="en"]').first().click();
    await page.waitForURL(`${demoSite}/en/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.goto(`${demoSite}/`);
    await page.locator('a[href="/book/demo-studio/"]').first().click();
    await page.waitForURL(`${demoSite}/book/demo-studio/`);
    await page.getByRole('heading', { name: 'استوديو التجربة' }).waitFor();
    // The island reads the project's services through the site's own host.
    await page.getByRole('radio', { name: /جلسة تصوير/ }).waitFor();
  });
});
