/** parseSiteDocument: shape, limits, unique ids and paths, refused characters and URLs. */
import { describe, expect, it } from 'vitest';
import { parseSiteDocument, SITE_DOCUMENT_MAX_BYTES } from '../../../shared/site/document';
import { salon } from './fixtures';

describe('parseSiteDocument', () => {
  it('accepts a starter document', () => {
    expect(parseSiteDocument(salon()).ok).toBe(true);
  });

  it('refuses duplicate ids, duplicate paths and a first page other than /', () => {
    const doc = salon();
    doc.pages[1]!.sections[0]!.id = 'hero';
    expect(parseSiteDocument(doc)).toMatchObject({ ok: false, issues: [{ path: '/pages/1/sections/0/id' }] });
    const paths = salon();
    paths.pages[1]!.path = '/';
    expect(parseSiteDocument(paths).ok).toBe(false);
    const order = salon();
    order.pages.reverse();
    expect(parseSiteDocument(order).ok).toBe(false);
  });

  it.each(['/en', '/book', '/About', '/a/b', 'about', '/-x'])('refuses the page path %s', (path) => {
    const doc = salon();
    doc.pages[1]!.path = path;
    expect(parseSiteDocument(doc).ok).toBe(false);
  });

  it.each(['\u202e', '\u2066', '\u0000', '\u001b', '\ud800'])('refuses text with %j', (char) => {
    const doc = salon();
    doc.business.name.en = `Lamsa${char}`;
    expect(parseSiteDocument(doc).ok).toBe(false);
  });

  it.each([
    'javascript:alert(1)',
    'data:text/html,x',
    'vbscript:x',
    'http://example.com',
    'https://u:p@example.com',
    '//example.com',
    'https://x',
  ])('refuses the link URL %s', (href) => {
    const doc = salon();
    const hero = doc.pages[0]!.sections[0]!;
    if (hero.type !== 'hero') throw new Error('hero first');
    hero.props.primary = { label: { ar: 'أ', en: 'a' }, link: { kind: 'url', href } };
    expect(parseSiteDocument(doc).ok).toBe(false);
  });

  it('refuses unknown keys, missing keys and unknown section types', () => {
    expect(parseSiteDocument({ ...salon(), extra: 1 }).ok).toBe(false);
    const doc = salon() as unknown as { pages: { sections: { type: string }[] }[] };
    doc.pages[0]!.sections[0]!.type = 'script';
    expect(parseSiteDocument(doc).ok).toBe(false);
  });

  it('refuses a document over the size limit', () => {
    const doc = salon();
    const text = doc.pages[0]!.sections.find((s) => s.type === 'services')!;
    if (text.type !== 'services') throw new Error();
    text.props.items = Array.from({ length: 24 }, () => ({
      ...text.props.items[0]!,
      description: { ar: 'ع'.repeat(600), en: 'e'.repeat(600) },
    }));
    for (let i = 0; i < 10; i++) doc.pages.push({ ...doc.pages[1]!, id: `p${i}`, path: `/p${i}`, sections: [{ ...text, id: `t${i}` }] });
    const result = parseSiteDocument(doc);
    expect(result).toMatchObject({ ok: false, issues: [{ message: `larger than ${SITE_DOCUMENT_MAX_BYTES} bytes` }] });
  });
});
