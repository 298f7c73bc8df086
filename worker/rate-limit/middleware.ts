/**
 * `rateLimit(class)`: counts the request against its route class, per signed-in user (after
 * requireUser) or per client IP, sets RateLimit-* headers, and answers 429 RATE_001 with
 * Retry-After past the limit. If KV cannot be read, routes that move money or credits refuse
 * (SRV_002) and other routes proceed uncounted; both are logged.
 */
import { createMiddleware } from 'hono/factory';
import { appConfig, type AppEnv } from '../env';
import { AppError } from '../errors/app-error';
import { createLogger } from '../log/logger';
import { KvRateLimiter, type RateDecision } from './limiter';
import type { RateClass } from './rules';

const limiters = new WeakMap<KVNamespace, KvRateLimiter>();

function limiterFor(kv: KVNamespace): KvRateLimiter {
  let limiter = limiters.get(kv);
  if (!limiter) {
    const log = createLogger('rate-limit');
    limiter = new KvRateLimiter(kv, { onBackgroundError: (error) => log.warn('rate_limit.write_failed', { error }) });
    limiters.set(kv, limiter);
  }
  return limiter;
}

function headersFor(decision: RateDecision, windowSeconds: number): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
    'RateLimit-Policy': `${decision.limit};w=${windowSeconds}`,
  };
}

export function rateLimit(rateClass: RateClass, { failClosed = false }: { failClosed?: boolean } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const rule = appConfig(c.env).rateRules[rateClass];
    const user = c.get('user');
    const subject = user ? `u:${user.id}` : `ip:${c.req.header('CF-Connecting-IP') ?? 'unknown'}`;
    let decision: RateDecision;
    try {
      decision = await limiterFor(c.env.RATE_LIMIT_KV).hit(rateClass, rule, subject, (p) => c.executionCtx.waitUntil(p));
    } catch (cause) {
      c.get('log').warn('rate_limit.unavailable', { rateClass, failClosed, error: cause });
      if (failClosed) throw new AppError('SRV_002', { cause });
      return next();
    }
    const headers = headersFor(decision, rule.windowSeconds);
    if (!decision.allowed) {
      throw new AppError('RATE_001', { headers: { ...headers, 'Retry-After': String(decision.resetSeconds) } });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
}
