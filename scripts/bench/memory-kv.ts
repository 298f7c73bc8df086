/**
 * Benchmark stand-in for a Workers KV namespace, recording every write (key, when, by which
 * isolate). Each simulated isolate gets its own view: it reads its own writes at once and other
 * isolates' writes only `lagMs` after they were made, as KV's reads lag writes made elsewhere.
 */
interface Write {
  key: string;
  value: string;
  at: number;
  isolate: string;
}

export class MemoryKv {
  readonly writes: Write[] = [];
  private readonly byKey = new Map<string, Write[]>();

  constructor(private readonly lagMs = 0) {}

  /** The namespace as `isolate` sees it; the limiters only call get(key) and put(key, value, options). */
  view(isolate: string): KVNamespace {
    return {
      get: async (key: string) => {
        const now = performance.now();
        const entries = this.byKey.get(key) ?? [];
        for (let i = entries.length - 1; i >= 0; i -= 1) {
          const entry = entries[i]!;
          if (entry.isolate === isolate || now - entry.at >= this.lagMs) return entry.value;
        }
        return null;
      },
      put: async (key: string, value: string) => {
        const write = { key, value, at: performance.now(), isolate };
        this.writes.push(write);
        const entries = this.byKey.get(key);
        if (entries) entries.push(write);
        else this.byKey.set(key, [write]);
      },
    } as unknown as KVNamespace;
  }

  /** One isolate's view (no lag to speak of). */
  asNamespace(): KVNamespace {
    return this.view('single');
  }

  /** Most writes to one key inside any 1,000 ms span. */
  maxWritesPerKeySecond(): number {
    let max = 0;
    for (const entries of this.byKey.values()) {
      let first = 0;
      for (let last = 0; last < entries.length; last += 1) {
        while (entries[last]!.at - entries[first]!.at >= 1000) first += 1;
        max = Math.max(max, last - first + 1);
      }
    }
    return max;
  }
}
