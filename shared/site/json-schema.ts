/**
 * The strict JSON Schemas of the site document, one page and each section type, for a model's
 * structured output. Generated from the zod schemas (scripts/generate-site-schema.ts) and imported
 * as JSON, so the Worker carries no zod-to-JSON-Schema converter.
 */
import generated from './json-schema.generated.json';
import type { SectionType } from './catalogue';

export type JsonSchema = { readonly [key: string]: unknown };

const schemas = generated as unknown as { document: JsonSchema; page: JsonSchema; sections: Record<SectionType, JsonSchema> };

export const siteDocumentJsonSchema: JsonSchema = schemas.document;
export const sitePageJsonSchema: JsonSchema = schemas.page;
export function sectionJsonSchema(type: SectionType): JsonSchema {
  return schemas.sections[type];
}
