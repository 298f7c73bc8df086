/**
 * `t(key, values)` and `plural(key, n)` over the locale's dictionary. The Arabic dictionary
 * defines the keys; the English one has the same keys, checked by its type. Placeholders are
 * `{name}`; `parts()` splits a message around them so views can put elements (<bdi>, links) there.
 */
import { formatNumber, pluralCategory } from '../lib/format';
import { ar } from './ar';
import { en } from './en';
import type { SiteLocale } from './locales';
import type { Plural } from './messages';

type Arabic = typeof ar;

/** Every locale's dictionary: the Arabic keys, strings where Arabic has strings, plurals where it has plurals. */
export type Dictionary = { [K in keyof Arabic]: Arabic[K] extends string ? string : Plural };
export type TextKey = { [K in keyof Arabic]: Arabic[K] extends string ? K : never }[keyof Arabic];
export type PluralKey = Exclude<keyof Arabic, TextKey>;

const DICTIONARIES: Record<SiteLocale, Dictionary> = { ar, en };

export type Values = Record<string, string | number>;

/** "{name}" → the value; placeholders without a value stay as written, so a gap is visible. */
function fill(template: string, values: Values = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** "Sent to {email}." → ["Sent to ", {name: "email"}, "."]. */
export function parts(template: string): Array<string | { name: string }> {
  return template
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((part) => (/^\{\w+\}$/.test(part) ? { name: part.slice(1, -1) } : part));
}

/** Wraps a value of unknown direction (a name, an address) in first-strong isolates for use inside plain-text messages. */
export const isolate = (text: string) => `\u2068${text}\u2069`;

export interface Translator {
  locale: SiteLocale;
  t(key: TextKey, values?: Values): string;
  /** The plural form of `key` for `n`, with `{n}` as the locale formats the number. */
  plural(key: PluralKey, n: number): string;
}

export function translator(locale: SiteLocale): Translator {
  const dictionary = DICTIONARIES[locale];
  return {
    locale,
    t: (key, values) => fill(dictionary[key], values),
    plural(key, n) {
      const forms = dictionary[key];
      return fill(forms[pluralCategory(locale, n)] ?? forms.other, { n: formatNumber(locale, n) });
    },
  };
}
