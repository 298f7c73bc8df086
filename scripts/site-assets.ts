/**
 * Files the published sites and the Worker read from the static assets, written into
 * site/public/_kwq8/ before `astro build` (git ignores them):
 * - fonts/: the Noto Kufi Arabic subset the renderer's @font-face rules point at
 *   (shared/site/render/styles.ts): Arabic 400 (bold is synthesised: the 700 file would double the
 *   first load), Latin 400 and 700, from @fontsource/noto-kufi-arabic;
 * - site-data.json: the strict JSON Schemas the AI actions answer with and the starter documents
 *   (with placeholders for the business names), which the Worker fetches from its assets binding
 *   once per isolate (worker/features/sites/site-data.ts) instead of carrying ~13 KB gzip of data
 *   in its bundle.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import schemas from '../shared/site/json-schema.generated.json';
import { NAME_PLACEHOLDERS } from '../shared/site/site-data';
import { STARTER_TYPES, starterDocument } from '../shared/site/templates';

const source = new URL('../node_modules/@fontsource/noto-kufi-arabic/files/', import.meta.url);
const target = new URL('../site/public/_kwq8/', import.meta.url);

await mkdir(new URL('fonts/', target), { recursive: true });
const fonts = ['arabic-400', 'latin-400', 'latin-700'].map((face) => `noto-kufi-arabic-${face}-normal.woff2`);
for (const name of fonts) await copyFile(new URL(name, source), new URL(`fonts/${name}`, target));

const templates = Object.fromEntries(STARTER_TYPES.map((type) => [type, starterDocument(type, NAME_PLACEHOLDERS)]));
await writeFile(new URL('site-data.json', target), JSON.stringify({ schemas, templates }));
console.log(`site assets: ${fonts.length} font files and site-data.json in ${fileURLToPath(target)}`);
