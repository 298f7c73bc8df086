/**
 * Project slugs from names people type, Arabic or English: "عيادة الشفاء!" → "عيادة-الشفاء".
 * A slug keeps the owner's spelling (ة, ى and the hamza letters stay: browsers show them in the
 * address bar); it is only cleaned of what is not spelling (cleanSlugLetters): compatibility forms,
 * diacritics and tatweel go, Persian/Urdu letters become their Arabic ones (ی → ي, ک → ك,
 * ھ ہ ە → ه, ٱ → ا) and Arabic-Indic digits 0-9. Look-alike addresses are still one address:
 * uniqueness and lookups compare slugKey, which also folds ة → ه, ى → ي and the hamza forms
 * (أ إ آ → ا, ؤ → و, ئ → ي). The database repeats these steps (private.clean_slug_letters,
 * private.fold_slug_letters and the generated projects.slug_key in supabase/migrations/
 * 20261122000100_platform_rules.sql and 20261122001000_slug_spelling.sql); a test runs generated
 * strings through both and expects the same answers.
 */

import { asciiDigits } from './digits';

export const SLUG_MAX_LENGTH = 48;

const SLUG_LETTERS = 'a-z0-9\\u0621-\\u063a\\u0641-\\u064a';

/** What a valid slug looks like: lowercase a-z, digits and Arabic letters (no tatweel), in words joined by single hyphens. */
export const SLUG_PATTERN = new RegExp(`^[${SLUG_LETTERS}]+(?:-[${SLUG_LETTERS}]+)*$`);

const PERSIAN_LETTERS: Record<string, string> = { ی: 'ي', ک: 'ك', ھ: 'ه', ہ: 'ه', ە: 'ه', ٱ: 'ا' };

/** A slug's letters as stored: spelling kept, compatibility forms, marks, tatweel and Persian letter variants cleaned; case and other characters stay. */
export function cleanSlugLetters(text: string): string {
  return asciiDigits(
    text
      .normalize('NFKC')
      .normalize('NFD')
      // Hamza marks (U+0653-U+0655) stay through NFD so that NFC recomposes أ إ آ ؤ ئ.
      .replace(/[\u0300-\u036f\u064b-\u0652\u0656-\u065f\u0670\u0640]/g, '')
      .replace(/[\u06cc\u06a9\u06be\u06c1\u06d5\u0671]/g, (letter) => PERSIAN_LETTERS[letter]!),
  )
    .normalize('NFC')
    .replace(/[\u0653-\u0655]/g, '');
}

const LOOK_ALIKES: Record<string, string> = { ى: 'ي', ی: 'ي', ٱ: 'ا', ک: 'ك', ة: 'ه', ھ: 'ه', ہ: 'ه', ە: 'ه' };

/** The key look-alike slugs share (unique, and what lookups compare): marks and hamza dropped, look-alike letters folded, digits 0-9; case and other characters stay. */
export function slugKey(text: string): string {
  return asciiDigits(
    text
      .normalize('NFKC')
      .normalize('NFD')
      .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, '')
      .replace(/[\u0649\u06cc\u0671\u06a9\u0629\u06be\u06c1\u06d5]/g, (letter) => LOOK_ALIKES[letter]!),
  );
}

/** The slug a name gives: cleaned letters, Latin lower-cased, anything else a single hyphen, at most 48 characters. */
export function slugify(name: string): string {
  return cleanSlugLetters(name)
    .replace(/[A-Z]/g, (letter) => letter.toLowerCase())
    .replace(new RegExp(`[^${SLUG_LETTERS}]+`, 'g'), '-')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
}
