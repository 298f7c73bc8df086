/**
 * `rateLimit(class)`: counts the request against its route class, per signed-in user (after
 * requireUser) or else per client IP; `rateLimitByIp(class)`: always per client IP, for public
 * routes. Both set RateLimit-* headers and answer 429 RATE_001 with Retry-After past the limit.
 * Client IPs are grouped as subject.ts says; requests without one share a stricter bucket
 * (rules.ts). If KV cannot be read in time, routes that move money or credits refuse (SRV_002)
 * and other routes proceed uncounted; both are logged.
 */
import { createMiddleware } from 'hono/factory';
import { appConfig, type AppEnv } from '../env';
import { AppError } from '../errors/app-error';
import { createLogger } from '../log/logger';
import { KvRateLimiter, type RateDecision, type RateRule } from './limiter';
import { unidentifiedRule, type RateClass } from './rules';
import { clientIpSubject, UNIDENTIFIED_SUBJECT } from './subject';

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

interface LimitOptions {
  /** Refuse (SRV_002) rather than proceed uncounted when KV cannot be read. */
  failClosed?: boolean;
}

function limited(rateClass: RateClass, { failClosed = false }: LimitOptions, byUser: boolean) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = byUser ? c.get('user') : undefined;
    const subject = user ? `u:${user.id}` : clientIpSubject(c.req.header('CF-Connecting-IP'));
    const classRule = appConfig(c.env).rateRules[rateClass];
    const rule: RateRule = subject === UNIDENTIFIED_SUBJECT ? unidentifiedRule(classRule) : classRule;
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

/** Per signed-in user when requireUser ran before it, else per client IP. */
export function rateLimit(rateClass: RateClass, options: LimitOptions = {}) {
  return limited(rateClass, options, true);
}

/** Per client IP, for public routes (e.g. /api/health with the `health` class). */
export function rateLimitByIp(rateClass: RateClass, options: LimitOptions = {}) {
  return limited(rateClass, options, false);
}
