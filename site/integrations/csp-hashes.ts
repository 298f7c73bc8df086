/**
 * After `astro build`: hashes every inline <script> in the built pages (Astro's island loaders)
 * and writes the hashes into the Content-Security-Policy of dist/_headers in place of
 * INLINE_SCRIPT_HASHES, so the policy allows exactly the inline scripts the site ships.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

const PLACEHOLDER = 'INLINE_SCRIPT_HASHES';
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.html')).map((entry) => join(entry.parentPath, entry.name));
}

export function cspHashes(): AstroIntegration {
  return {
    name: 'kwq8:csp-hashes',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const root = fileURLToPath(dir);
        const hashes = new Set<string>();
        for (const file of await htmlFiles(root)) {
          for (const [, body] of (await readFile(file, 'utf8')).matchAll(INLINE_SCRIPT)) {
            hashes.add(
              `'sha256-${createHash('sha256')
                .update(body ?? '')
                .digest('base64')}'`,
            );
          }
        }
        const headersFile = join(root, '_headers');
        const headers = await readFile(headersFile, 'utf8');
        if (!headers.includes(PLACEHOLDER)) throw new Error(`${headersFile} has no ${PLACEHOLDER} to fill in`);
        await writeFile(headersFile, headers.replaceAll(PLACEHOLDER, [...hashes].sort().join(' ')));
        logger.info(`${hashes.size} inline script hash(es) in the Content-Security-Policy`);
      },
    },
  };
}
