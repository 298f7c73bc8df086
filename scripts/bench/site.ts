/**
 * Section 7, the site's landing and pricing pages, Arabic and English, from the built site
 * (site/dist; a page not built yet is reported "missing"). Per page:
 * - JavaScript it ships: inline <script> bodies plus every .js/.mjs it references, raw bytes;
 * - Lighthouse 12 mobile performance and accessibility (the run with the median performance
 *   score of `lighthouseRuns`, the page and its ceiling taking turns), and the bytes the page
 *   loaded, served by a loopback static server with gzip (scripts/bench/static-server.ts).
 * The comparisons are made from the same page, served beside it:
 * - ceiling: the page plus `@supabase/supabase-js` (its UMD build, 200 KB, from node_modules)
 *   loaded and a client created, as a page that uses the Supabase client in the browser does;
 * - floor (for HTML+CSS+font bytes): the same markup with its styles, stylesheets, font links
 *   and scripts removed, the least a page with this text can send.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { startLighthouse, type LighthouseResult } from './lighthouse';
import { count, kb, type Line } from './report';
import type { Settings } from './settings';
import { startStaticServer } from './static-server';

const DIST = resolve('site/dist');
const PAGES = [
  { path: '/', label: 'landing (ar)' },
  { path: '/pricing/', label: 'pricing (ar)' },
  { path: '/en/', label: 'landing (en)' },
  { path: '/en/pricing/', label: 'pricing (en)' },
];
const SUPABASE_JS_PATH = '/__bench/supabase.js';
const SUPABASE_JS = readFileSync(join(createRequire(import.meta.url).resolve('@supabase/supabase-js'), '../umd/supabase.js'));
const SUPABASE_INIT = `<script src="${SUPABASE_JS_PATH}"></script><script>window.supabase.createClient(location.origin, 'bench-anon-key')</script>`;

const fileOf = (path: string) => join(DIST, path, 'index.html');

function localFile(url: string): Buffer {
  const path = join(DIST, url.split(/[?#]/)[0]!);
  if (!url.startsWith('/') || !existsSync(path)) throw new Error(`${url} is referenced but not in site/dist`);
  return readFileSync(path);
}

/** Raw bytes of JavaScript a page ships: inline scripts plus referenced modules. */
function javascriptBytes(html: string): number {
  const inline = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].reduce((sum, m) => sum + Buffer.byteLength(m[1]!), 0);
  const urls = [...new Set([...html.matchAll(/["']([^"'\s]+\.m?js)(?:[?#][^"']*)?["']/gi)].map((m) => m[1]!))];
  return inline + urls.reduce((sum, url) => sum + (url === SUPABASE_JS_PATH ? SUPABASE_JS.length : localFile(url).length), 0);
}

const withSupabase = (html: string) => html.replace('</head>', `${SUPABASE_INIT}</head>`);
const unstyled = (html: string) =>
  html
    .replace(/<style\b[\s\S]*?<\/style>/gi, '')
    .replace(/<script\b[\s\S]*?<\/script>/gi, '')
    .replace(/<link\b[^>]*rel=["']?(?:stylesheet|preload|modulepreload)[^>]*>/gi, '')
    .replace(/\s(?:class|style)=("[^"]*"|'[^']*')/gi, '');

const htmlCssFont = (r: LighthouseResult) => r.bytes.document + r.bytes.css + r.bytes.font;

function medianRun(runs: LighthouseResult[]): LighthouseResult {
  return [...runs].sort((a, b) => a.performance - b.performance)[Math.floor(runs.length / 2)]!;
}

export async function measureSite(settings: Settings) {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('site/dist/index.html is missing: run npm run build first');
  const present = PAGES.filter((page) => existsSync(fileOf(page.path)));
  const extra: Record<string, string | Buffer> = { [SUPABASE_JS_PATH]: SUPABASE_JS };
  for (const page of present) {
    const html = readFileSync(fileOf(page.path), 'utf8');
    extra[`/__bench/supabase${page.path}`] = withSupabase(html);
    extra[`/__bench/floor${page.path}`] = unstyled(html);
  }

  const lines: Line[] = [];
  const details: Record<string, unknown> = {};
  const server = await startStaticServer(DIST, extra);
  const lighthouse = settings.lighthouse ? await startLighthouse() : undefined;
  try {
    if (lighthouse) console.log(`Lighthouse 12 (mobile) with ${lighthouse.browser}`);
    const lighthouseStarted = performance.now();
    for (const page of PAGES) {
      const name = `${page.label} ${page.path}`;
      if (!present.includes(page)) {
        lines.push({ section: '7', metric: `JavaScript, Lighthouse, bytes: ${name}`, figure: null, missing: 'missing: not in site/dist' });
        console.log(`${name}: not in site/dist (no such page yet)`);
        continue;
      }
      const html = readFileSync(fileOf(page.path), 'utf8');
      const js = { kwq8: javascriptBytes(html), ceiling: javascriptBytes(withSupabase(html)) };
      const ceilingLabel = 'same page + supabase-js';
      lines.push({
        section: '7',
        metric: `JavaScript bytes, ${name}`,
        figure: count(js.kwq8, 'B'),
        comparison: { label: ceilingLabel, ...count(js.ceiling, 'B') },
        budget: { text: '0 B', ok: js.kwq8 === 0 },
      });
      if (!lighthouse) {
        details[page.path] = { javascriptBytes: js };
        continue;
      }
      const runs = { kwq8: [] as LighthouseResult[], ceiling: [] as LighthouseResult[] };
      const overTime = performance.now() - lighthouseStarted > settings.lighthouseMaxSeconds * 1000;
      for (let i = 0; i < (overTime ? 1 : Math.max(1, settings.lighthouseRuns)); i += 1) {
        runs.kwq8.push(await lighthouse.audit(`${server.url}${page.path}`));
        runs.ceiling.push(await lighthouse.audit(`${server.url}/__bench/supabase${page.path}`));
      }
      const [kwq8, ceiling] = [medianRun(runs.kwq8), medianRun(runs.ceiling)];
      // Only its bytes are used, and they do not vary between runs.
      const floor = await lighthouse.audit(`${server.url}/__bench/floor${page.path}`);
      details[page.path] = {
        javascriptBytes: js,
        kwq8,
        ceiling,
        floor,
        performanceRuns: { kwq8: runs.kwq8.map((r) => r.performance), ceiling: runs.ceiling.map((r) => r.performance) },
      };
      console.log(
        `${name}: performance ${kwq8.performance}, accessibility ${kwq8.accessibility}, ${kwq8.bytes.total} B loaded; ` +
          `with supabase-js ${ceiling.performance}/${ceiling.accessibility}, ${ceiling.bytes.total} B; unstyled ${floor.bytes.total} B`,
      );
      for (const category of ['performance', 'accessibility'] as const) {
        lines.push({
          section: '7',
          metric: `Lighthouse ${category} (mobile, median run of ${runs.kwq8.length}), ${name}`,
          figure: count(kwq8[category]),
          comparison: { label: ceilingLabel, ...count(ceiling[category]) },
          budget: { text: '≥ 95', ok: kwq8[category] >= 95 },
        });
      }
      lines.push({
        section: '7',
        metric: `HTML+CSS+font bytes loaded (transfer, gzip), ${name}`,
        figure: kb(htmlCssFont(kwq8)),
        comparison: { label: 'same markup, unstyled', ...kb(htmlCssFont(floor)) },
      });
    }
  } finally {
    await lighthouse?.close();
    await server.close();
  }
  return { lines, details };
}
