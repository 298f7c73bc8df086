/**
 * Rate-limit rules per route class. The defaults below can be overridden per deployment with the
 * RATE_LIMITS variable (JSON, e.g. {"api":{"limit":60}}), so limits are configuration, not code.
 */
import * as z from 'zod/mini';
import { lazy } from '../../shared/lazy';
import type { RateRule } from './limiter';

export const RATE_CLASSES = ['api', 'booking', 'auth', 'client_errors', 'webhooks', 'health'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];

/** Per user for signed-in routes, per client IP for public ones; webhooks per provider IP. */
export const DEFAULT_RULES: Record<RateClass, RateRule> = {
  api: { limit: 120, windowSeconds: 60 },
  booking: { limit: 20, windowSeconds: 60 },
  auth: { limit: 10, windowSeconds: 60 },
  client_errors: { limit: 30, windowSeconds: 60 },
  webhooks: { limit: 300, windowSeconds: 60 },
  // Uptime checks poll every 30-60 s; more than one a second from one address is not a check.
  health: { limit: 60, windowSeconds: 60 },
};

/**
 * The rule for requests without a usable CF-Connecting-IP (subject.ts): they all share one
 * bucket per class, so it gets a tenth of the class's limit (at least 1). On Cloudflare every
 * request from the internet carries the header; its absence means an unusual path in.
 */
export function unidentifiedRule(rule: RateRule): RateRule {
  return { limit: Math.max(1, Math.floor(rule.limit / 10)), windowSeconds: rule.windowSeconds };
}

const overridesSchema = lazy(() =>
  z.partialRecord(
    z.enum(RATE_CLASSES),
    z.strictObject({
      limit: z.optional(z.int().check(z.minimum(1), z.maximum(100_000))),
      windowSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(3600))),
    }),
  ),
);

export type RateRules = Record<RateClass, RateRule>;

/** The default rules with a deployment's overrides applied; an invalid override is reported, not thrown. */
export function parseRateRules(source: string | undefined): { rules: RateRules; error?: string } {
  const rules = { ...DEFAULT_RULES };
  if (!source) return { rules };
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    return { rules, error: 'not valid JSON' };
  }
  const overrides = overridesSchema().safeParse(json);
  if (!overrides.success) return { rules, error: 'not a valid set of rules' };
  for (const name of RATE_CLASSES) rules[name] = { ...rules[name], ...overrides.data[name] };
  return { rules };
}
