// Times the middleware-overhead apps (scripts/bench/middleware.ts) in workerd (Miniflare, each
// batch timed from outside because Worker timers are frozen while it computes). Variants are interleaved, rotating their order every round, after warm-up
// rounds; the figure per variant is the median per-request time over the measured rounds.
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { VARIANTS } from './middleware.ts';

const BATCH = 400;
const WARMUP_ROUNDS = 3;
const ROUNDS = 20;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** `runBatch(variant, n)` returns elapsed ms; a batch of 0 gives the fixed cost per batch. */
async function timeVariants(runBatch) {
  const perRequest = Object.fromEntries(VARIANTS.map((variant) => [variant, []]));
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    const fixedMs = await runBatch('bare', 0);
    for (let i = 0; i < VARIANTS.length; i += 1) {
      const variant = VARIANTS[(round + i) % VARIANTS.length];
      const ms = await runBatch(variant, BATCH);
      if (round >= WARMUP_ROUNDS) perRequest[variant].push(((ms - fixedMs) * 1000) / BATCH);
    }
  }
  const micros = Object.fromEntries(VARIANTS.map((variant) => [variant, median(perRequest[variant])]));
  // What auth + rate limit + validation add (full minus context), as a share of a bare route's cost;
  // the request id and body guard every route has are reported apart, as `context`.
  return { requestsPerVariant: BATCH * ROUNDS, micros, overheadPct: ((micros.full - micros.context) / micros.bare) * 100 };
}

export async function timeInWorkerd(compatibilityDate) {
  const { outputFiles } = await build({
    entryPoints: ['scripts/bench/middleware-worker.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    write: false,
  });
  const mf = new Miniflare({ compatibilityDate, modules: true, script: outputFiles[0].text });
  try {
    await mf.ready;
    return await timeVariants(async (variant, n) => {
      const start = performance.now();
      const response = await mf.dispatchFetch(`http://bench/?variant=${variant}&n=${n}`);
      const text = await response.text();
      if (!response.ok) throw new Error(`workerd bench: ${text}`);
      return performance.now() - start;
    });
  } finally {
    await mf.dispose();
  }
}
