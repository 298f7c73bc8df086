/** applyOperations: each operation, stale ids refused, all-or-nothing, untouched sections kept. */
import { describe, expect, it } from 'vitest';
import { applyOperations } from '../../../shared/site/operations';
import { salon } from './fixtures';

const text = { ar: 'نص', en: 'Text' };
const section = { id: 'note', type: 'text', variant: 'plain', props: { heading: null, body: text } };

describe('applyOperations', () => {
  it('adds, updates, moves, sets text and removes a section, leaving the others as they were', () => {
    const before = salon();
    const result = applyOperations(before, [
      { op: 'add_section', pageId: 'home', index: 1, section },
      { op: 'update_section', sectionId: 'note', variant: 'highlight', props: { heading: text, body: text } },
      { op: 'set_text', sectionId: 'services', pointer: '/items/0/name', value: { ar: 'قص', en: 'Cut' } },
      { op: 'move_section', sectionId: 'note', pageId: 'contact', index: 0 },
    ]);
    if (!result.ok) throw new Error(result.message);
    const home = result.document.pages[0]!;
    expect(home.sections.map((s) => s.id)).toEqual(before.pages[0]!.sections.map((s) => s.id));
    expect(result.document.pages[1]!.sections[0]).toMatchObject({ id: 'note', variant: 'highlight', props: { heading: text } });
    for (const [i, s] of home.sections.entries()) if (s.id !== 'services') expect(s).toEqual(before.pages[0]!.sections[i]);
    const services = home.sections.find((s) => s.id === 'services');
    expect(services?.type === 'services' && services.props.items[0]!.name).toEqual({ ar: 'قص', en: 'Cut' });
    expect(before.pages[1]!.sections.some((s) => s.id === 'note')).toBe(false);
    const removed = applyOperations(result.document, [{ op: 'remove_section', sectionId: 'note' }]);
    expect(removed.ok && removed.document.pages[1]!.sections.map((s) => s.id)).toEqual(before.pages[1]!.sections.map((s) => s.id));
  });

  it('adds, renames and removes pages; the home page stays', () => {
    const page = { id: 'about', path: '/about', title: text, description: text, sections: [{ ...section, id: 'about-text' }] };
    const result = applyOperations(salon(), [
      { op: 'add_page', index: 0, page },
      { op: 'rename_page', pageId: 'about', title: { ar: 'من نحن', en: 'About us' }, path: '/story' },
      { op: 'set_theme', theme: { palette: 'night', fonts: 'system', radius: 'none' } },
    ]);
    if (!result.ok) throw new Error(result.message);
    expect(result.document.pages.map((p) => p.path)).toEqual(['/', '/story', '/contact']);
    expect(result.document.theme.palette).toBe('night');
    expect(applyOperations(result.document, [{ op: 'remove_page', pageId: 'about' }]).ok).toBe(true);
    expect(applyOperations(result.document, [{ op: 'remove_page', pageId: 'home' }])).toMatchObject({
      ok: false,
      code: 'SITE_OP',
      index: 0,
    });
    expect(applyOperations(result.document, [{ op: 'rename_page', pageId: 'home', title: text, path: '/x' }]).ok).toBe(false);
  });

  it('sets the business facts', () => {
    const doc = salon();
    const result = applyOperations(doc, [{ op: 'set_business', business: { ...doc.business, phone: '96599999999' } }]);
    expect(result.ok && result.document.business.phone).toBe('96599999999');
  });

  it.each([
    [{ op: 'remove_section', sectionId: 'gone' }],
    [{ op: 'update_section', sectionId: 'gone', variant: null, props: { heading: null, body: text } }],
    [{ op: 'move_section', sectionId: 'hero', pageId: 'gone', index: 0 }],
    [{ op: 'add_section', pageId: 'gone', index: null, section }],
    [{ op: 'set_text', sectionId: 'hero', pointer: '/nothing', value: text }],
    [{ op: 'set_text', sectionId: 'hero', pointer: '/primary/link', value: text }],
    [{ op: 'add_section', pageId: 'home', index: null, section: { ...section, id: 'hero' } }],
    [{ op: 'update_section', sectionId: 'hero', variant: 'no-such', props: {} }],
    [{ op: 'update_section', sectionId: 'hero', variant: null, props: { heading: null, body: text } }],
    [{ op: 'explode' }],
  ])('refuses %j and changes nothing', (operation) => {
    const doc = salon();
    const copy = structuredClone(doc);
    const result = applyOperations(doc, [{ op: 'set_theme', theme: { palette: 'gulf', fonts: 'kufi', radius: 'soft' } }, operation]);
    expect(result).toMatchObject({ ok: false, code: 'SITE_OP', index: 1 });
    expect(doc).toEqual(copy);
  });
});
