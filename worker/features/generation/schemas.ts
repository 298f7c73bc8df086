/**
 * The answer shape of each AI action as one strict JSON Schema, composed from the generated
 * schemas of the site document (shared/site/json-schema.ts) without converting zod at run time.
 * Each generated schema carries its own `$defs` with names that repeat between schemas, so
 * composing renames every definition with a prefix per part and rewrites its `$ref`s.
 */
import type { SectionType } from '../../../shared/site/document';
import { sectionJsonSchema, siteDocumentJsonSchema, sitePageJsonSchema, type JsonSchema } from '../../../shared/site/json-schema';

type Schema = { [key: string]: unknown };

/** `schema` with its `$defs` renamed under `prefix` (returned apart) and `$schema` dropped. */
function hoist(schema: JsonSchema, prefix: string, defs: Record<string, unknown>): Schema {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    const out: Schema = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$schema' || key === '$defs') continue;
      out[key] = key === '$ref' && typeof inner === 'string' ? inner.replace('#/$defs/', `#/$defs/${prefix}`) : rewrite(inner);
    }
    return out;
  };
  for (const [name, def] of Object.entries((schema.$defs as Record<string, unknown> | undefined) ?? {})) defs[`${prefix}${name}`] = rewrite(def);
  return rewrite(schema) as Schema;
}

const object = (properties: Schema, defs: Record<string, unknown>): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
  ...(Object.keys(defs).length ? { $defs: defs } : {}),
});

/** One section of any of these types. */
function sectionUnion(types: readonly SectionType[], defs: Record<string, unknown>): Schema {
  const branches = types.map((type) => hoist(sectionJsonSchema(type), `${type}_`, defs));
  return branches.length === 1 ? branches[0]! : { anyOf: branches };
}

const cache = new Map<string, Schema>();
function cached(key: string, build: () => Schema): Schema {
  let schema = cache.get(key);
  if (!schema) cache.set(key, (schema = build()));
  return schema;
}

/** A whole first site: the document, with exactly one page (the home page). */
export const firstSiteSchema = () =>
  cached('first', () => {
    const defs: Record<string, unknown> = {};
    const document = hoist(siteDocumentJsonSchema, 'd_', defs);
    const properties = { ...(document.properties as Schema) };
    properties.pages = { ...(properties.pages as Schema), minItems: 1, maxItems: 1 };
    return { ...document, properties, ...(Object.keys(defs).length ? { $defs: defs } : {}) };
  });

/** `{page}`: one more page with its sections. */
export const pageSchema = () =>
  cached('page', () => {
    const defs: Record<string, unknown> = {};
    return object({ page: hoist(sitePageJsonSchema, 'p_', defs) }, defs);
  });

/** `{section}`: one section of these types. */
export const sectionSchema = (types: readonly SectionType[]) =>
  cached(`section:${types.join(',')}`, () => {
    const defs: Record<string, unknown> = {};
    return object({ section: sectionUnion(types, defs) }, defs);
  });

/** `{theme, variants}`: the theme and each section's variant. */
export const themeSchema = () =>
  cached('theme', () => {
    const defs: Record<string, unknown> = {};
    const document = hoist(siteDocumentJsonSchema, 'd_', defs);
    const theme = (document.properties as Schema).theme as Schema;
    const variants = {
      type: 'array',
      maxItems: 24,
      items: object({ sectionId: { type: 'string' }, variant: { type: 'string' } }, {}),
    };
    return object({ theme, variants }, defs);
  });

/** `{answer, edit}`: a chat answer in the owner's language and at most one section changed (or null). */
export const chatSchema = (types: readonly SectionType[]) =>
  cached(`chat:${types.join(',')}`, () => {
    const defs: Record<string, unknown> = {};
    const edit = sectionUnion(types, defs);
    return object({ answer: { type: 'string', description: 'At most 600 characters.' }, edit: { anyOf: [edit, { type: 'null' }] } }, defs);
  });
