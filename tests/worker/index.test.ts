/**
 * The built Astro site through the Worker's static-assets binding: / is the Arabic right-to-left
 * landing page. (Which paths reach the Hono app first is checked against `wrangler dev` in tests/e2e.)
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('static site through the assets binding', () => {
  it('serves the Arabic landing page, right to left, with no JavaScript', async () => {
    const response = await env.ASSETS.fetch('http://kwq8.test/');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(html).toContain('ابنِ موقعك');
    expect(html).not.toMatch(/<script/i);
  });

  it('answers unknown pages with the Arabic 404 page', async () => {
    const page = await env.ASSETS.fetch('http://kwq8.test/no-such-page');
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('الصفحة غير موجودة');
  });
});
