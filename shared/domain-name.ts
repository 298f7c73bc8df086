/**
 * Domain names as people type them and as DNS and Namecheap need them: normalised (spaces, case,
 * a trailing dot, compatibility forms, full-width dots), Arabic labels turned into punycode
 * (RFC 3492, `xn--…`) and punycode turned back into Arabic for display. Labels are plain ASCII
 * (letters, digits, hyphens) or Arabic script (letters, marks, digits, hyphens; a letter first, no
 * mixed digit sets, as IDNA's bidi rule requires); other scripts are reported as unsupported
 * rather than guessed at. No Node or browser API beyond String, so the Worker and the site share it.
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAX_INT = 0x7fffffff;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : Math.floor(delta / 2);
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

const threshold = (k: number, bias: number) => (k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias);

/** 0–25 → a–z, 26–35 → 0–9. */
const digitChar = (digit: number) => String.fromCharCode(digit < 26 ? 97 + digit : 22 + digit);

function charDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 22;
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 97;
  return BASE;
}

/** RFC 3492 encoding of one label (without the `xn--` prefix). */
export function punycodeEncode(input: string): string {
  const points = Array.from(input, (char) => char.codePointAt(0)!);
  let output = points
    .filter((point) => point < 0x80)
    .map((point) => String.fromCharCode(point))
    .join('');
  const basic = output.length;
  if (basic > 0) output += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  let handled = basic;
  while (handled < points.length) {
    const m = Math.min(...points.filter((point) => point >= n));
    if (m - n > Math.floor((MAX_INT - delta) / (handled + 1))) throw new RangeError('punycode overflow');
    delta += (m - n) * (handled + 1);
    n = m;
    for (const point of points) {
      if (point < n && ++delta > MAX_INT) throw new RangeError('punycode overflow');
      if (point !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias);
        if (q < t) break;
        output += digitChar(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += digitChar(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

/** RFC 3492 decoding of one label (without the `xn--` prefix); RangeError when it is not valid punycode. */
export function punycodeDecode(input: string): string {
  const delimiter = input.lastIndexOf('-');
  const basic = Math.max(delimiter, 0);
  const output: number[] = [];
  for (let index = 0; index < basic; index++) {
    const code = input.charCodeAt(index);
    if (code >= 0x80) throw new RangeError('non-basic code point before the delimiter');
    output.push(code);
  }
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  for (let position = basic > 0 ? basic + 1 : 0; position < input.length;) {
    const before = i;
    let weight = 1;
    for (let k = BASE; ; k += BASE) {
      if (position >= input.length) throw new RangeError('truncated punycode');
      const digit = charDigit(input.charCodeAt(position++));
      if (digit >= BASE) throw new RangeError('invalid punycode digit');
      if (digit > Math.floor((MAX_INT - i) / weight)) throw new RangeError('punycode overflow');
      i += digit * weight;
      const t = threshold(k, bias);
      if (digit < t) break;
      if (weight > Math.floor(MAX_INT / (BASE - t))) throw new RangeError('punycode overflow');
      weight *= BASE - t;
    }
    const length = output.length + 1;
    bias = adapt(i - before, length, before === 0);
    if (Math.floor(i / length) > MAX_INT - n) throw new RangeError('punycode overflow');
    n += Math.floor(i / length);
    i %= length;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) throw new RangeError('not a Unicode scalar value');
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Arabic-script letters, marks and digits, ASCII digits and hyphens; never the tatweel (U+0640), which IDNA disallows. */
const ARABIC_LABEL = /^(?:(?=[\p{L}\p{M}\p{Nd}])\p{Script=Arabic}|[0-9-])+$/u;
const ARABIC_INDIC_DIGIT = /[\u0660-\u0669]/;
/** Digits of bidi class EN: ASCII and Extended Arabic-Indic. */
const EUROPEAN_DIGIT = /[0-9\u06f0-\u06f9]/;

/** An Arabic label IDNA accepts: starts with a letter, ends with a letter or digit (marks after it), one digit set. */
function isArabicLabel(label: string): boolean {
  return (
    ARABIC_LABEL.test(label) &&
    !label.includes('\u0640') &&
    /^\p{L}/u.test(label) &&
    /[\p{L}\p{Nd}]\p{M}*$/u.test(label) &&
    !(ARABIC_INDIC_DIGIT.test(label) && EUROPEAN_DIGIT.test(label))
  );
}

export interface DomainName {
  /** What DNS and Namecheap take: lower-case ASCII, Arabic labels as `xn--…`. */
  ascii: string;
  /** What people read: Arabic labels in Arabic. */
  display: string;
  /** The last label, ASCII letters (e.g. `com`). */
  tld: string;
}

/** `unsupported_script`: a label in a script other than Latin or Arabic; `unsupported_tld`: an IDN top-level domain. */
export type DomainNameProblem = 'invalid' | 'unsupported_script' | 'unsupported_tld';

export type ParsedDomainName = { ok: true; name: DomainName } | { ok: false; problem: DomainNameProblem };

const invalid: ParsedDomainName = { ok: false, problem: 'invalid' };

/** One label in both forms, or why it cannot be a label. */
function parseLabel(label: string): { ascii: string; display: string } | DomainNameProblem {
  if (/^[\x00-\x7f]*$/.test(label)) {
    if (!ASCII_LABEL.test(label)) return 'invalid';
    if (label.slice(2, 4) !== '--') return { ascii: label, display: label };
    if (!label.startsWith('xn--')) return 'invalid';
    let decoded: string;
    try {
      decoded = punycodeDecode(label.slice(4));
    } catch {
      return 'invalid';
    }
    if (!isArabicLabel(decoded) || decoded.normalize('NFKC').toLowerCase() !== decoded || punycodeEncode(decoded) !== label.slice(4))
      return 'invalid';
    return { ascii: label, display: decoded };
  }
  if (!isArabicLabel(label)) {
    const otherScript = /^[\p{L}\p{M}\p{N}-]+$/u.test(label) && !/\p{Script=Arabic}/u.test(label);
    return otherScript ? 'unsupported_script' : 'invalid';
  }
  const ascii = `xn--${punycodeEncode(label)}`;
  return ascii.length <= 63 ? { ascii, display: label } : 'invalid';
}

/**
 * A typed name in both forms: trimmed, compatibility forms folded (NFKC) and lower-cased, one
 * trailing dot dropped, ideographic and full-width full stops read as dots; at least two labels,
 * 253 ASCII characters at most, and a top-level domain of ASCII letters.
 */
export function parseDomainName(input: string): ParsedDomainName {
  if (typeof input !== 'string' || input.length > 1000) return invalid;
  const typed = input
    .trim()
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u3002\uff0e\uff61]/g, '.')
    .replace(/\.$/, '');
  const labels = typed.split('.');
  if (labels.length < 2) return invalid;
  const ascii: string[] = [];
  const display: string[] = [];
  for (const label of labels) {
    const parsed = parseLabel(label);
    if (typeof parsed === 'string') return { ok: false, problem: parsed };
    ascii.push(parsed.ascii);
    display.push(parsed.display);
  }
  const name = ascii.join('.');
  if (name.length > 253) return invalid;
  if (!/^[a-z]{2,63}$/.test(ascii.at(-1)!)) return ascii.at(-1)!.startsWith('xn--') ? { ok: false, problem: 'unsupported_tld' } : invalid;
  return { ok: true, name: { ascii: name, display: display.join('.'), tld: ascii.at(-1)! } };
}

/** The readable form of an ASCII name (from Namecheap or the database); labels that are not valid punycode stay as they are. */
export function displayDomainName(ascii: string): string {
  const parsed = parseDomainName(ascii);
  return parsed.ok ? parsed.name.display : ascii;
}
