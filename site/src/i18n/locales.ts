/** The site's locales: Arabic first (right-to-left), English second. */
export type SiteLocale = 'ar' | 'en';

export const LOCALE_DIR: Record<SiteLocale, 'rtl' | 'ltr'> = { ar: 'rtl', en: 'ltr' };
