// Types of ./middleware-timing.mjs (plain JavaScript, for the harness's TypeScript modules).
import type { Variant } from './middleware';

export interface MiddlewareTiming {
  requestsPerVariant: number;
  /** Median µs per request, per variant. */
  micros: Record<Variant, number>;
  overheadPct: number;
}

export function timeInWorkerd(compatibilityDate: string): Promise<MiddlewareTiming>;
