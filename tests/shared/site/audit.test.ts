/** auditSite: unresolved links, missing alt text and texts, empty pages, each located. */
import { describe, expect, it } from 'vitest';
import { auditSite } from '../../../shared/site/audit';
import { STARTER_TYPES, starterDocument } from '../../../shared/site/templates';
import { parseSiteDocument } from '../../../shared/site/document';
import { salon } from './fixtures';

describe('starter documents', () => {
  it.each(STARTER_TYPES)('%s is valid, audits clean and has 5–8 sections on / and another page', (type) => {
    const doc = starterDocument(type, { nameAr: 'اسم', nameEn: 'Name' });
    expect(parseSiteDocument(doc).ok).toBe(true);
    expect(auditSite(doc)).toEqual([]);
    const home = doc.pages[0]!.sections.filter((s) => s.type !== 'footer' && s.type !== 'whatsapp');
    expect(home.length).toBeGreaterThanOrEqual(5);
    expect(home.length).toBeLessThanOrEqual(8);
    expect(doc.pages.length).toBeGreaterThanOrEqual(2);
  });
});

describe('auditSite', () => {
  it('reports unresolved links, missing alt, missing text and empty pages with their place', () => {
    const doc = salon();
    const hero = doc.pages[0]!.sections[0]!;
    if (hero.type !== 'hero') throw new Error('hero first');
    hero.props.primary = { label: { ar: 'أ', en: 'a' }, link: { kind: 'page', pageId: 'gone' } };
    hero.props.image = { path: 'hero.webp', width: 1200, height: 800, alt: { ar: 'صورة', en: '' } };
    hero.props.heading.en = '';
    doc.pages[1]!.sections = [];
    const problems = auditSite(doc);
    expect(problems).toEqual(
      expect.arrayContaining([
        { code: 'link_unresolved', pageId: 'home', sectionId: 'hero', path: '/pages/0/sections/0/props/primary/link', locale: null },
        { code: 'image_alt_missing', pageId: 'home', sectionId: 'hero', path: '/pages/0/sections/0/props/image/alt/en', locale: 'en' },
        { code: 'text_missing', pageId: 'home', sectionId: 'hero', path: '/pages/0/sections/0/props/heading/en', locale: 'en' },
        { code: 'page_empty', pageId: 'contact', sectionId: null, path: '/pages/1/sections', locale: null },
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('asks a single-language site only for its language', () => {
    const doc = salon();
    doc.languages = ['ar'];
    const hero = doc.pages[0]!.sections[0]!;
    if (hero.type !== 'hero') throw new Error();
    hero.props.heading.en = '';
    expect(auditSite(doc)).toEqual([]);
    hero.props.heading.ar = '';
    expect(auditSite(doc)).toMatchObject([{ code: 'text_missing', locale: 'ar' }]);
  });
});
