/**
 * The one renderer of published sites and the builder's preview: a request path to a whole HTML
 * page (or the site's own 404) in the path's language, plus the sitemap and robots.txt. Output has
 * no script but the JSON-LD data block, no style attributes and no event handlers, so a strict CSP
 * with the returned styles' hashes covers it.
 */
import type { SiteDocument, SitePage } from '../document';
import type { Locale } from '../primitives';
import { SCHEMA_ORG_DAY } from './format';
import { escapeHtml, markup, trusted, type Html } from './html';
import { contextUrl, pageUrlPath, relativeUrl, socialUrl } from './links';
import { pick, renderSection, type BookableService, type SectionState } from './sections';
import { baseCss, fontFile, themeCss, usesKufi } from './styles';
import { WORDS } from './words';

export interface RenderContext {
  /** The site's origin, e.g. https://salon.kwq8.site, for canonical, hreflang, Open Graph and the sitemap. */
  origin: string;
  /** The public URL of a file in the project's folder of the public bucket; null renders no <img>. */
  imageUrl: (path: string) => string | null;
  /** Where the font files are served, e.g. '/_kwq8'. */
  assetBase: string;
  /** The project's booking page (the booking flow) in a locale. */
  bookingHref: (locale: Locale) => string;
  services: readonly BookableService[];
  /** POST URL of contact forms. */
  formAction: string;
  formStatus?: 'sent' | 'error' | null;
  /** Adds noindex and a "preview" ribbon. */
  preview: boolean;
}

export interface RenderedPage {
  status: 200 | 404;
  html: string;
  /** The exact text of each inline <style> element, for `style-src 'sha256-…'`. */
  styles: string[];
}

const DIR: Record<Locale, 'rtl' | 'ltr'> = { ar: 'rtl', en: 'ltr' };
const OG_LOCALE: Record<Locale, string> = { ar: 'ar_KW', en: 'en_KW' };
const SCHEMA_TYPE: Record<SiteDocument['business']['type'], string> = {
  salon: 'BeautySalon',
  clinic: 'MedicalClinic',
  restaurant: 'Restaurant',
  coach: 'ProfessionalService',
  shop: 'Store',
  other: 'LocalBusiness',
};

/** The page and language a request path names, or null. */
export function resolveSitePath(document: SiteDocument, path: string): { locale: Locale; page: SitePage | null } {
  const bilingual = document.languages.length > 1;
  let locale: Locale = bilingual ? 'ar' : document.languages[0]!;
  let rest = path;
  if (bilingual && (path === '/en' || path.startsWith('/en/'))) {
    locale = 'en';
    rest = path.slice(3) || '/';
  }
  const normal = rest.length > 1 && rest.endsWith('/') ? rest.slice(0, -1) : rest;
  return { locale, page: document.pages.find((page) => page.path === normal) ?? null };
}

function origin(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('origin: not http(s)');
  return url.origin;
}

/** JSON as an HTML data block: `<` and line separators escaped so nothing can close the element. */
function jsonData(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function localBusiness(document: SiteDocument, locale: Locale, url: string, image: string | null): unknown {
  const b = document.business;
  const hours = document.pages.flatMap((page) => page.sections).find((s) => s.type === 'opening_hours');
  const social = document.pages
    .flatMap((page) => page.sections)
    .flatMap((s) => (s.type === 'social' ? s.props.accounts.map((a) => socialUrl(a.network, a.handle).value) : []));
  return {
    '@context': 'https://schema.org',
    '@type': SCHEMA_TYPE[b.type],
    name: pick(b.name, locale),
    url,
    ...(b.tagline ? { description: pick(b.tagline, locale) } : {}),
    ...(b.phone ? { telephone: `+${b.phone.replace(/^\+/, '')}` } : {}),
    ...(b.email ? { email: b.email } : {}),
    ...(image ? { image } : {}),
    ...(b.address || b.city
      ? {
          address: {
            '@type': 'PostalAddress',
            ...(b.address ? { streetAddress: pick(b.address, locale) } : {}),
            ...(b.city ? { addressLocality: pick(b.city, locale) } : {}),
            addressCountry: 'KW',
          },
        }
      : {}),
    ...(hours && hours.type === 'opening_hours'
      ? {
          openingHoursSpecification: hours.props.days.flatMap((d) =>
            d.periods.map((p) => ({
              '@type': 'OpeningHoursSpecification',
              dayOfWeek: SCHEMA_ORG_DAY[d.day],
              opens: p.opens,
              closes: p.closes,
            })),
          ),
        }
      : {}),
    ...(social.length ? { sameAs: social } : {}),
  };
}

function heroImageUrl(page: SitePage | null, context: RenderContext): string | null {
  const hero = page?.sections.find((s) => s.type === 'hero');
  const path = hero && hero.type === 'hero' ? hero.props.image?.path : undefined;
  return path ? (contextUrl(context.imageUrl(path))?.value ?? null) : null;
}

/**
 * Renders the page at a request path: `/` and `/<page>` in Arabic, `/en/` and `/en/<page>` in
 * English (a single-language site serves its language at `/`); anything else is the site's 404.
 */
export function renderSitePage(document: SiteDocument, { path, context }: { path: string; context: RenderContext }): RenderedPage {
  const { locale, page } = resolveSitePath(document, path);
  const base = origin(context.origin);
  const words = WORDS[locale];
  const other: Locale | null = document.languages.length > 1 ? (locale === 'ar' ? 'en' : 'ar') : null;
  const home = document.pages[0]!;
  const styles = [themeCss(document.theme), baseCss(context.assetBase)];

  const state: SectionState = {
    document,
    locale,
    page,
    bookingHref: context.bookingHref,
    imageUrl: context.imageUrl,
    services: context.services,
    formAction: context.formAction,
    formStatus: context.formStatus ?? null,
    eagerImage: true,
  };

  const name = pick(document.business.name, locale);
  const title = page ? (page === home ? name : `${pick(page.title, locale)} | ${name}`) : `${words.notFoundTitle} | ${name}`;
  const description = page ? pick(page.description, locale) : '';
  const selfPath = page ? pageUrlPath(document, page, locale) : null;
  const canonical = selfPath ? base + selfPath : null;
  const image = heroImageUrl(page, context);

  const head: Html[] = [
    markup`<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>`,
    description ? markup`<meta name="description" content="${description}">` : markup``,
    context.preview || !page ? markup`<meta name="robots" content="noindex,nofollow">` : markup``,
  ];
  if (page && canonical) {
    head.push(markup`<link rel="canonical" href="${canonical}">`);
    if (other) {
      const ar = base + pageUrlPath(document, page, 'ar');
      head.push(
        markup`<link rel="alternate" hreflang="ar" href="${ar}"><link
            rel="alternate"
            hreflang="en"
            href="${base + pageUrlPath(document, page, 'en')}"
         ><link rel="alternate" hreflang="x-default" href="${ar}">`,
      );
    }
    head.push(
      markup`<meta property="og:type" content="website"><meta property="og:site_name" content="${name}"><meta
          property="og:title"
          content="${title}"
       ><meta property="og:description" content="${description}"><meta property="og:url" content="${canonical}"><meta
          property="og:locale"
          content="${OG_LOCALE[locale]}"
       >${
         other ? markup`<meta property="og:locale:alternate" content="${OG_LOCALE[other]}">` : ''
       }${image ? markup`<meta property="og:image" content="${image}">` : ''}`,
    );
  }
  if (usesKufi(document.theme)) {
    head.push(
      markup`<link
        rel="preload"
        href="${relativeOrAbsolute(fontFile(context.assetBase, 'arabic', 400))}"
        as="font"
        type="font/woff2"
        crossorigin
     >`,
    );
  }
  head.push(trusted(styles.map((css) => `<style>${css}</style>`).join('')));
  if (page && canonical)
    head.push(trusted(`<script type="application/ld+json">${jsonData(localBusiness(document, locale, canonical, image))}</script>`));

  const nav =
    document.pages.length > 1
      ? markup`<nav aria-label="${words.nav}">
          <ul class="nav">
            ${document.pages.map(
              (p) =>
                markup`<li>
                  <a href="${relativeUrl(pageUrlPath(document, p, locale))}" ${p === page ? trusted(' aria-current="page"') : ''}
                    >${pick(p.title, locale)}</a
                  >
                </li>`,
            )}
          </ul>
        </nav>`
      : '';
  const switchTo = other ? relativeUrl(pageUrlPath(document, page ?? home, other)) : null;
  const logo = document.business.logo;
  const logoUrl = logo ? contextUrl(context.imageUrl(logo.path)) : null;
  const header = markup`<header class="top">
    <div class="wrap bar">
      <a class="brand" href="${relativeUrl(pageUrlPath(document, home, locale))}"
        >${logo && logoUrl ? markup`<img src="${logoUrl}" width="${logo.width}" height="${logo.height}" alt="" decoding="async">` : ''}<bdi
          >${name}</bdi
        ></a
      >${nav}${
        switchTo && other ? markup`<a class="lang" href="${switchTo}" hreflang="${other}" lang="${other}">${words.otherLanguage}</a>` : ''
      }
    </div>
  </header>`;

  const sections = page?.sections ?? [];
  const inMain = sections.filter((s) => s.type !== 'footer' && !(s.type === 'whatsapp' && s.variant === 'floating'));
  // The 404 keeps the home page's footer, so a lost visitor still finds the way and the contacts.
  const footers = (page ? sections : home.sections).filter((s) => s.type === 'footer');
  const floating = sections.filter((s) => s.type === 'whatsapp' && s.variant === 'floating');
  const main = page
    ? markup`${inMain.some((s) => s.type === 'hero') ? '' : markup`<h1 class="sr">${pick(page.title, locale)}</h1>`}${inMain.map((s) => renderSection(s, state))}`
    : markup`<section class="s nf">
        <div class="wrap">
          <h1>${words.notFoundTitle}</h1>
          <p class="lead">${words.notFoundText}</p>
          <div class="btns"><a class="btn" href="${relativeUrl(pageUrlPath(document, home, locale))}">${words.home}</a></div>
        </div>
      </section>`;

  const body = markup`<a class="skip" href="#_main">${words.skip}</a
    >${context.preview ? markup`<div class="ribbon" role="note">${words.preview}</div>` : ''}${header}
    <main id="_main">${main}</main>
    ${footers.map((s) => renderSection(s, state))}${floating.map((s) => renderSection(s, state))}`;

  return {
    status: page ? 200 : 404,
    html: `<!doctype html><html lang="${locale}" dir="${DIR[locale]}"><head>${head.join('')}</head><body>${body.value}</body></html>`,
    styles,
  };
}

function relativeOrAbsolute(url: string) {
  return contextUrl(url) ?? relativeUrl('/');
}

/** sitemap.xml: every page in every language, with its alternates. */
export function renderSitemap(document: SiteDocument, siteOrigin: string): string {
  const base = origin(siteOrigin);
  const bilingual = document.languages.length > 1;
  const urls = document.pages.flatMap((page) =>
    document.languages.map((locale) => {
      const alternates = bilingual
        ? document.languages
            .map((alt) => `<xhtml:link rel="alternate" hreflang="${alt}" href="${escapeHtml(base + pageUrlPath(document, page, alt))}"/>`)
            .join('')
        : '';
      return `<url><loc>${escapeHtml(base + pageUrlPath(document, page, locale))}</loc>${alternates}</url>`;
    }),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">${urls.join('')}</urlset>\n`;
}

/** robots.txt: a preview is never indexed; a published site points at its sitemap. */
export function renderRobots(siteOrigin: string, { preview }: { preview: boolean }): string {
  return preview ? 'User-agent: *\nDisallow: /\n' : `User-agent: *\nAllow: /\n\nSitemap: ${origin(siteOrigin)}/sitemap.xml\n`;
}
