/**
 * Section 4, the rate limiter: one user's burst (hits at a steady pace on the real clock) landing
 * alternately on 2 simulated isolates that share one recording KV (scripts/bench/memory-kv.ts,
 * each isolate seeing the other's writes `kvLagMs` late), through the real KvRateLimiter (one
 * instance per isolate) and, in the same run, through the common get-then-put KV limiter (read
 * the count, refuse at the limit, else write count + 1, on every request). Two bursts: one under
 * the limit (writes per 1,000 requests and per key per second) and one over the `api` rule
 * (requests admitted beyond the limit).
 */
import { KvRateLimiter, type RateRule } from '../../worker/rate-limit/limiter';
import { DEFAULT_RULES } from '../../worker/rate-limit/rules';
import { MemoryKv } from './memory-kv';
import { count, type Line } from './report';
import type { Settings } from './settings';

const ISOLATES = ['a', 'b'];
const SUBJECT = 'u:burst';

type Hit = (isolate: number) => Promise<boolean>;
type Design = 'kwq8' | 'getPut';

/** The common design: one KV read and, unless refused, one KV write per request. */
function getThenPut(kv: MemoryKv, rule: RateRule, now: () => number): Hit {
  const views = ISOLATES.map((isolate) => kv.view(isolate));
  return async (isolate) => {
    const windowStart = Math.floor(now() / (rule.windowSeconds * 1000)) * rule.windowSeconds;
    const key = `rl:api:${SUBJECT}:${windowStart}`;
    const used = Number(await views[isolate]!.get(key)) || 0;
    if (used >= rule.limit) return false;
    await views[isolate]!.put(key, String(used + 1), { expirationTtl: rule.windowSeconds + 60 });
    return true;
  };
}

function kwq8(kv: MemoryKv, rule: RateRule, now: () => number, background: Promise<unknown>[]): Hit {
  const limiters = ISOLATES.map((isolate) => new KvRateLimiter(kv.view(isolate), { now }));
  return async (isolate) => (await limiters[isolate]!.hit('api', rule, SUBJECT, (promise) => background.push(promise))).allowed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function burst(design: Design, rule: RateRule, settings: Settings) {
  const kv = new MemoryKv(settings.kvLagMs);
  const background: Promise<unknown>[] = [];
  // A clock that puts the burst 1 s into a rate-limit window, so it never straddles two.
  const windowMs = rule.windowSeconds * 1000;
  const offset = Date.now() - (Math.floor(Date.now() / windowMs) * windowMs + 1000);
  const now = () => Date.now() - offset;
  const hit = design === 'kwq8' ? kwq8(kv, rule, now, background) : getThenPut(kv, rule, now);
  const hits = settings.limiterHits;
  const durationMs = settings.limiterSeconds * 1000;
  let admitted = 0;
  const start = performance.now();
  for (let i = 0; i < hits; i += 1) {
    const wait = start + (i * durationMs) / hits - performance.now();
    if (wait >= 1) await sleep(wait);
    if (await hit(i % ISOLATES.length)) admitted += 1;
  }
  await Promise.all(background); // the deferred last write of each isolate
  return {
    hits,
    admitted,
    overAdmitted: Math.max(0, admitted - rule.limit),
    writes: kv.writes.length,
    writesPer1000: (kv.writes.length / hits) * 1000,
    maxWritesPerKeySecond: kv.maxWritesPerKeySecond(),
  };
}

export async function measureLimiter(settings: Settings) {
  const uncapped: RateRule = { limit: 100_000, windowSeconds: 60 };
  const capped = DEFAULT_RULES.api;
  // The two designs run side by side: their hits are paced independently on the same clock.
  const [under, over] = [
    await Promise.all([burst('kwq8', uncapped, settings), burst('getPut', uncapped, settings)]),
    await Promise.all([burst('kwq8', capped, settings), burst('getPut', capped, settings)]),
  ];
  for (const [name, [ours, theirs]] of [
    ['under the limit', under],
    [`over the api rule (${capped.limit}/${capped.windowSeconds} s)`, over],
  ] as const) {
    console.log(
      `${name}: KvRateLimiter ${ours.admitted}/${ours.hits} admitted, ${ours.writes} writes, ≤ ${ours.maxWritesPerKeySecond}/key/s; ` +
        `get-then-put ${theirs.admitted}/${theirs.hits} admitted, ${theirs.writes} writes, ≤ ${theirs.maxWritesPerKeySecond}/key/s`,
    );
  }

  const label = { label: 'get-then-put KV limiter' };
  const burstText = `${settings.limiterHits} hits in ${settings.limiterSeconds} s, 2 isolates, KV lag ${settings.kvLagMs} ms`;
  const maxPerKey = {
    kwq8: Math.max(under[0].maxWritesPerKeySecond, over[0].maxWritesPerKeySecond),
    getPut: Math.max(under[1].maxWritesPerKeySecond, over[1].maxWritesPerKeySecond),
  };
  const lines: Line[] = [
    {
      section: '4',
      metric: `KV writes per 1,000 requests (${burstText})`,
      figure: count(under[0].writesPer1000),
      comparison: { ...label, ...count(under[1].writesPer1000) },
    },
    {
      section: '4',
      metric: 'most KV writes to one key in any 1 s (both bursts)',
      figure: count(maxPerKey.kwq8),
      comparison: { ...label, ...count(maxPerKey.getPut) },
      budget: { text: '≤ 1 (KV limit)', ok: maxPerKey.kwq8 <= 1 },
    },
    {
      section: '4',
      metric: `admitted over the limit, burst over the api rule (${capped.limit}/${capped.windowSeconds} s)`,
      figure: count(over[0].overAdmitted),
      comparison: { ...label, ...count(over[1].overAdmitted) },
    },
  ];
  return { lines, details: { kvLagMs: settings.kvLagMs, isolates: ISOLATES.length, underTheLimit: under, overTheLimit: over } };
}
