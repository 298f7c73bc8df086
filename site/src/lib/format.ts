/**
 * The one place the site formats numbers, credits, money, dates and lists, always through Intl
 * with the page's locale (`ar-KW` gives Arabic-Indic digits, `en-KW` Western ones). Times are
 * shown in Kuwait time, the zone the daily bonus day follows. Money arrives as integer fils.
 */
import { CURRENCY, FILS_PER_KWD } from '../../../shared/pricing';
import { LOCALE_TAG, type SiteLocale } from '../i18n/locales';

const TIME_ZONE = 'Asia/Kuwait';

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: SiteLocale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}:${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(LOCALE_TAG[locale], options)));
  return format;
}

/** Credits and counts: at most one decimal place (costs of 0.5 and 2.5 exist). */
export function formatNumber(locale: SiteLocale, value: number): string {
  return numberFormat(locale, { maximumFractionDigits: 1 }).format(value);
}

/** A change in credits with its sign: "+5", "-2.5"; zero stays "0". */
export function formatSigned(locale: SiteLocale, value: number): string {
  return numberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(value);
}

/**
 * Integer fils as KWD, e.g. 23000 → "KWD 23" / "٢٣ د.ك.", 1250 → "KWD 1.250". The amount reaches
 * Intl as an exact decimal string, never as a float; whole dinars drop the ".000".
 */
export function formatFils(locale: SiteLocale, fils: number): string {
  if (!Number.isSafeInteger(fils)) throw new TypeError('fils must be an integer');
  const abs = Math.abs(fils);
  const decimal = `${fils < 0 ? '-' : ''}${Math.trunc(abs / FILS_PER_KWD)}.${String(abs % FILS_PER_KWD).padStart(3, '0')}`;
  return numberFormat(locale, { style: 'currency', currency: CURRENCY, trailingZeroDisplay: 'stripIfInteger' }).format(
    decimal as Intl.StringNumericLiteral,
  );
}

/** "22 November 2026" in Kuwait time. */
export function formatDate(locale: SiteLocale, iso: string): string {
  return new Intl.DateTimeFormat(LOCALE_TAG[locale], { dateStyle: 'long', timeZone: TIME_ZONE }).format(new Date(iso));
}

/** "22 November 2026, 9:23 AM" in Kuwait time. */
export function formatDateTime(locale: SiteLocale, iso: string): string {
  return new Intl.DateTimeFormat(LOCALE_TAG[locale], { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE }).format(new Date(iso));
}

/** A time range on one day: "22 November 2026, 9:00 – 10:00 AM". */
export function formatDateTimeRange(locale: SiteLocale, startIso: string, endIso: string): string {
  return new Intl.DateTimeFormat(LOCALE_TAG[locale], { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE }).formatRange(
    new Date(startIso),
    new Date(endIso),
  );
}

export function formatYear(locale: SiteLocale, date: Date): string {
  return new Intl.DateTimeFormat(LOCALE_TAG[locale], { year: 'numeric', timeZone: TIME_ZONE }).format(date);
}

/** "a, b and c" / "أ وب وج". */
export function formatList(locale: SiteLocale, items: readonly string[]): string {
  return new Intl.ListFormat(LOCALE_TAG[locale], { type: 'conjunction' }).format(items);
}

/** The plural category of `n` (Arabic has six: zero, one, two, few, many, other). */
export function pluralCategory(locale: SiteLocale, n: number): Intl.LDMLPluralRule {
  return new Intl.PluralRules(LOCALE_TAG[locale]).select(n);
}

/** A weekday's name, 0 Sunday … 6 Saturday: "Sunday" / "الأحد". */
export function formatWeekday(locale: SiteLocale, weekday: number): string {
  // 1 January 2023 was a Sunday.
  return new Intl.DateTimeFormat(LOCALE_TAG[locale], { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2023, 0, 1 + weekday)));
}
