/** The KV rate limiter on the real Workers KV simulation: exact in one isolate, KV-friendly writes. */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MemoryKv } from '../../../scripts/bench/memory-kv';
import { KvRateLimiter, MAX_TRACKED_KEYS } from '../../../worker/rate-limit/limiter';

/** The real KV binding, with every put recorded (key and time). */
function recordingKv() {
  const puts: Array<{ key: string; at: number }> = [];
  const kv = new Proxy(env.RATE_LIMIT_KV, {
    get(target, prop) {
      if (prop === 'put') {
        return (key: string, ...rest: unknown[]) => {
          puts.push({ key, at: Date.now() });
          return (target.put as (...args: unknown[]) => Promise<void>)(key, ...rest);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { kv, puts };
}

function backgroundTasks() {
  const tasks: Promise<unknown>[] = [];
  return { waitUntil: (task: Promise<unknown>) => void tasks.push(task), settle: () => Promise.all(tasks) };
}

const rule = { limit: 10, windowSeconds: 60 };

/** A clock that starts at the beginning of a 60 s window, so no test straddles two windows. */
function windowStartClock() {
  const offset = Date.now() % 60_000;
  return () => Date.now() - offset;
}

describe('KvRateLimiter', () => {
  it('admits exactly the limit in a burst, then refuses with remaining 0 and a reset time', async () => {
    const { kv } = recordingKv();
    const now = windowStartClock();
    const limiter = new KvRateLimiter(kv, { now });
    const bg = backgroundTasks();
    const subject = `burst-${crypto.randomUUID()}`;
    const decisions = [];
    for (let i = 0; i < 25; i++) decisions.push(await limiter.hit('api', rule, subject, bg.waitUntil));
    await bg.settle();
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.slice(0, 10).map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const refused = decisions[10]!;
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 10 });
    expect(refused.resetSeconds).toBeGreaterThan(0);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
  });

  it('counts each subject separately', async () => {
    const limiter = new KvRateLimiter(recordingKv().kv, { now: windowStartClock() });
    const bg = backgroundTasks();
    const [a, b] = [`a-${crypto.randomUUID()}`, `b-${crypto.randomUUID()}`];
    for (let i = 0; i < 10; i++) await limiter.hit('api', rule, a, bg.waitUntil);
    expect((await limiter.hit('api', rule, a, bg.waitUntil)).allowed).toBe(false);
    expect((await limiter.hit('api', rule, b, bg.waitUntil)).allowed).toBe(true);
    await bg.settle();
  });

  it('writes each key at most once per second during a sustained burst, and stores the exact total', async () => {
    const { kv, puts } = recordingKv();
    const now = windowStartClock();
    const limiter = new KvRateLimiter(kv, { now });
    const bg = backgroundTasks();
    const subject = `steady-${crypto.randomUUID()}`;
    const big = { limit: 10_000, windowSeconds: 60 };
    const started = Date.now();
    let hits = 0;
    while (Date.now() - started < 2500) {
      await limiter.hit('api', big, subject, bg.waitUntil);
      hits++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await bg.settle();
    const mine = puts.filter((put) => put.key.includes(subject));
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < mine.length; i++) expect(mine[i]!.at - mine[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(Number(await kv.get(mine[0]!.key))).toBe(hits);
  });

  it('a second isolate sees what the first one counted', async () => {
    const { kv } = recordingKv();
    const subject = `shared-${crypto.randomUUID()}`;
    const now = windowStartClock();
    const first = new KvRateLimiter(kv, { now });
    const bg = backgroundTasks();
    for (let i = 0; i < 7; i++) await first.hit('api', rule, subject, bg.waitUntil);
    await bg.settle();

    const second = new KvRateLimiter(kv, { now });
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push((await second.hit('api', rule, subject, bg.waitUntil)).allowed);
    await bg.settle();
    expect(decisions).toEqual([true, true, true, false, false]);
  });

  it('throws when KV cannot be read, so the caller can decide to fail open or closed', async () => {
    const broken = { get: async () => Promise.reject(new Error('KV unavailable')), put: async () => {} } as unknown as KVNamespace;
    const limiter = new KvRateLimiter(broken);
    await expect(limiter.hit('api', rule, 'x', () => {})).rejects.toThrow('KV unavailable');
  });

  it('gives up on a KV read that hangs after the read timeout, and then answers unavailable at once for 5 s', async () => {
    let gets = 0;
    const hanging = { get: () => (gets++, new Promise(() => {})), put: async () => {} } as unknown as KVNamespace;
    let now = 1_000_000_000_000;
    const limiter = new KvRateLimiter(hanging, { now: () => now, readTimeoutMs: 50 });
    await expect(limiter.hit('api', rule, 'x', () => {})).rejects.toThrow('KV read timed out');
    expect(gets).toBe(1);
    now += 4000;
    await expect(limiter.hit('api', rule, 'y', () => {})).rejects.toThrow('KV read failed moments ago');
    expect(gets).toBe(1);
    now += 1000;
    await expect(limiter.hit('api', rule, 'y', () => {})).rejects.toThrow('KV read timed out');
    expect(gets).toBe(2);
  });

  it(`keeps at most ${MAX_TRACKED_KEYS} subjects in memory under a flood of 50,000, dropping the least recently used first`, async () => {
    const kv = new MemoryKv().view('isolate-1');
    let reads = 0;
    const counted = { get: (key: string) => (reads++, kv.get(key)), put: kv.put.bind(kv) } as unknown as KVNamespace;
    const limiter = new KvRateLimiter(counted, { now: windowStartClock() });
    const bg = backgroundTasks();
    const [first, busy] = [`first-${crypto.randomUUID()}`, `busy-${crypto.randomUUID()}`];
    for (let i = 0; i < 3; i++) await limiter.hit('api', rule, first, bg.waitUntil);
    for (let i = 0; i < 50_000; i++) {
      await limiter.hit('api', rule, `flood-${i}`, bg.waitUntil);
      // A subject in steady use stays among the recently used.
      if (i % 1000 === 0) await limiter.hit('api', rule, busy, bg.waitUntil);
      expect(limiter.trackedKeys).toBeLessThanOrEqual(MAX_TRACKED_KEYS);
    }
    await bg.settle();

    reads = 0;
    await limiter.hit('api', rule, busy, bg.waitUntil);
    expect(reads).toBe(0);
    // The oldest was dropped: its next hit reads KV again, where its writes kept the count.
    const again = await limiter.hit('api', rule, first, bg.waitUntil);
    expect(reads).toBe(1);
    expect(again.remaining).toBe(rule.limit - 4);
    await bg.settle();
  });
});
