/**
 * The edge headers of site/public/_headers as `wrangler dev` serves them: pages get a CSP with no
 * 'unsafe-inline' scripts (the inline island loaders allowed by their hashes instead), HSTS,
 * nosniff, a referrer policy and no framing; hashed assets are cached for a year.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { urlOf } from './site';

/** The directives of a CSP header, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('edge headers', () => {
  it('give every page security headers', async () => {
    for (const url of [
      urlOf('ar', '/'),
      urlOf('en', '/pricing/'),
      urlOf('ar', '/signin/'),
      urlOf('en', '/dashboard/'),
      urlOf('ar', '/book/demo-studio/'),
    ]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      const csp = directives(response.headers.get('Content-Security-Policy') ?? '');
      expect(csp.get('default-src'), url).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), url).toEqual(["'none'"]);
      expect(csp.get('object-src'), url).toEqual(["'none'"]);
      expect(csp.get('script-src'), url).not.toContain("'unsafe-inline'");
      expect(csp.get('script-src'), url).not.toContain("'unsafe-eval'");
      expect(response.headers.get('Strict-Transport-Security')).toMatch(/max-age=(\d{8,})/);
      expect(Number(/max-age=(\d+)/.exec(response.headers.get('Strict-Transport-Security')!)![1])).toBeGreaterThanOrEqual(31_536_000);
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(response.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
    }
  });

  it('allow exactly the inline scripts a page with an island ships, by hash', async () => {
    const response = await fetch(urlOf('ar', '/dashboard/'));
    const html = await response.text();
    const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map(([, body]) => body ?? '');
    expect(inline.length).toBeGreaterThan(0);
    const allowed = directives(response.headers.get('Content-Security-Policy')!).get('script-src')!;
    for (const body of inline) expect(allowed).toContain(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  });

  it('make hashed assets immutable for a year, and pages revalidate', async () => {
    const page = await fetch(urlOf('ar', '/signin/'));
    expect(page.headers.get('Cache-Control')).not.toMatch(/immutable/);
    const asset = /(\/_astro\/[^"' ]+\.js)/.exec(await page.text())?.[1];
    expect(asset).toBeTruthy();
    const response = await fetch(new URL(asset!, page.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
  });
});
