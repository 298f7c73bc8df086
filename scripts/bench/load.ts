/**
 * A small loopback load generator: `concurrency` keep-alive connections (node:http, lighter on
 * the shared CPU than fetch), each sending its next request as soon as the last one answered,
 * until `count` requests or `maxSeconds`. Reports requests/s, latency percentiles and statuses.
 */
import { Agent, request } from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
  statuses: Record<string, number>;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function send(agent: Agent, baseUrl: URL, req: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const outgoing = request(
      {
        agent,
        host: baseUrl.hostname,
        port: baseUrl.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
        timeout: 30_000,
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', reject);
      },
    );
    outgoing.once('timeout', () => outgoing.destroy(new Error(`${req.method} ${req.path} timed out`)));
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

/** `next(i)` makes request number i (0-based). */
export async function load(
  baseUrl: string,
  next: (i: number) => LoadRequest,
  { count, concurrency, maxSeconds }: { count: number; concurrency: number; maxSeconds: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(baseUrl);
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  let issued = 0;
  const worker = async () => {
    while (issued < count && performance.now() < deadline) {
      const req = next(issued++);
      const t0 = performance.now();
      const status = await send(agent, url, req).catch(() => 0);
      latenciesMs.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  return { requests: latenciesMs.length, seconds, perSecond: latenciesMs.length / seconds, latenciesMs, statuses };
}

/** Runs `fn` over `items` with at most `concurrency` calls at a time; results in item order. */
export async function mapConcurrent<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
