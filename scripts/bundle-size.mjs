// Bundles the Worker exactly as `wrangler deploy` would (--dry-run, nothing uploaded) and prints its
// gzip size against the 100 KB budget (the builder included) of docs/ARCHITECTURE.md section 6. Exits non-zero only if bundling fails.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const outdir = '.wrangler/bundle';
const BUDGET_BYTES = 100 * 1024;

export function bundleWorker() {
  rmSync(outdir, { recursive: true, force: true });
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const files = readdirSync(outdir).filter((name) => name.endsWith('.js'));
  const raw = Buffer.concat(files.map((name) => readFileSync(join(outdir, name))));
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { raw, gzip } = bundleWorker();
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const verdict = gzip <= BUDGET_BYTES ? 'within' : 'OVER';
  console.log(`worker bundle: ${kb(raw)} raw, ${kb(gzip)} gzip (${verdict} the ${kb(BUDGET_BYTES)} budget)`);
}
