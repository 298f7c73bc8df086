/**
 * Counts and time limits of `npm run bench`, each overridable by an environment variable so a run
 * can be made shorter (BENCH_QUICK=1 lowers the repeat counts; the race sizes of the budgets stay).
 * BENCH_ONLY=worker,http,credits,limiter,webhooks,bookings,site,sites,builder runs some sections only.
 */

const quick = process.env.BENCH_QUICK === '1';

function int(name: string, full: number, quickValue = full): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return quick ? quickValue : full;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name}=${raw}: expected a whole number ≥ 0`);
  return value;
}

export const SECTIONS = ['worker', 'http', 'credits', 'limiter', 'webhooks', 'bookings', 'site', 'sites', 'builder'] as const;
export type Section = (typeof SECTIONS)[number];

function only(): Set<Section> {
  const raw = process.env.BENCH_ONLY;
  if (!raw) return new Set(SECTIONS);
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !SECTIONS.includes(name as Section));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  return new Set(names as Section[]);
}

export const settings = {
  quick,
  sections: only(),
  /** Fresh workerd instances per bundle for start-up CPU (median reported). */
  startupRuns: int('BENCH_STARTUP_RUNS', 9, 3),
  /** Requests per route through `wrangler dev`, split over rounds that rotate the routes' order. */
  httpRequests: int('BENCH_HTTP_REQUESTS', 1500, 300),
  httpRounds: int('BENCH_HTTP_ROUNDS', 3, 1),
  httpConcurrency: int('BENCH_HTTP_CONCURRENCY', 8),
  /** Upper bound per route and round, whatever the count. */
  httpMaxSeconds: int('BENCH_HTTP_MAX_SECONDS', 20, 10),
  /** Concurrent spends per race (the budget's 200) and races per design (median throughput). */
  contention: int('BENCH_CONTENTION', 200),
  contentionRounds: int('BENCH_CONTENTION_ROUNDS', 3, 1),
  /** Rate-limiter bursts: hits and seconds per burst, and how late one isolate sees another's KV write. */
  limiterHits: int('BENCH_LIMITER_HITS', 2000, 1000),
  limiterSeconds: int('BENCH_LIMITER_SECONDS', 3, 2),
  kvLagMs: int('BENCH_KV_LAG_MS', 1000),
  /** Distinct Stripe events applied, at this concurrency; then concurrent deliveries of one event. */
  webhookEvents: int('BENCH_WEBHOOK_EVENTS', 200, 50),
  webhookConcurrency: int('BENCH_WEBHOOK_CONCURRENCY', 8),
  duplicates: int('BENCH_DUPLICATES', 20),
  /** Concurrent holds on one slot (the budget's 100). */
  holds: int('BENCH_HOLDS', 100),
  /** 0 skips Lighthouse (the JavaScript byte counts still run); runs per page and comparison (median). */
  lighthouse: int('BENCH_LIGHTHOUSE', 1) !== 0,
  lighthouseRuns: int('BENCH_LIGHTHOUSE_RUNS', 3, 1),
  /** After this many seconds of Lighthouse, the remaining pages get one run each. */
  lighthouseMaxSeconds: int('BENCH_LIGHTHOUSE_MAX_SECONDS', 180),
  /** First-site generations through wrangler dev with the fake AI, then generations with failure switches mixed in. */
  builderRuns: int('BENCH_BUILDER_RUNS', 20, 6),
  builderFaultRuns: int('BENCH_BUILDER_FAULT_RUNS', 24, 12),
};

export type Settings = typeof settings;
