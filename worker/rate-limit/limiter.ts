/**
 * Fixed-window rate limiting on Workers KV, designed around KV's limits: at most one write per
 * second per key, and reads that may lag writes from other locations by up to a minute.
 *
 * Each isolate counts hits in memory (exact and free) and folds them into one KV key per
 * (rule, subject, window): it writes its best-known total at most once every 1.1 s per key (later
 * hits are flushed by a deferred write), and re-reads the key at most every REFRESH_MS to learn
 * what other isolates counted. Accuracy this gives:
 * - one isolate (the common case for one user): exact;
 * - several isolates in one location: each learns the others' counts within REFRESH_MS + 1.1 s,
 *   so a burst can pass the limit by what the others admitted in that time;
 * - simultaneous writes from different isolates: the larger total wins, so the stored count can
 *   lag the true one by the smaller isolate's share. Exact global limits need a Durable Object.
 *
 * Bounded under failure and abuse: a KV read that takes longer than 1 s counts as failed, and
 * after a failed read the limiter reports KV unavailable at once for 5 s (the caller fails open
 * or closed) instead of every request waiting again; writes give up after 5 s. Memory holds at
 * most MAX_TRACKED_KEYS keys: past that the least recently used is dropped (its count is in KV,
 * or on its way there, and is read again if its subject comes back).
 */

export interface RateRule {
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

interface WindowState {
  windowEnd: number;
  /** Total for the window as KV last told us or as we last wrote it, whichever is larger. */
  known: number;
  /** Hits admitted here and not yet written. */
  pending: number;
  readAt: number;
  writtenAt: number;
  flushScheduled: boolean;
}

const REFRESH_MS = 5000;
// KV allows one write per second per key; the margin absorbs clock granularity and skew.
const MIN_WRITE_INTERVAL_MS = 1100;
const KV_MIN_TTL_SECONDS = 60;
export const MAX_TRACKED_KEYS = 10_000;
const READ_TIMEOUT_MS = 1000;
const READ_FAILURE_PAUSE_MS = 5000;
const WRITE_TIMEOUT_MS = 5000;

/** `promise`, or a rejection with `message` once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export interface LimiterOptions {
  now?: () => number;
  /** Default 1000 ms. */
  readTimeoutMs?: number;
  /** Where background writes go: the request's ctx.waitUntil. */
  onBackgroundError?: (error: unknown) => void;
}

export class KvRateLimiter {
  private readonly states = new Map<string, WindowState>();
  private readonly now: () => number;
  private readFailedAt = -Infinity;

  constructor(
    private readonly kv: KVNamespace,
    private readonly options: LimiterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Keys (rule, subject, window) this isolate holds counts for. */
  get trackedKeys(): number {
    return this.states.size;
  }

  /** Counts one hit for `subject` under `rule`. Throws only if KV cannot be read (in time). */
  async hit(ruleName: string, rule: RateRule, subject: string, waitUntil: (promise: Promise<unknown>) => void): Promise<RateDecision> {
    const now = this.now();
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const key = `rl:${ruleName}:${subject}:${windowStart / 1000}`;
    const state = this.stateFor(key, windowStart + windowMs);

    if (now - state.readAt >= REFRESH_MS) {
      const stored = Number(await this.read(key, now)) || 0;
      state.known = Math.max(state.known, stored);
      state.readAt = now;
    }

    const resetSeconds = Math.max(1, Math.ceil((state.windowEnd - now) / 1000));
    const used = state.known + state.pending;
    if (used >= rule.limit) return { allowed: false, limit: rule.limit, remaining: 0, resetSeconds };

    state.pending += 1;
    this.scheduleWrite(key, state, rule, waitUntil);
    return { allowed: true, limit: rule.limit, remaining: rule.limit - used - 1, resetSeconds };
  }

  private async read(key: string, now: number): Promise<string | null> {
    if (now - this.readFailedAt < READ_FAILURE_PAUSE_MS) throw new Error('KV read failed moments ago');
    try {
      return await within(this.kv.get(key), this.options.readTimeoutMs ?? READ_TIMEOUT_MS, 'KV read timed out');
    } catch (error) {
      this.readFailedAt = now;
      throw error;
    }
  }

  /** The key's state, moved to the most recently used end; the least recently used makes room. */
  private stateFor(key: string, windowEnd: number): WindowState {
    let state = this.states.get(key);
    if (state) {
      this.states.delete(key);
    } else {
      // A dropped state with hits still pending keeps its scheduled write: nothing counted is lost.
      if (this.states.size >= MAX_TRACKED_KEYS) this.states.delete(this.states.keys().next().value!);
      state = { windowEnd, known: 0, pending: 0, readAt: -Infinity, writtenAt: -Infinity, flushScheduled: false };
    }
    this.states.set(key, state);
    return state;
  }

  private scheduleWrite(key: string, state: WindowState, rule: RateRule, waitUntil: (promise: Promise<unknown>) => void): void {
    if (state.flushScheduled) return;
    state.flushScheduled = true;
    const delay = Math.max(0, state.writtenAt + MIN_WRITE_INTERVAL_MS - this.now());
    const write = async () => {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      state.flushScheduled = false;
      if (state.pending === 0) return;
      const total = state.known + state.pending;
      state.known = total;
      state.pending = 0;
      state.writtenAt = this.now();
      const ttl = Math.max(KV_MIN_TTL_SECONDS, Math.ceil((state.windowEnd - state.writtenAt) / 1000) + KV_MIN_TTL_SECONDS);
      await within(this.kv.put(key, String(total), { expirationTtl: ttl }), WRITE_TIMEOUT_MS, 'KV write timed out');
    };
    waitUntil(write().catch((error) => this.options.onBackgroundError?.(error)));
  }
}
