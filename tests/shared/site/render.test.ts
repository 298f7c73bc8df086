/** The renderer: every valid document renders inert in both languages; the page's specifics. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SiteDocument } from '../../../shared/site/document';
import { renderRobots, renderSitemap, renderSitePage } from '../../../shared/site/render';
import { candidateDocument, validDocument } from './arbitrary';
import { context, salon } from './fixtures';

function pathsOf(doc: SiteDocument): string[] {
  const both = doc.languages.length > 1;
  return doc.pages.flatMap((p) => {
    const own = p.path === '/' ? '/' : `${p.path}/`;
    return both ? [own, `/en${own}`] : [own];
  });
}

const ALLOWED_URL = /^(?:https:\/\/|http:\/\/|tel:\+\d+$|mailto:|\/(?!\/)|#)/;

function assertInert(html: string, styles: string[]): void {
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.every((s) => s === '<script type="application/ld+json">')).toBe(true);
  expect(scripts.length).toBeLessThanOrEqual(1);
  const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}';
  expect(ld).not.toMatch(/</);
  JSON.parse(ld);
  // Outside quoted attribute values (where escaped text may say anything), no handler or style attribute.
  const tags = (html.match(/<[a-z][^>]*>/gi) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
  for (const tag of tags) {
    expect(tag).not.toMatch(/\son\w+\s*=/i);
    expect(tag).not.toMatch(/\sstyle\s*=/i);
    expect(tag).not.toMatch(/'/);
  }
  expect(html.match(/<style>/g)?.length).toBe(styles.length);
  for (const [, url] of html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)) expect(url).toMatch(ALLOWED_URL);
  const base = renderSitePage(salon(), { path: '/', context }).styles;
  expect(styles.slice(1)).toEqual(base.slice(1));
}

describe('renderSitePage (properties)', () => {
  it('renders every page of any valid document in both languages, inert', () => {
    fc.assert(
      fc.property(validDocument, (doc) => {
        for (const path of pathsOf(doc)) {
          const page = renderSitePage(doc, { path, context: { ...context, formStatus: 'sent' } });
          expect(page.status).toBe(200);
          assertInert(page.html, page.styles);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('refuses or neutralises hostile values in every field', () => {
    fc.assert(
      fc.property(candidateDocument, (candidate) => {
        const doc = candidate as SiteDocument;
        const parsed = JSON.stringify(doc);
        // Refused documents never reach the renderer; the rest must come out inert.
        if (/"href":"(?:javascript|data|vbscript):/.test(parsed)) return;
        for (const path of pathsOf(doc)) {
          try {
            const page = renderSitePage(doc, { path, context });
            assertInert(page.html, page.styles);
          } catch (error) {
            if (!(error instanceof TypeError)) throw error;
          }
        }
      }),
      { numRuns: 80 },
    );
  });
});

describe('renderSitePage', () => {
  const doc = salon();

  it('sets lang and dir, canonical, hreflang and a language switch to the same page', () => {
    const ar = renderSitePage(doc, { path: '/contact', context }).html;
    expect(ar).toContain('<html lang="ar" dir="rtl">');
    expect(ar).toContain('<link rel="canonical" href="https://lamsa.kwq8.site/contact/">');
    expect(ar).toContain('hreflang="en" href="https://lamsa.kwq8.site/en/contact/"');
    expect(ar).toContain('hreflang="x-default" href="https://lamsa.kwq8.site/contact/"');
    expect(ar).toMatch(/<a class="lang" href="\/en\/contact\/" hreflang="en" lang="en">/);
    const en = renderSitePage(doc, { path: '/en/contact/', context }).html;
    expect(en).toContain('<html lang="en" dir="ltr">');
    expect(en).toMatch(/<a class="lang" href="\/contact\/" hreflang="ar" lang="ar">/);
    expect(en).toContain('<meta property="og:locale" content="en_KW">');
  });

  it('answers the site’s own 404 in the path’s language, not indexed', () => {
    const ar = renderSitePage(doc, { path: '/nothing', context });
    expect(ar.status).toBe(404);
    expect(ar.html).toContain('الصفحة غير موجودة');
    expect(ar.html).toContain('noindex');
    const en = renderSitePage(doc, { path: '/en/nothing/', context });
    expect(en).toMatchObject({ status: 404 });
    expect(en.html).toContain('Page not found');
  });

  it('serves a single-language site at / with no alternates', () => {
    const single = { ...salon(), languages: ['en' as const] };
    const page = renderSitePage(single, { path: '/', context });
    expect(page.html).toContain('<html lang="en" dir="ltr">');
    expect(page.html).not.toContain('hreflang');
    expect(renderSitePage(single, { path: '/en/', context }).status).toBe(404);
  });

  it('shows the booking services with price and duration, money in Arabic digits', () => {
    const html = renderSitePage(doc, { path: '/', context }).html;
    expect(html).toContain('href="/book/lamsa/"');
    expect(html).toMatch(/١٢٫٥٠٠/);
    expect(html).toContain('٤٥ دقيقة');
    expect(renderSitePage(doc, { path: '/en/', context }).html).toMatch(/KWD\s?12\.500/);
  });

  it('renders the contact form as plain HTML with a honeypot and the section id', () => {
    const html = renderSitePage(doc, { path: '/contact/', context }).html;
    expect(html).toContain('<form class="form" method="post" action="/_kwq8/forms">');
    expect(html).toContain('name="website"');
    expect(html).toContain('<input type="hidden" name="section" value="contact-form">');
  });

  it('gives images width, height, alt, lazy loading except the first, and async decoding', () => {
    const withImages = salon();
    const hero = withImages.pages[0]!.sections[0]!;
    if (hero.type !== 'hero') throw new Error();
    hero.props.image = { path: 'hero.webp', width: 1200, height: 800, alt: { ar: 'الصالون', en: 'The salon' } };
    withImages.pages[0]!.sections.splice(2, 0, {
      id: 'gallery',
      type: 'gallery',
      variant: 'grid',
      props: { heading: null, images: [{ path: 'a.webp', width: 600, height: 600, alt: { ar: 'قصة', en: 'A cut' } }] },
    });
    const html = renderSitePage(withImages, { path: '/', context }).html;
    const imgs = html.match(/<img [^>]+>/g) ?? [];
    expect(imgs).toHaveLength(2);
    for (const img of imgs) expect(img).toMatch(/width="\d+" height="\d+" alt="[^"]+".* decoding="async"/);
    expect(imgs[0]).not.toContain('loading="lazy"');
    expect(imgs[1]).toContain('loading="lazy"');
    expect(renderSitePage(withImages, { path: '/', context: { ...context, imageUrl: () => null } }).html).not.toContain('<img');
  });

  it('uses logical CSS properties only, and preloads the Arabic font', () => {
    const page = renderSitePage(doc, { path: '/', context });
    const css = page.styles.join('');
    expect(css).not.toMatch(
      /(?:margin|padding|border)-(?:left|right)|(?:^|[;{])\s*(?:left|right)\s*:|text-align:\s*(?:left|right)|float:\s*(?:left|right)/,
    );
    expect(css).toContain("url(/_kwq8/fonts/noto-kufi-arabic-arabic-400-normal.woff2) format('woff2')");
    expect(css).toContain('font-display:swap');
    expect(page.html).toContain(
      '<link rel="preload" href="/_kwq8/fonts/noto-kufi-arabic-arabic-400-normal.woff2" as="font" type="font/woff2" crossorigin>',
    );
    expect(page.html.length + css.length).toBeLessThan(40_000);
  });

  it('marks a preview noindex with a ribbon', () => {
    const html = renderSitePage(doc, { path: '/', context: { ...context, preview: true } }).html;
    expect(html).toContain('<meta name="robots" content="noindex,nofollow">');
    expect(html).toContain('class="ribbon"');
  });

  it('writes the sitemap and robots.txt', () => {
    const sitemap = renderSitemap(doc, 'https://lamsa.kwq8.site');
    expect(sitemap).toContain('<loc>https://lamsa.kwq8.site/en/contact/</loc>');
    expect(sitemap).toContain('hreflang="ar" href="https://lamsa.kwq8.site/contact/"');
    expect(renderRobots('https://lamsa.kwq8.site', { preview: false })).toContain('Sitemap: https://lamsa.kwq8.site/sitemap.xml');
    expect(renderRobots('https://lamsa.kwq8.site', { preview: true })).toContain('Disallow: /');
  });
});
