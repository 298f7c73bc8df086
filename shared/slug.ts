/**
 * Project slugs from names people type, Arabic or English: "مطعم الخليج!" → "مطعم-الخليج".
 * Arabic letters stay (browsers show them in the address bar). Letters that differ only in form
 * become one, so look-alike addresses cannot coexist: diacritics, tatweel and hamza marks go
 * (أ إ آ → ا, ؤ → و, ئ → ي), ى and Persian ی → ي, ک → ك, ة and the other heh forms → ه, and
 * Arabic-Indic digits become 0-9. The database repeats these steps (private.fold_slug_letters
 * and private.project_slug in supabase/migrations/20261122000100_platform_rules.sql); a test
 * runs generated strings through both and expects the same answers.
 */

import { asciiDigits } from './digits';

export const SLUG_MAX_LENGTH = 48;

/** What a valid slug looks like: lowercase a-z, digits and folded Arabic letters, in words joined by single hyphens. */
export const SLUG_PATTERN =
  /^[a-z0-9\u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a]+(?:-[a-z0-9\u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a]+)*$/;

const MARKS = /[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g;
const LOOK_ALIKES: Record<string, string> = { ى: 'ي', ی: 'ي', ٱ: 'ا', ک: 'ك', ة: 'ه', ھ: 'ه', ہ: 'ه', ە: 'ه' };

/** Folds letters that differ only in form (compatibility forms, marks, look-alikes, digits); case and other characters stay. */
export function foldSlugLetters(text: string): string {
  return asciiDigits(
    text
      .normalize('NFKC')
      .normalize('NFD')
      .replace(MARKS, '')
      .replace(/[\u0649\u06cc\u0671\u06a9\u0629\u06be\u06c1\u06d5]/g, (letter) => LOOK_ALIKES[letter]!),
  );
}

export function slugify(name: string): string {
  return foldSlugLetters(name)
    .replace(/[A-Z]/g, (letter) => letter.toLowerCase())
    .replace(/[^a-z0-9\u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a]+/g, '-')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
}
