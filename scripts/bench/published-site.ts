/**
 * Section 8, published sites (shared/site/render), from the starter documents:
 * - render CPU per page with no cache: `renderSitePage` for every page of every starter document
 *   in both languages (V8, as in workerd), median and p95 over the runs; beside it the whole
 *   cache-miss path (parse the stored JSON, validate it, render);
 * - Lighthouse 12 mobile performance and accessibility of the demo studio's site in Arabic and
 *   English, and the bytes its first load transfers (HTML, CSS, font), served with gzip by the
 *   loopback static server with the font files the build copies to site/dist/_kwq8/fonts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSiteDocument, type SiteDocument } from '../../shared/site/document';
import { renderSitePage, type RenderContext } from '../../shared/site/render';
import { STARTER_TYPES, starterDocument } from '../../shared/site/templates';
import { startLighthouse } from './lighthouse';
import { count, kb, fig, type Line } from './report';
import type { Settings } from './settings';
import { startStaticServer } from './static-server';

const DIST = resolve('site/dist');
const RUNS = 200;

function context(origin: string): RenderContext {
  return {
    origin,
    imageUrl: () => null,
    assetBase: '/_kwq8',
    bookingHref: (locale) => `${locale === 'en' ? '/en' : ''}/book/demo-studio/`,
    services: [
      { id: 's1', name: { ar: 'جلسة تصوير', en: 'Photo session' }, durationMinutes: 60, priceFils: 15_000 },
      { id: 's2', name: { ar: 'استشارة قصيرة', en: 'Short consultation' }, durationMinutes: 30, priceFils: 5_000 },
    ],
    formAction: '/_kwq8/form',
    preview: false,
  };
}

const pathsOf = (document: SiteDocument) => document.pages.flatMap((page) => [page.path, page.path === '/' ? '/en/' : `/en${page.path}`]);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const us = (value: number) => fig(value, `${value.toFixed(0)} µs`);

function timeEach(run: () => void): number[] {
  for (let i = 0; i < 30; i += 1) run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) * 1000);
  }
  return times;
}

export async function measurePublishedSite(settings: Settings) {
  const lines: Line[] = [];
  const renders: number[] = [];
  const misses: number[] = [];
  for (const type of STARTER_TYPES) {
    const document = starterDocument(type, { nameAr: 'استوديو التجربة', nameEn: 'Demo Studio' });
    const stored = JSON.stringify(document);
    for (const path of pathsOf(document)) {
      renders.push(...timeEach(() => renderSitePage(document, { path, context: context('https://demo.kwq8.site') })));
      misses.push(
        ...timeEach(() => {
          const parsed = parseSiteDocument(JSON.parse(stored));
          if (parsed.ok) renderSitePage(parsed.document, { path, context: context('https://demo.kwq8.site') });
        }),
      );
    }
  }
  renders.sort((a, b) => a - b);
  misses.sort((a, b) => a - b);
  const median = percentile(renders, 0.5);
  console.log(
    `render: median ${median.toFixed(0)} µs, p95 ${percentile(renders, 0.95).toFixed(0)} µs; cache miss (parse + validate + render) median ${percentile(misses, 0.5).toFixed(0)} µs`,
  );
  lines.push({
    section: '8',
    metric: `render one page, uncached (median of ${renders.length}: 5 starter sites, every page, ar and en)`,
    figure: us(median),
    comparison: { label: 'JSON.parse + validate + render (a cache miss)', ...us(percentile(misses, 0.5)) },
    budget: { text: '≤ 2,000 µs', ok: median <= 2000 },
  });
  lines.push({
    section: '8',
    metric: 'render one page, uncached, p95',
    figure: us(percentile(renders, 0.95)),
    budget: { text: '≤ 2,000 µs', ok: percentile(renders, 0.95) <= 2000 },
  });

  if (!settings.lighthouse) return { lines, details: { renderMicroseconds: { median, p95: percentile(renders, 0.95) } } };
  if (!existsSync(resolve(DIST, '_kwq8/fonts'))) throw new Error('site/dist/_kwq8/fonts is missing: run npm run build first');
  const demo = starterDocument('coach', { nameAr: 'استوديو التجربة', nameEn: 'Demo Studio' });
  const extra: Record<string, string> = {};
  const server = await startStaticServer(DIST, extra);
  const lighthouse = await startLighthouse();
  const details: Record<string, unknown> = { renderMicroseconds: { median, p95: percentile(renders, 0.95) } };
  try {
    for (const [label, path] of [
      ['ar', '/'],
      ['en', '/en/'],
    ] as const) {
      // Served under /__site/… so the platform's own pages in site/dist are not in the way.
      extra[`/__site${path}`] = renderSitePage(demo, { path, context: context(server.url) }).html;
      const result = await lighthouse.audit(`${server.url}/__site${path}`);
      details[label] = result;
      console.log(
        `demo site (${label}): performance ${result.performance}, accessibility ${result.accessibility}, ${result.bytes.total} B loaded`,
      );
      for (const category of ['performance', 'accessibility'] as const) {
        lines.push({
          section: '8',
          metric: `Lighthouse ${category} (mobile), published demo site (${label})`,
          figure: count(result[category]),
          budget: { text: '≥ 95', ok: result[category] >= 95 },
        });
      }
      const first = result.bytes.document + result.bytes.css + result.bytes.font;
      lines.push({
        section: '8',
        metric: `first load transferred (HTML+CSS+font, gzip), published demo site (${label})`,
        figure: kb(first),
        budget: { text: '≤ 60 KB', ok: first <= 60 * 1024 },
      });
    }
  } finally {
    await lighthouse.close();
    await server.close();
  }
  return { lines, details };
}
