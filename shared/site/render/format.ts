/**
 * Numbers, money, durations, weekdays and times on published sites, through Intl with Kuwait's
 * conventions (`ar-KW`: Arabic-Indic digits; `en-KW`), as site/src/lib/format.ts does for the
 * platform's own pages. Money arrives as integer fils and reaches Intl as an exact decimal.
 */
import { CURRENCY, FILS_PER_KWD } from '../../pricing';
import type { Weekday } from '../catalogue';
import type { Locale } from '../primitives';

export const LOCALE_TAG: Record<Locale, string> = { ar: 'ar-KW', en: 'en-KW' };

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let format = formats.get(key) as T | undefined;
  if (!format) formats.set(key, (format = make()));
  return format;
}

/** 1250 → "KWD 1.250" / "١٫٢٥٠ د.ك."; whole dinars drop the ".000", as on the platform's pages. */
export function formatFils(locale: Locale, fils: number): string {
  const decimal = `${Math.trunc(fils / FILS_PER_KWD)}.${String(fils % FILS_PER_KWD).padStart(3, '0')}`;
  const format = cached(
    `fils:${locale}`,
    () => new Intl.NumberFormat(LOCALE_TAG[locale], { style: 'currency', currency: CURRENCY, trailingZeroDisplay: 'stripIfInteger' }),
  );
  return format.format(decimal as Intl.StringNumericLiteral);
}

/** 45 → "45 minutes" / "٤٥ دقيقة"; 90 → "90 minutes". */
export function formatMinutes(locale: Locale, minutes: number): string {
  return cached(
    `min:${locale}`,
    () => new Intl.NumberFormat(LOCALE_TAG[locale], { style: 'unit', unit: 'minute', unitDisplay: 'long' }),
  ).format(minutes);
}

const WEEKDAY_INDEX: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
export const SCHEMA_ORG_DAY: Record<Weekday, string> = {
  sat: 'Saturday',
  sun: 'Sunday',
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
};

export function formatWeekday(locale: Locale, day: Weekday): string {
  // 1 January 2023 was a Sunday.
  return cached(`day:${locale}`, () => new Intl.DateTimeFormat(LOCALE_TAG[locale], { weekday: 'long', timeZone: 'UTC' })).format(
    new Date(Date.UTC(2023, 0, 1 + WEEKDAY_INDEX[day])),
  );
}

/** "21:00" → "9:00 PM" / "٩:٠٠ م". */
export function formatClock(locale: Locale, time: string): string {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return cached(
    `time:${locale}`,
    () => new Intl.DateTimeFormat(LOCALE_TAG[locale], { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }),
  ).format(new Date(Date.UTC(2023, 0, 1, hours, minutes)));
}

export function formatNumber(locale: Locale, value: number): string {
  return cached(`n:${locale}`, () => new Intl.NumberFormat(LOCALE_TAG[locale])).format(value);
}
