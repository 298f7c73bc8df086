/**
 * createJsonStream (worker/features/generation/stream-json.ts): each complete element at the
 * requested array paths is reported as soon as its closing bracket arrives, whatever the chunking,
 * and the whole value at the end; broken and incomplete JSON is one JsonStreamError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJsonStream, JsonStreamError, type JsonElement } from '../../../../worker/features/generation/stream-json';

const SITE = {
  theme: { primaryColor: '#1f6f5c' },
  pages: [
    {
      id: 'home',
      sections: [
        { id: 'hero-1', type: 'hero', props: { title: { ar: 'صالون «لمسة» 💇‍♀️', en: 'Lamsa Salon' } } },
        { id: 'services-1', type: 'services', props: { items: [{ name: { ar: 'قص', en: 'Cut' }, price: 5 }] } },
      ],
    },
    { id: 'about', sections: [{ id: 'faq-1', type: 'faq', props: { items: [] } }] },
  ],
};

function feed(text: string, paths: string[], size: (index: number) => number = () => 7) {
  const elements: Array<JsonElement & { at: number }> = [];
  let at = 0;
  const stream = createJsonStream({ paths, onElement: (element) => elements.push({ ...element, at }) });
  for (let i = 0, n = 0; i < text.length; n++) {
    const chunk = text.slice(i, i + size(n));
    i += chunk.length;
    stream.write(chunk);
    at = i;
  }
  return { elements, value: stream.end() };
}

describe('createJsonStream', () => {
  it('reports each section the moment its closing brace arrives, with its path, then the whole value', () => {
    const text = JSON.stringify(SITE);
    const { elements, value } = feed(text, ['$.pages.*.sections.*'], () => 1);
    expect(elements.map((element) => element.path)).toEqual([
      ['pages', 0, 'sections', 0],
      ['pages', 0, 'sections', 1],
      ['pages', 1, 'sections', 0],
    ]);
    expect(elements.map((element) => element.value)).toEqual([
      SITE.pages[0]!.sections[0],
      SITE.pages[0]!.sections[1],
      SITE.pages[1]!.sections[0],
    ]);
    // Fed one character at a time: element i was reported inside the write of its own closing brace.
    for (const element of elements) {
      const close = text.indexOf(JSON.stringify(element.value)) + JSON.stringify(element.value).length;
      expect(element.at).toBe(close - 1);
    }
    expect(value).toEqual(SITE);
  });

  it('takes several paths, and `$` for the root itself', () => {
    const { elements } = feed(JSON.stringify({ sections: [1, 2], pages: [{ id: 'a' }] }), ['$.sections.*', '$.pages.*', '$']);
    expect(elements.map((element) => [element.path, element.value])).toEqual([
      [['sections', 0], 1],
      [['sections', 1], 2],
      [['pages', 0], { id: 'a' }],
      [[], { sections: [1, 2], pages: [{ id: 'a' }] }],
    ]);
  });

  it('accepts whitespace around the value, as models send it', () => {
    expect(feed('\n  {"sections": [ {"a": 1} ,\n {"b": 2} ] }\n\n', ['$.sections.*']).elements).toHaveLength(2);
  });

  it('is one JsonStreamError for broken JSON (thrown by that write and every later call), without quoting the text', () => {
    const stream = createJsonStream({ paths: ['$.sections.*'], onElement: () => {} });
    stream.write('{"sections": [{"title": "سر');
    let error: unknown;
    try {
      stream.write('ي"}, oops ]}');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JsonStreamError);
    expect((error as Error).message).not.toContain('oops');
    expect(() => stream.write('{}')).toThrow(JsonStreamError);
    expect(() => stream.end()).toThrow(JsonStreamError);
  });

  it('an answer cut before its end (finish length) reports the complete elements, then end() throws', () => {
    const elements: unknown[] = [];
    const stream = createJsonStream({ paths: ['$.sections.*'], onElement: ({ value }) => elements.push(value) });
    stream.write('{"sections": [{"id": "a"}, {"id": "b"}, {"id": "c", "ti');
    expect(elements).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(() => stream.end()).toThrow(JsonStreamError);
    expect(() => createJsonStream({ paths: ['$'], onElement: () => {} }).end()).toThrow(/incomplete/);
  });

  it('refuses text after the value', () => {
    const stream = createJsonStream({ paths: ['$.sections.*'], onElement: () => {} });
    stream.write('{"sections": []}');
    expect(() => stream.write(' {"again": 1}')).toThrow(JsonStreamError);
  });

  it('a number at the root is complete at end()', () => {
    const stream = createJsonStream({ paths: ['$'], onElement: () => {} });
    stream.write('12');
    stream.write('3');
    expect(stream.end()).toBe(123);
  });

  it('refuses paths it does not support', () => {
    expect(() => createJsonStream({ paths: ['$..sections'], onElement: () => {} })).toThrow(TypeError);
    expect(() => createJsonStream({ paths: ['sections.*'], onElement: () => {} })).toThrow(TypeError);
  });

  it('gives the same elements and value as JSON.parse, whatever the document and chunking', () => {
    const section = fc.record({
      id: fc.string({ maxLength: 8 }),
      n: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)),
      text: fc.string({ unit: 'grapheme', maxLength: 20 }),
      tags: fc.array(fc.string(), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(section, { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (sections, sizes, pretty) => {
          const doc = { title: 'x', sections };
          const text = pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
          const { elements, value } = feed(text, ['$.sections.*'], (n) => sizes[n % sizes.length]!);
          const expected = JSON.parse(text) as typeof doc;
          expect(value).toEqual(expected);
          expect(elements.map((element) => element.value)).toEqual(expected.sections);
          expect(elements.map((element) => element.path)).toEqual(expected.sections.map((_, index) => ['sections', index]));
        },
      ),
      { numRuns: 300 },
    );
  });
});
