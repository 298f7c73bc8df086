/**
 * Writes shared/site/json-schema.generated.json from the site document's zod schemas:
 * `node --import tsx scripts/generate-site-schema.ts`. Run it after changing shared/site/; a test
 * (tests/shared/site/json-schema.test.ts) fails while the committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { buildSiteJsonSchemas } from '../shared/site/json-schema-build';

const target = fileURLToPath(new URL('../shared/site/json-schema.generated.json', import.meta.url));
const options = (await prettier.resolveConfig(target)) ?? {};
const text = await prettier.format(JSON.stringify(buildSiteJsonSchemas()), { ...options, filepath: target });
await writeFile(target, text);
console.log(`wrote ${target} (${text.length} characters)`);
