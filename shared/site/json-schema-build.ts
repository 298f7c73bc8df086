/**
 * Derives the strict JSON Schemas (document, page, each section type) from the zod schemas, for
 * scripts/generate-site-schema.ts and the staleness test only: the Worker imports the generated
 * JSON (json-schema.ts), never zod's converter, which would weigh on its bundle.
 */
import * as z from 'zod/mini';
import { SECTION_CATALOGUE, SECTION_TYPES, sectionSchemaOf, type SectionType } from './catalogue';
import { siteDocument, sitePage } from './document';

export type JsonSchema = { [key: string]: unknown };

export interface SiteJsonSchemas {
  document: JsonSchema;
  page: JsonSchema;
  sections: Record<SectionType, JsonSchema>;
}

const isRecord = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Rewrites what toJSONSchema emits into the subset strict structured outputs accept: `anyOf` for
 * unions, `enum` for constants, string lengths as words in the description (the length keywords
 * are refused there; the zod schemas still enforce them when the answer is validated).
 */
function strictify(node: unknown, root: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => strictify(item, false));
  if (!isRecord(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' && !root) continue;
    if (key === 'minLength' || key === 'maxLength') continue;
    if (key === 'oneOf') out.anyOf = strictify(value, false);
    else if (key === 'const') out.enum = [value];
    else out[key] = strictify(value, false);
  }
  const lengths: string[] = [];
  if (typeof node.minLength === 'number' && node.minLength > 0) lengths.push('not empty');
  if (typeof node.maxLength === 'number' && node.type === 'string') lengths.push(`at most ${node.maxLength} characters`);
  if (lengths.length > 0) out.description = [node.description, lengths.join(', ')].filter(Boolean).join('; ');
  if (out.type === 'object' && isRecord(out.properties)) {
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  return out;
}

/** Puts each section type's purpose on its schema, wherever it appears. */
function describeSections(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(describeSections);
  if (!isRecord(node)) return;
  const properties = isRecord(node.properties) ? node.properties : {};
  const type = isRecord(properties.type) ? properties.type.enum : undefined;
  if (Array.isArray(type) && type.length === 1 && SECTION_TYPES.includes(type[0] as SectionType) && isRecord(properties.props)) {
    node.description = SECTION_CATALOGUE[type[0] as SectionType].purpose;
  }
  Object.values(node).forEach(describeSections);
}

function convert(schema: z.core.$ZodType): JsonSchema {
  const out = strictify(z.toJSONSchema(schema, { target: 'draft-2020-12', reused: 'ref', unrepresentable: 'throw' }), true) as JsonSchema;
  describeSections(out);
  return out;
}

export function buildSiteJsonSchemas(): SiteJsonSchemas {
  return {
    document: convert(siteDocument()),
    page: convert(sitePage()),
    sections: Object.fromEntries(SECTION_TYPES.map((type) => [type, convert(sectionSchemaOf(type))])) as Record<SectionType, JsonSchema>,
  };
}
