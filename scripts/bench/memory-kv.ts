/**
 * Benchmark stand-in for a Workers KV namespace: get/put on a Map, recording when each write
 * happened so the rate-limit burst can check KV's one-write-per-second-per-key limit.
 */
export class MemoryKv {
  readonly values = new Map<string, string>();
  readonly writes: Array<{ key: string; at: number }> = [];

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async put(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.writes.push({ key, at: performance.now() });
  }

  /** The limiter and middleware only call get(key) and put(key, value, options). */
  asNamespace(): KVNamespace {
    return this as unknown as KVNamespace;
  }
}
