/**
 * Copies the Noto Kufi Arabic subset the published sites use (Arabic and Latin, 400 and 700,
 * woff2) from @fontsource/noto-kufi-arabic into site/public/_kwq8/fonts/, where the renderer's
 * @font-face rules point (shared/site/render/styles.ts). Run before `astro build`.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const source = new URL('../node_modules/@fontsource/noto-kufi-arabic/files/', import.meta.url);
const target = new URL('../site/public/_kwq8/fonts/', import.meta.url);

await mkdir(target, { recursive: true });
for (const subset of ['arabic', 'latin']) {
  for (const weight of [400, 700]) {
    const name = `noto-kufi-arabic-${subset}-${weight}-normal.woff2`;
    await copyFile(new URL(name, source), new URL(name, target));
  }
}
console.log(`copied 4 font files to ${fileURLToPath(target)}`);
