/**
 * Punycode (RFC 3492) and domain-name normalisation: the RFC's own samples, round trips of any
 * string and of any Arabic name (fast-check), agreement with the Workers runtime's URL parser
 * (UTS-46) on Arabic names, and the names that must be refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayDomainName, parseDomainName, punycodeDecode, punycodeEncode } from '../../shared/domain-name';

const codePoints = (...points: number[]) => String.fromCodePoint(...points);

/** RFC 3492 section 7.1. */
const SAMPLES: Array<[string, string, string]> = [
  [
    'Arabic (Egyptian)',
    codePoints(
      0x0644,
      0x064a,
      0x0647,
      0x0645,
      0x0627,
      0x0628,
      0x062a,
      0x0643,
      0x0644,
      0x0645,
      0x0648,
      0x0634,
      0x0639,
      0x0631,
      0x0628,
      0x064a,
      0x061f,
    ),
    'egbpdaj6bu4bxfgehfvwxn',
  ],
  ['Chinese (simplified)', codePoints(0x4ed6, 0x4eec, 0x4e3a, 0x4ec0, 0x4e48, 0x4e0d, 0x8bf4, 0x4e2d, 0x6587), 'ihqwcrb4cv8a8dqg056pqjye'],
  [
    'Japanese with ASCII, mixed case',
    `3${codePoints(0x5e74)}B${codePoints(0x7d44, 0x91d1, 0x516b, 0x5148, 0x751f)}`,
    '3B-ww4c5e180e575a65lsy2b',
  ],
  ['ASCII only', '-> $1.00 <-', '-> $1.00 <--'],
];

/** Arabic letters (hamza to yeh), the ones every Arabic name is made of. */
const arabicLetter = fc
  .integer({ min: 0x0621, max: 0x064a })
  .filter((point) => point !== 0x0640)
  .map((point) => codePoints(point));
const arabicLabel = fc.array(arabicLetter, { minLength: 1, maxLength: 20 }).map((letters) => letters.join(''));

describe('punycode', () => {
  it.each(SAMPLES)('encodes and decodes the RFC 3492 sample: %s', (_, unicode, ascii) => {
    expect(punycodeEncode(unicode)).toBe(ascii);
    expect(punycodeDecode(ascii)).toBe(unicode);
  });

  it('decodes what it encodes, for any string of Unicode scalar values', () => {
    const scalar = fc.integer({ min: 0, max: 0x10ffff }).filter((point) => point < 0xd800 || point > 0xdfff);
    fc.assert(
      fc.property(fc.array(scalar, { maxLength: 40 }), (points) => {
        const text = codePoints(...points);
        expect(punycodeDecode(punycodeEncode(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what is not punycode', () => {
    for (const bad of ['zz', '99999999999', 'a-b!', 'ب-abc', '-']) expect(() => punycodeDecode(bad), bad).toThrow(RangeError);
  });
});

describe('parseDomainName', () => {
  it('turns an Arabic name into punycode and back', () => {
    const parsed = parseDomainName('مثال.com');
    expect(parsed).toEqual({ ok: true, name: { ascii: 'xn--mgbh0fb.com', display: 'مثال.com', tld: 'com' } });
    expect(displayDomainName('xn--mgbh0fb.com')).toBe('مثال.com');
    expect(parseDomainName('XN--MGBH0FB.COM')).toEqual(parsed);
  });

  it('agrees with the runtime URL parser (UTS-46) on any Arabic name, and round-trips it', () => {
    fc.assert(
      fc.property(arabicLabel, arabicLabel, fc.constantFrom('com', 'net'), (first, second, tld) => {
        const typed = `${first}.${second}.${tld}`;
        const parsed = parseDomainName(typed);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.name.ascii).toBe(new URL(`http://${typed}`).hostname);
        expect(parsed.name.display).toBe(typed);
        expect(parseDomainName(parsed.name.ascii)).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it('normalises what people type: spaces, case, a trailing dot, full-width forms and dots', () => {
    const plain = { ok: true, name: { ascii: 'example.com', display: 'example.com', tld: 'com' } };
    expect(parseDomainName('  Example.COM. ')).toEqual(plain);
    expect(parseDomainName('example\u3002com')).toEqual(plain);
    expect(parseDomainName('\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0ecom')).toEqual(plain);
    // Arabic presentation forms fold to the letters (as UTS-46 maps them).
    expect(parseDomainName('\ufee3\ufe9b\ufe8e\ufedd.com')).toMatchObject({ ok: true, name: { ascii: 'xn--mgbh0fb.com' } });
    expect(parseDomainName('ب١٢.net')).toMatchObject({ ok: true, name: { display: 'ب١٢.net' } });
    expect(parseDomainName('ب12.net')).toMatchObject({ ok: true, name: { display: 'ب12.net' } });
  });

  it.each([
    ['', 'invalid'],
    ['com', 'invalid'],
    ['a..com', 'invalid'],
    ['-a.com', 'invalid'],
    ['a-.com', 'invalid'],
    ['ab--c.com', 'invalid'],
    ['xn--zz.com', 'invalid'],
    ['xn--abc-.com', 'invalid'],
    ['exa mple.com', 'invalid'],
    ['example.c0m', 'invalid'],
    ['http://example.com', 'invalid'],
    [`${'a'.repeat(64)}.com`, 'invalid'],
    [`${'a'.repeat(60)}.`.repeat(5) + 'com', 'invalid'],
    ['مـثال.com', 'invalid'],
    ['١مثال.com', 'invalid'],
    ['ب١2.com', 'invalid'],
    ['café.com', 'unsupported_script'],
    ['пример.com', 'unsupported_script'],
    ['مثال.شبكة', 'unsupported_tld'],
  ])('refuses %j (%s)', (typed, problem) => {
    expect(parseDomainName(typed)).toEqual({ ok: false, problem });
  });
});
