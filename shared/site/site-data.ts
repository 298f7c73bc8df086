/**
 * The shape of `/_kwq8/site-data.json` (written by scripts/site-assets.ts from the generated JSON
 * Schemas and the starter templates): data the Worker reads from its static assets rather than
 * carrying in its bundle. A starter document holds placeholders where the business names go.
 */
import type { SectionType, SiteDocument } from './document';
import type { JsonSchema } from './json-schema';
import type { StarterType } from './document';

export interface SiteJsonSchemas {
  document: JsonSchema;
  page: JsonSchema;
  sections: Record<SectionType, JsonSchema>;
}

export interface SiteData {
  schemas: SiteJsonSchemas;
  templates: Record<StarterType, SiteDocument>;
}

export const SITE_DATA_PATH = '/_kwq8/site-data.json';

/** Stand-ins for the names in the starter documents; no real text contains these brackets. */
export const NAME_PLACEHOLDERS = { nameAr: '⟦name-ar⟧', nameEn: '⟦name-en⟧' } as const;

/** A starter document with the business's names in place of the placeholders. */
export function fillStarter(template: SiteDocument, names: { nameAr: string; nameEn: string }): unknown {
  const text = JSON.stringify(template)
    .replaceAll(NAME_PLACEHOLDERS.nameAr, JSON.stringify(names.nameAr).slice(1, -1))
    .replaceAll(NAME_PLACEHOLDERS.nameEn, JSON.stringify(names.nameEn).slice(1, -1));
  return JSON.parse(text);
}
