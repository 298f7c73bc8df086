/**
 * Section 1, Worker size and start-up: the KWq8 Worker beside a bare Hono app and a Hono app with
 * `@supabase/supabase-js` (scripts/bench/workers/), all three bundled by `wrangler deploy
 * --dry-run` with the same settings (minify, ES module, the project's compatibility date; the two
 * comparisons through a temporary wrangler config), then gzip size and start-up CPU in workerd.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { kb, ms, type Line } from './report';
import type { Settings } from './settings';
import { measureStartups } from './startup.mjs';

const OUT = '.wrangler/bench';
const WORKERS = {
  kwq8: { label: 'KWq8 Worker', main: undefined },
  bare: { label: 'bare Hono', main: 'scripts/bench/workers/bare-hono.ts' },
  supabase: { label: 'Hono + supabase-js', main: 'scripts/bench/workers/supabase-hono.ts' },
} as const;
type Name = keyof typeof WORKERS;

interface Bundle {
  file: string;
  raw: number;
  gzip: number;
}

function bundle(name: Name, compatibilityDate: string): Bundle {
  const dir = resolve(OUT, name);
  const outdir = join(dir, 'out');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const main = WORKERS[name].main;
  let config = 'wrangler.toml';
  if (main) {
    config = join(dir, 'wrangler.toml');
    const toml = [
      `name = "bench-${name}"`,
      `main = ${JSON.stringify(resolve(main))}`,
      `compatibility_date = "${compatibilityDate}"`,
      'minify = true',
    ];
    writeFileSync(config, `${toml.join('\n')}\n`);
  }
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--config', config, '--outdir', outdir], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const files = readdirSync(outdir).filter((file) => file.endsWith('.js'));
  if (files.length !== 1) throw new Error(`${name}: expected one .js module in ${outdir}, found ${files.join(', ') || 'none'}`);
  const code = readFileSync(join(outdir, files[0]!));
  return { file: join(outdir, files[0]!), raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

export async function measureWorker(settings: Settings, compatibilityDate: string) {
  const names = Object.keys(WORKERS) as Name[];
  const bundles = Object.fromEntries(names.map((name) => [name, bundle(name, compatibilityDate)])) as Record<Name, Bundle>;
  for (const name of names) console.log(`${WORKERS[name].label}: ${kb(bundles[name].raw).text} raw, ${kb(bundles[name].gzip).text} gzip`);

  const files = Object.fromEntries(names.map((name) => [name, bundles[name].file])) as Record<Name, string>;
  const startups = await measureStartups(files, compatibilityDate, settings.startupRuns);
  for (const name of names) {
    const { cpuMs, cpuMsRange, runs } = startups[name];
    console.log(
      `${WORKERS[name].label}: start-up CPU ${ms(cpuMs).text} median of ${runs} (${cpuMsRange.map((v) => v.toFixed(1)).join('–')} ms)`,
    );
  }

  const lines: Line[] = [];
  for (const other of ['bare', 'supabase'] as const) {
    lines.push({
      section: '1',
      metric: 'Worker bundle, gzip',
      figure: kb(bundles.kwq8.gzip),
      comparison: { label: WORKERS[other].label, ...kb(bundles[other].gzip) },
      budget: { text: '≤ 100 KB', ok: bundles.kwq8.gzip <= 100 * 1024 },
    });
  }
  for (const other of ['bare', 'supabase'] as const) {
    lines.push({
      section: '1',
      metric: `Worker start-up CPU (workerd, median of ${settings.startupRuns})`,
      figure: ms(startups.kwq8.cpuMs),
      comparison: { label: WORKERS[other].label, ...ms(startups[other].cpuMs) },
      budget: { text: '≤ 10 ms', ok: startups.kwq8.cpuMs <= 10 },
    });
  }
  const details = Object.fromEntries(
    names.map((name) => [name, { label: WORKERS[name].label, ...bundles[name], startup: startups[name] }]),
  );
  return { lines, details };
}
