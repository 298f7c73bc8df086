/** The dictionaries: the same keys in both languages, every plural category filled, placeholders split for elements. */
import { describe, expect, it } from 'vitest';
import { ar } from '../../../../site/src/i18n/ar';
import { en } from '../../../../site/src/i18n/en';
import { parts, translator } from '../../../../site/src/i18n';

describe('dictionaries', () => {
  it('have the same keys and the same placeholders in Arabic and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ar).sort());
    const placeholders = (value: unknown) =>
      [...JSON.stringify(value).matchAll(/\{(\w+)\}/g)]
        .map(([, name]) => name)
        .filter((name) => name !== 'n')
        .sort();
    for (const key of Object.keys(ar) as (keyof typeof ar)[]) expect(placeholders(en[key]), key).toEqual(placeholders(ar[key]));
  });

  it('write a credit count for every number, in Arabic grammar', () => {
    const { plural } = translator('ar');
    expect([0, 1, 2, 5, 11, 105, 0.5].map((n) => plural('unit.credits', n))).toEqual([
      '٠ نقطة',
      'نقطة واحدة',
      'نقطتان',
      '٥ نقاط',
      '١١ نقطة',
      '١٠٥ نقاط',
      '٠٫٥ نقطة',
    ]);
    expect(['1 credit', '2 credits', '0.5 credits']).toEqual([1, 2, 0.5].map((n) => translator('en').plural('unit.credits', n)));
  });
});

describe('t and parts', () => {
  it('fills placeholders, leaves unknown ones visible, and splits around them', () => {
    const { t } = translator('en');
    expect(t('projects.created', { name: 'Noor' })).toBe('Created “Noor”.');
    expect(t('projects.created')).toBe('Created “{name}”.');
    expect(parts('Sent to {email}, {n}.')).toEqual(['Sent to ', { name: 'email' }, ', ', { name: 'n' }, '.']);
  });
});
