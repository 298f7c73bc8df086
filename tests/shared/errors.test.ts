/** Every catalogue entry has Arabic and English text and an error status. */
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES } from '../../shared/errors';

const ARABIC_LETTER = /[\u0621-\u064a]/;

describe('error catalogue', () => {
  it('keeps the seed codes with their original Arabic text', () => {
    expect(ERROR_CATALOGUE.AUTH_001.ar).toBe('البريد الإلكتروني مستخدم مسبقاً');
    expect(ERROR_CATALOGUE.AUTH_003.ar).toBe('انتهت صلاحية الجلسة');
    expect(ERROR_CATALOGUE.CREDIT_001.ar).toBe('رصيدك غير كافٍ');
    expect(ERROR_CATALOGUE.DOM_001.ar).toBe('النطاق غير متاح');
  });

  it.each(ERROR_CODES)('%s has Arabic, English and a 4xx/5xx status', (code) => {
    const entry = ERROR_CATALOGUE[code];
    expect(entry.ar).toMatch(ARABIC_LETTER);
    expect(entry.en).not.toMatch(ARABIC_LETTER);
    expect(entry.en.length).toBeGreaterThan(5);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(code).toMatch(/^[A-Z]+(_[A-Z]+)?_\d{3}$/);
  });
});
