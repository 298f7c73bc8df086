/**
 * fast-check arbitraries for site documents, walked from the generated JSON Schema (so every
 * catalogue type and field is covered), with texts that mix Arabic, Latin and hostile markup.
 */
import fc from 'fast-check';
import generated from '../../../shared/site/json-schema.generated.json';
import * as P from '../../../shared/site/primitives';
import { parseSiteDocument, type SiteDocument } from '../../../shared/site/document';

type Schema = Record<string, unknown>;

export const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  'javascript:alert(1)',
  '</style><script>x</script>',
  '}body{display:none}',
  '</script><script>alert(1)</script>',
  '&lt;b&gt;',
  '<!--',
  ']]>',
];
const fragment = fc.oneof(
  fc.constantFrom('صالون', 'لمسة', 'Salmiya', 'قص ', 'KWD ', '12:00', '٢٣', '\n', ' '),
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 6 }),
);
const text = fc.array(fragment, { maxLength: 4 }).map((parts) => parts.join('').slice(0, 80));

const BY_PATTERN: Record<string, fc.Arbitrary<string>> = {
  [P.ID_PATTERN.source]: fc.constantFrom('a', 'b'),
  [P.PAGE_PATH_PATTERN.source]: fc.constantFrom('/', '/x'),
  [P.PHONE_PATTERN.source]: fc.constantFrom('96550000000', '+96522200000'),
  [P.HANDLE_PATTERN.source]: fc.constantFrom('kwq8.shop', 'a_b'),
  [P.EMAIL_PATTERN.source]: fc.constantFrom('hi@example.com'),
  [P.IMAGE_PATH_PATTERN.source]: fc.constantFrom('a.webp', 'x"y.png', 'hero.jpg'),
  [P.TIME_PATTERN.source]: fc.constantFrom('09:00', '21:30'),
};
const HREFS = fc.constantFrom(
  'https://example.com/',
  'https://example.com/?q="><script>alert(1)</script>',
  'https://example.com/#javascript:alert(1)',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
);

function arbitraryOf(schema: Schema, defs: Record<string, Schema>, key = ''): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === 'string') return arbitraryOf(defs[schema.$ref.replace('#/$defs/', '')]!, defs, key);
  if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as Schema[]).map((s) => arbitraryOf(s, defs, key)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number) ?? 0,
        max: Math.min((schema.maximum as number) ?? 10, ((schema.minimum as number) ?? 0) + 100_000),
      });
    case 'number':
      return fc.constant(1);
    case 'string':
      // Links first: their pattern only shapes what models write, the hostile ones must still come.
      if (key === 'href') return HREFS;
      if (typeof schema.pattern === 'string') return BY_PATTERN[schema.pattern] ?? fc.constant('x');
      return text;
    case 'array':
      return fc.array(arbitraryOf(schema.items as Schema, defs), {
        minLength: (schema.minItems as number) ?? 0,
        maxLength: Math.max((schema.minItems as number) ?? 0, 2),
      });
    case 'object': {
      const props = schema.properties as Record<string, Schema>;
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, arbitraryOf(s, defs, k)])));
    }
  }
  throw new Error(`no arbitrary for ${JSON.stringify(schema).slice(0, 80)}`);
}

/** Ids renumbered, paths made unique with `/` first, unique-per-list values deduplicated. */
function fixUp(raw: unknown): unknown {
  const doc = raw as SiteDocument;
  let n = 0;
  doc.pages.forEach((page, p) => {
    page.id = `p${n++}`;
    page.path = p === 0 ? '/' : `/page-${p}`;
    page.sections.forEach((s) => (s.id = `s${n++}`));
  });
  doc.languages = [...new Set(doc.languages)];
  const dedupe = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const key of ['name', 'network', 'platform', 'day'] as const) {
        if (
          value.length &&
          value.every(
            (v) => typeof v === 'object' && v && typeof (v as Record<string, unknown>)[key] === 'string' && Object.keys(v).length <= 3,
          )
        ) {
          const seen = new Set<string>();
          value.splice(0, value.length, ...value.filter((v) => !seen.has(v[key]) && seen.add(v[key])));
        }
      }
      if (value.every((v) => typeof v === 'string')) value.splice(0, value.length, ...new Set(value as string[]));
      value.forEach(dedupe);
    } else if (typeof value === 'object' && value) Object.values(value).forEach(dedupe);
  };
  dedupe(doc.pages);
  return doc;
}

/** Answers for any strict schema with its own `$defs` (an AI action's answer shape), hostile texts and URLs included. */
export function arbitraryForSchema(schema: Schema): fc.Arbitrary<unknown> {
  return arbitraryOf(schema, (schema.$defs as Record<string, Schema> | undefined) ?? {});
}

const documentSchema = generated.document as unknown as Schema;
/** Candidates from the schema: most are valid documents, some carry refused values (bad URLs). */
export const candidateDocument = arbitraryOf(documentSchema, documentSchema.$defs as Record<string, Schema>).map(fixUp);
export const validDocument = candidateDocument
  .map((c) => parseSiteDocument(c))
  .filter((r) => r.ok)
  .map((r) => (r as { ok: true; document: SiteDocument }).document);
