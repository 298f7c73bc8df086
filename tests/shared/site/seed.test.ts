/** The demo project's seeded site (supabase/seed.sql, written by scripts/generate-demo-site.ts) is a valid document that passes the publish checks. */
import { describe, expect, it } from 'vitest';
import seed from '../../../supabase/seed.sql?raw';
import { auditSite } from '../../../shared/site/audit';
import { parseSiteDocument } from '../../../shared/site/document';

describe('seeded demo site', () => {
  it('is valid and publishable', () => {
    const json = /-- demo-site: generated[\s\S]*?values \([^,]+, [^,]+, 1, '((?:[^']|'')*)'::jsonb/.exec(seed)?.[1];
    expect(json, 'run node --import tsx scripts/generate-demo-site.ts').toBeTruthy();
    const parsed = parseSiteDocument(JSON.parse(json!.replaceAll("''", "'")));
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    if (parsed.ok) expect(auditSite(parsed.document)).toEqual([]);
  });
});
