/**
 * Copies the Noto Kufi Arabic subset the published sites use (Arabic 400, Latin 400 and 700,
 * woff2) from @fontsource/noto-kufi-arabic into site/public/_kwq8/fonts/, where the renderer's
 * @font-face rules point (shared/site/render/styles.ts). Run before `astro build`.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const source = new URL('../node_modules/@fontsource/noto-kufi-arabic/files/', import.meta.url);
const target = new URL('../site/public/_kwq8/fonts/', import.meta.url);

await mkdir(target, { recursive: true });
// Arabic in one weight (bold is synthesised: the 700 file would double the first load), Latin in two.
const files = ['arabic-400', 'latin-400', 'latin-700'].map((face) => `noto-kufi-arabic-${face}-normal.woff2`);
for (const name of files) await copyFile(new URL(name, source), new URL(name, target));
console.log(`copied ${files.length} font files to ${fileURLToPath(target)}`);
