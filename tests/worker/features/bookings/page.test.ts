/** GET /book/<slug>/ and /en/book/<slug>/: the one built booking page, in its language, for any slug (run after `npm run build`). */
import { describe, expect, it } from 'vitest';
import { call } from '../../../support/api';

describe('the booking page route', () => {
  it.each([
    ['/book/demo-studio/', 'ar', 'rtl'],
    [`/book/${encodeURIComponent('استوديو-علي')}/`, 'ar', 'rtl'],
    ['/en/book/demo-studio/', 'en', 'ltr'],
    ['/book/demo-studio/?booking=3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f&token=x', 'ar', 'rtl'],
  ])('%s answers the %s page with its island', async (path, lang, dir) => {
    const response = await call('GET', path);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain(`<html lang="${lang}" dir="${dir}"`);
    expect(html).toContain('<astro-island');
    expect(html).toContain('BookingFlow');
  });

  it('keeps the security headers of the static site (site/public/_headers), with images from Storage allowed', async () => {
    const response = await call('GET', '/en/book/demo-studio/');
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/img-src [^;]*https:\/\/\*\.supabase\.co/);
    expect(response.headers.get('Strict-Transport-Security')).toMatch(/max-age=\d{8,}/);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
  });
});
