/**
 * The site's locales and their URLs: Arabic first (right to left) at `/`, English (left to right)
 * under `/en/`. Views work with locale-neutral paths ("/pricing/") and turn them into URLs here.
 */
export type SiteLocale = 'ar' | 'en';

export const LOCALES: readonly SiteLocale[] = ['ar', 'en'];
export const DEFAULT_LOCALE: SiteLocale = 'ar';

export const LOCALE_DIR: Record<SiteLocale, 'rtl' | 'ltr'> = { ar: 'rtl', en: 'ltr' };

/** BCP 47 tags for Intl: Kuwait's conventions (Arabic-Indic digits in Arabic, the dinar). */
export const LOCALE_TAG: Record<SiteLocale, string> = { ar: 'ar-KW', en: 'en-KW' };

/** The URL of a locale-neutral path in `locale`: ("/pricing/", "en") → "/en/pricing/". */
export function localePath(locale: SiteLocale, path: string): string {
  return locale === DEFAULT_LOCALE ? path : `/${locale}${path}`;
}

/** The locale a URL path belongs to and its locale-neutral path: "/en/pricing/" → en, "/pricing/". */
export function splitLocale(pathname: string): { locale: SiteLocale; path: string } {
  const match = /^\/(en)(\/.*)?$/.exec(pathname);
  return match ? { locale: 'en', path: match[2] ?? '/' } : { locale: DEFAULT_LOCALE, path: pathname };
}
