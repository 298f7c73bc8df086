/** The committed JSON Schemas are current and fit strict structured outputs. */
import { describe, expect, it } from 'vitest';
import { SECTION_TYPES } from '../../../shared/site/catalogue';
import { buildSiteJsonSchemas } from '../../../shared/site/json-schema-build';
import generated from '../../../shared/site/json-schema.generated.json';
import { sectionJsonSchema, siteDocumentJsonSchema, type JsonSchema } from '../../../shared/site/json-schema';

const ALLOWED = new Set([
  '$schema',
  '$defs',
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'enum',
  'description',
  'pattern',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
]);

function walk(node: unknown, depth: number, stats: { properties: number; depth: number }, root: boolean): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, depth, stats, false));
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  for (const key of Object.keys(schema)) expect(ALLOWED.has(key), `keyword ${key}`).toBe(true);
  if (!root) expect(schema.$schema).toBeUndefined();
  if (schema.type === 'object') {
    const keys = Object.keys(schema.properties as object);
    expect(schema.additionalProperties).toBe(false);
    expect([...(schema.required as string[])].sort()).toEqual([...keys].sort());
    stats.properties += keys.length;
    stats.depth = Math.max(stats.depth, depth + 1);
    for (const value of Object.values(schema.properties as object)) walk(value, depth + 1, stats, false);
  }
  for (const key of ['items', 'anyOf', '$defs'] as const) {
    if (key === '$defs' && schema.$defs) Object.values(schema.$defs).forEach((d) => walk(d, 0, stats, false));
    else if (schema[key]) walk(schema[key], depth, stats, false);
  }
}

describe('site JSON Schemas', () => {
  it('are not stale (run node --import tsx scripts/generate-site-schema.ts)', () => {
    expect(generated).toEqual(buildSiteJsonSchemas());
  });

  it.each([['document', siteDocumentJsonSchema] as const, ...SECTION_TYPES.map((t) => [t, sectionJsonSchema(t)] as const)] as (readonly [
    string,
    JsonSchema,
  ])[])('%s is strict-compatible', (_name, schema) => {
    expect(schema.type).toBe('object');
    const stats = { properties: 0, depth: 0 };
    walk(schema, 0, stats, true);
    expect(stats.properties).toBeLessThan(5000);
    expect(stats.depth).toBeLessThanOrEqual(10);
  });
});
