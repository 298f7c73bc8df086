/**
 * Project slugs from names people type, Arabic or English: "مطعم الخليج!" → "مطعم-الخليج".
 * Arabic letters stay (browsers show them in the address bar), diacritics, tatweel and hamza
 * marks go (أ → ا, ؤ → و), Arabic-Indic digits become 0-9, everything else is a hyphen.
 */

import { asciiDigits } from './digits';

export const SLUG_MAX_LENGTH = 48;

/** What a valid slug looks like; the database checks the same rule. */
export const SLUG_PATTERN = /^[a-z0-9\u0621-\u063a\u0641-\u064a]+(?:-[a-z0-9\u0621-\u063a\u0641-\u064a]+)*$/;

export function slugify(name: string): string {
  return asciiDigits(name)
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, '')
    .replace(/\u0671/g, '\u0627')
    .replace(/[^a-z0-9\u0621-\u063a\u0641-\u064a]+/g, '-')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
}
