/**
 * Typed links to URLs, with a scheme allow-list: https, tel:, mailto: and the relative paths the
 * renderer builds itself. Links to pages and sections resolve within the document or render as
 * nothing; URLs from the caller's context are checked as well.
 */
import type { SiteDocument, SitePage } from '../document';
import { isSafeHttpsUrl, type Locale, type SiteLink } from '../primitives';
import { SafeUrl } from './html';

/** The locale-prefixed URL path of a page: `/`, `/about/`, `/en/`, `/en/about/`. */
export function pageUrlPath(document: SiteDocument, page: Pick<SitePage, 'path'>, locale: Locale): string {
  const prefix = document.languages.length > 1 && locale === 'en' ? '/en' : '';
  return page.path === '/' ? `${prefix}/` : `${prefix}${page.path}/`;
}

export const digits = (number: string) => number.replace(/\D/g, '');

export function telUrl(number: string): SafeUrl {
  return SafeUrl.trust(`tel:+${digits(number)}`);
}
export function whatsappUrl(number: string, text: string | null): SafeUrl {
  return SafeUrl.trust(`https://wa.me/${digits(number)}${text ? `?text=${encodeURIComponent(text)}` : ''}`);
}
export function mapUrl(query: string): SafeUrl {
  return SafeUrl.trust(`https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(query)}`);
}
export function mailtoUrl(address: string): SafeUrl {
  return SafeUrl.trust(`mailto:${encodeURIComponent(address).replace('%40', '@')}`);
}
const SOCIAL_BASE = {
  instagram: 'https://www.instagram.com/',
  tiktok: 'https://www.tiktok.com/@',
  snapchat: 'https://www.snapchat.com/add/',
  x: 'https://x.com/',
} as const;
export function socialUrl(network: keyof typeof SOCIAL_BASE, handle: string): SafeUrl {
  return SafeUrl.trust(SOCIAL_BASE[network] + encodeURIComponent(handle));
}
export function httpsUrl(href: string): SafeUrl | null {
  return isSafeHttpsUrl(href) ? SafeUrl.trust(new URL(href).href) : null;
}
export function relativeUrl(path: string): SafeUrl {
  if (!/^\/(?!\/)[A-Za-z0-9/._~#-]*$/.test(path) && path !== '/') throw new TypeError(`not a site path: ${path}`);
  return SafeUrl.trust(path);
}

/** A URL the caller supplies (booking page, form action, image): a site path, or http(s) without credentials. */
export function contextUrl(value: string | null | undefined): SafeUrl | null {
  if (!value || /[\s<>"'\\]/.test(value)) return null;
  if (/^\/(?!\/)/.test(value)) return SafeUrl.trust(value);
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password ? SafeUrl.trust(url.href) : null;
  } catch {
    return null;
  }
}

export interface LinkContext {
  document: SiteDocument;
  locale: Locale;
  /** The page being rendered, for links to its own sections. */
  page: SitePage | null;
  bookingHref: (locale: Locale) => string;
}

/** Where a typed link goes, or null when it cannot go anywhere (then no link is rendered). */
export function linkUrl(link: SiteLink, context: LinkContext): SafeUrl | null {
  switch (link.kind) {
    case 'page': {
      const page = context.document.pages.find((p) => p.id === link.pageId);
      return page ? relativeUrl(pageUrlPath(context.document, page, context.locale)) : null;
    }
    case 'section': {
      const page = context.document.pages.find((p) => p.sections.some((s) => s.id === link.sectionId));
      if (!page) return null;
      const base = page === context.page ? '' : pageUrlPath(context.document, page, context.locale);
      return base ? relativeUrl(`${base}#${link.sectionId}`) : SafeUrl.trust(`#${link.sectionId}`);
    }
    case 'booking':
      return contextUrl(context.bookingHref(context.locale));
    case 'phone':
      return telUrl(link.number);
    case 'whatsapp':
      return whatsappUrl(link.number, link.text ? link.text[context.locale] || link.text.ar || link.text.en : null);
    case 'email':
      return mailtoUrl(link.address);
    case 'map':
      return mapUrl(link.query);
    case 'url':
      return httpsUrl(link.href);
    default:
      return socialUrl(link.kind, link.handle);
  }
}

/** Links that leave the site. */
export function isExternal(link: SiteLink): boolean {
  return !['page', 'section', 'booking', 'phone', 'email'].includes(link.kind);
}
