/**
 * Rate-limit burst: drives hits for one subject through the real KvRateLimiter at a steady pace
 * on the real clock, with a KV that records every write, then checks the writes against KV's
 * one-write-per-second-per-key limit and the stored totals against what was admitted.
 */
import { KvRateLimiter, type RateRule } from '../../worker/rate-limit/limiter';
import { MemoryKv } from './memory-kv';

export interface BurstResult {
  hits: number;
  seconds: number;
  admitted: number;
  stored: number;
  keys: number;
  writes: number;
  /** Most writes to one key inside any 1,000 ms span. */
  maxWritesPerKeySecond: number;
  /** Shortest time between two writes to the same key (null with fewer than two). */
  minGapMs: number | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function rateLimitBurst(rule: RateRule, hits = 2000, durationMs = 3000): Promise<BurstResult> {
  const kv = new MemoryKv();
  const limiter = new KvRateLimiter(kv.asNamespace());
  const background: Promise<unknown>[] = [];
  let admitted = 0;
  const start = performance.now();
  for (let i = 0; i < hits; i += 1) {
    const wait = start + (i * durationMs) / hits - performance.now();
    if (wait >= 1) await sleep(wait);
    const decision = await limiter.hit('api', rule, 'u:burst', (promise) => background.push(promise));
    if (decision.allowed) admitted += 1;
  }
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(background); // the deferred last write of each key

  const byKey = new Map<string, number[]>();
  for (const { key, at } of kv.writes) byKey.set(key, [...(byKey.get(key) ?? []), at]);
  let maxWritesPerKeySecond = 0;
  let minGapMs: number | null = null;
  for (const times of byKey.values()) {
    times.forEach((at, i) => {
      maxWritesPerKeySecond = Math.max(maxWritesPerKeySecond, times.filter((t) => t >= at && t < at + 1000).length);
      if (i > 0) minGapMs = Math.min(minGapMs ?? Infinity, at - times[i - 1]!);
    });
  }
  const stored = [...kv.values.values()].reduce((sum, value) => sum + Number(value), 0);
  return { hits, seconds, admitted, stored, keys: byKey.size, writes: kv.writes.length, maxWritesPerKeySecond, minGapMs };
}
