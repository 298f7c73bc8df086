// Marketing pages in the built site (site/dist): JavaScript they ship (inline <script> bodies plus
// every .js/.mjs file they reference, raw bytes) and their HTML + linked CSS (gzip bytes).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = 'site/dist';
const MARKETING_PAGES = ['index.html', 'pricing/index.html'];

function localFile(url) {
  const path = join(DIST, url.split(/[?#]/)[0]);
  if (!url.startsWith('/') || !existsSync(path)) throw new Error(`${url} is referenced but not in ${DIST}`);
  return readFileSync(path);
}

function measurePage(page) {
  const html = readFileSync(join(DIST, page), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
  const jsUrls = [...new Set([...html.matchAll(/["']([^"'\s]+\.m?js)(?:[?#][^"']*)?["']/gi)].map((m) => m[1]))];
  const cssUrls = [...html.matchAll(/<link\b[^>]*rel=["']?stylesheet[^>]*>/gi)]
    .map((m) => /href=["']?([^"'\s>]+)/i.exec(m[0])?.[1])
    .filter(Boolean);
  const inlineJs = scripts.reduce((sum, m) => sum + Buffer.byteLength(m[1]), 0);
  const referencedJs = jsUrls.reduce((sum, url) => sum + localFile(url).length, 0);
  const cssGzip = cssUrls.reduce((sum, url) => sum + gzipSync(localFile(url), { level: 9 }).length, 0);
  return {
    page,
    scriptTags: scripts.length,
    jsFiles: jsUrls,
    jsBytes: inlineJs + referencedJs,
    htmlCssGzipBytes: gzipSync(html, { level: 9 }).length + cssGzip,
  };
}

/** The marketing pages that exist; throws if the site has not been built. */
export function measureMarketingPages() {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html is missing: run npm run build first`);
  return {
    pages: MARKETING_PAGES.filter((page) => existsSync(join(DIST, page))).map(measurePage),
    missing: MARKETING_PAGES.filter((page) => !existsSync(join(DIST, page))),
  };
}
