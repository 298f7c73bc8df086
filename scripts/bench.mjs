// `npm run bench`: measures the budgets of docs/ARCHITECTURE.md section 6 on this machine and prints them
// (details, then a table); also writes them to .wrangler/bench.json for later comparison. It
// never fails on a budget: it exits non-zero only if a measurement cannot run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { bundleWorker } from './bundle-size.mjs';
import { rateLimitBurst } from './bench/burst.ts';
import { timeInNode, timeInWorkerd } from './bench/middleware-timing.mjs';
import { measureMarketingPages } from './bench/pages.mjs';
import { measureStartup } from './bench/startup.mjs';
import { DEFAULT_RULES } from '../worker/rate-limit/rules.ts';

const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync('wrangler.toml', 'utf8'))[1];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const fixed = (value, digits = 1) => value.toFixed(digits);

const rows = [];
const details = {};
let failed = false;

function row(metric, figure, budget, within, value) {
  rows.push({ metric, figure, budget, within, value });
}

async function measure(name, run) {
  console.log(`\n== ${name}`);
  try {
    await run();
  } catch (error) {
    failed = true;
    console.error(`could not measure ${name}: ${error instanceof Error ? error.stack : error}`);
    row(name, 'not measured', '', 'n/a', null);
  }
}

await measure('worker bundle', async () => {
  const bundle = bundleWorker();
  details.bundle = bundle;
  console.log(`wrangler deploy --dry-run output: ${kb(bundle.raw)} raw, ${kb(bundle.gzip)} gzip`);
  row('Worker bundle (gzip)', kb(bundle.gzip), '≤ 60 KB', bundle.gzip <= 60 * 1024, bundle.gzip);
});

await measure('worker startup', async () => {
  const startup = await measureStartup('.wrangler/bundle/index.js', compatibilityDate);
  details.startup = startup;
  const [low, high] = startup.cpuMsRange;
  console.log(`workerd, ${startup.runs} fresh instances: CPU ${fixed(startup.cpuMs)} ms median (${fixed(low)}–${fixed(high)}),`);
  console.log(`first request with the import costs ${fixed(startup.extraWallMs)} ms more wall time than a later one`);
  row('Worker startup CPU (workerd, local)', `${fixed(startup.cpuMs)} ms`, '≤ 10 ms', startup.cpuMs <= 10, startup.cpuMs);
});

await measure('marketing pages', async () => {
  const { pages, missing } = measureMarketingPages();
  details.pages = { pages, missing };
  for (const page of pages) {
    console.log(
      `${page.page}: ${page.scriptTags} <script> tags, ${page.jsFiles.length} .js references, ${page.jsBytes} B JS; HTML+CSS ${kb(page.htmlCssGzipBytes)} gzip`,
    );
    row(`JS on ${page.page}`, `${page.jsBytes} B`, '0 B', page.jsBytes === 0, page.jsBytes);
    row(`HTML+CSS on ${page.page} (gzip)`, kb(page.htmlCssGzipBytes), 'Lighthouse ≥ 95: not run', 'n/a', page.htmlCssGzipBytes);
  }
  for (const page of missing) console.log(`${page}: not in site/dist (no such page yet)`);
  console.log('Lighthouse was not run (not available offline).');
});

for (const [runtime, time] of [
  ['workerd', () => timeInWorkerd(compatibilityDate)],
  ['Node', timeInNode],
]) {
  await measure(`middleware overhead (${runtime})`, async () => {
    const result = await time();
    details[`middleware_${runtime}`] = result;
    const { micros, overheadPct } = result;
    console.log(`${result.requestsPerVariant} requests per variant, median µs per request:`);
    console.log(
      Object.entries(micros)
        .map(([variant, us]) => `${variant} ${fixed(us)}`)
        .join(', '),
    );
    console.log('(context = requestContext + body guard; auth adds requireUser; rateLimit adds rateLimit; full adds validate)');
    row(
      `Auth+rate limit+validation overhead (${runtime})`,
      `+${fixed(overheadPct, 0)} % of bare ${fixed(micros.bare)} µs (context ${fixed(micros.context)} → full ${fixed(micros.full)} µs)`,
      '≤ 20 %',
      overheadPct <= 20,
      overheadPct,
    );
  });
}

for (const [name, rule] of [
  ['uncapped', { limit: 100_000, windowSeconds: 60 }],
  ['api rule', DEFAULT_RULES.api],
]) {
  await measure(`rate-limit burst (${name})`, async () => {
    const burst = await rateLimitBurst(rule);
    details[`burst_${name.replace(' ', '_')}`] = { rule, ...burst };
    const gap = burst.minGapMs === null ? 'n/a' : `${fixed(burst.minGapMs)} ms`;
    console.log(
      `${burst.hits} hits in ${fixed(burst.seconds)} s on ${rule.limit}/${rule.windowSeconds} s: ${burst.admitted} admitted, stored ${burst.stored};`,
    );
    console.log(
      `${burst.writes} KV writes to ${burst.keys} key(s), at most ${burst.maxWritesPerKeySecond} per key in any 1 s, shortest gap ${gap}`,
    );
    row(
      `KV writes/key/s, burst (${name})`,
      `${burst.maxWritesPerKeySecond} (gap ≥ ${gap}; stored ${burst.stored} / admitted ${burst.admitted})`,
      '≤ 1',
      burst.maxWritesPerKeySecond <= 1,
      burst.maxWritesPerKeySecond,
    );
  });
}

const verdict = (within) => (within === 'n/a' ? 'n/a' : within ? 'within' : 'OVER');
const table = [['metric', 'figure', 'budget', 'within?'], ...rows.map((r) => [r.metric, r.figure, r.budget, verdict(r.within)])];
const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
console.log(
  `\nBudgets (docs/ARCHITECTURE.md section 6), Node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}:`,
);
for (const cells of table)
  console.log(
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  );

mkdirSync('.wrangler', { recursive: true });
const report = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  results: rows,
  details,
};
writeFileSync('.wrangler/bench.json', `${JSON.stringify(report, null, 2)}\n`);
console.log('written to .wrangler/bench.json');
process.exit(failed ? 1 : 0);
