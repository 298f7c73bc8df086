/** The site's Intl formatting: money from integer fils, credits, signs, dates in Kuwait time, Arabic plural categories. */
import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatFils,
  formatList,
  formatNumber,
  formatSigned,
  formatWeekday,
  pluralCategory,
} from '../../../../site/src/lib/format';

/** The text as seen: without the bidi marks Intl puts around Arabic amounts, no-break spaces as spaces. */
const visible = (text: string) => text.replace(/[\u200e\u200f\u061c]/g, '').replace(/[\u00a0\u202f]/g, ' ');

describe('formatFils', () => {
  it('shows whole dinars without the three zeros and keeps fils exact', () => {
    expect(visible(formatFils('en', 23_000))).toBe('KWD 23');
    expect(visible(formatFils('en', 1_250))).toBe('KWD 1.250');
    expect(visible(formatFils('en', 5))).toBe('KWD 0.005');
    expect(visible(formatFils('en', -75_001))).toBe('-KWD 75.001');
    expect(visible(formatFils('ar', 23_000))).toBe('٢٣ د.ك.');
    expect(visible(formatFils('ar', 59_999))).toBe('٥٩٫٩٩٩ د.ك.');
  });

  it('refuses what is not an integer number of fils', () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) expect(() => formatFils('en', bad)).toThrow(TypeError);
  });
});

describe('numbers', () => {
  it('use Arabic-Indic digits in Arabic, one decimal at most, and a sign for changes', () => {
    expect(formatNumber('ar', 2.5)).toBe('٢٫٥');
    expect(formatNumber('en', 1234.56)).toBe('1,234.6');
    expect(visible(formatSigned('ar', -2.5))).toBe('-٢٫٥');
    expect(formatSigned('en', 5)).toBe('+5');
    expect(formatSigned('en', 0)).toBe('0');
  });
});

describe('dates', () => {
  it('are shown in Kuwait time (UTC+3)', () => {
    expect(visible(formatDateTime('en', '2026-11-21T21:30:00Z'))).toMatch(/^November 22, 2026.* 12:30 AM$/);
  });
});

describe('lists and plurals', () => {
  it('join lists the locale’s way', () => {
    expect(formatList('en', ['Premium', 'Enterprise'])).toBe('Premium and Enterprise');
    expect(formatList('ar', ['المميزة', 'المؤسسات'])).toBe('المميزة والمؤسسات');
  });

  it('give Arabic its six plural categories', () => {
    expect([0, 1, 2, 3, 11, 100, 2.5].map((n) => pluralCategory('ar', n))).toEqual(['zero', 'one', 'two', 'few', 'many', 'other', 'other']);
    expect([1, 2, 0.5].map((n) => pluralCategory('en', n))).toEqual(['one', 'other', 'other']);
  });
});

describe('formatWeekday', () => {
  it('names the weekdays from 0 Sunday to 6 Saturday, as the opening hours number them', () => {
    expect([0, 1, 6].map((weekday) => formatWeekday('en', weekday))).toEqual(['Sunday', 'Monday', 'Saturday']);
    expect([0, 5].map((weekday) => formatWeekday('ar', weekday))).toEqual(['الأحد', 'الجمعة']);
  });
});
