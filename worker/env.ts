/**
 * The Worker's environment: the bindings `wrangler types` generates (worker-configuration.d.ts),
 * the per-request context variables, and `appConfig()`, which checks the environment once per
 * isolate. A bad deployment is one clear logged configuration error, not a 500 on every route:
 * values that can be normalised are (a trailing slash on SUPABASE_URL), an invalid RATE_LIMITS
 * falls back to the defaults, an unclear GOOGLE_SIGN_IN_ENABLED leaves Google off (each with one
 * warning), and what cannot work (a missing key, the well-known local JWT secret on a non-local
 * project) answers SRV_004 until it is fixed.
 */
import { createMiddleware } from 'hono/factory';
import type { Locale } from '../shared/errors';
import type { AuthUser } from './auth/middleware';
import { AppError } from './errors/app-error';
import type { Logger } from './log/logger';
import { parseRateRules, type RateRules } from './rate-limit/rules';

/** Domain settings a deployment may leave unset: without the Namecheap ones, domains answer DOM_002 (worker/features/domains/settings.ts). */
type DomainVariable = Extract<keyof Env, `NAMECHEAP_${string}` | `DOMAIN_${string}` | 'DOH_URL' | 'SITES_CNAME_TARGET'>;

/** The AI providers' settings (worker/providers/ai/index.ts); unset, the builder's AI actions cannot run (its feature code says how it answers). */
type AiVariable = Extract<keyof Env, `AI_${string}`>;

/** Variables a deployment may leave unset (the feature that reads one says what happens then). */
type OptionalVars =
  | 'SUPABASE_JWT_SECRET'
  | 'RATE_LIMITS'
  | 'GOOGLE_SIGN_IN_ENABLED'
  | 'BOOKING_FORM_SECRET'
  | 'MAKE_WEBHOOK_URL'
  | 'MAKE_WEBHOOK_SECRET'
  | 'GOOGLE_SERVICE_ACCOUNT_JSON'
  | 'GOOGLE_CALENDAR_ID'
  | 'GOOGLE_TOKEN_URL'
  | 'GOOGLE_CALENDAR_API_BASE'
  | 'SITES_DOMAIN'
  | 'PLATFORM_HOSTS';

/** Generated bindings, with the variables a deployment may leave unset marked optional. */
export type Bindings = Omit<Env, OptionalVars | PaymentVariable | DomainVariable | AiVariable> & {
  /** Only for projects that still sign with the legacy HS256 secret. */
  SUPABASE_JWT_SECRET?: string;
  /** JSON overrides of the rate-limit rules (worker/rate-limit/rules.ts), e.g. {"api":{"limit":60}}. */
  RATE_LIMITS?: string;
  /** "true" when the Supabase project has Google enabled: the sign-in page then offers it. */
  GOOGLE_SIGN_IN_ENABLED?: string;
  /** Signs booking forms and visitors' booking links (32+ characters); without it the public booking routes answer SRV_004. */
  BOOKING_FORM_SECRET?: string;
  /** The platform's Make webhook and its `whsec_` secret; unset, events of projects without their own webhook are dropped as delivered. */
  MAKE_WEBHOOK_URL?: string;
  MAKE_WEBHOOK_SECRET?: string;
  /** A Google service account's key file (JSON); unset, no calendar events are made. */
  GOOGLE_SERVICE_ACCOUNT_JSON?: string;
  /** The platform-wide calendar, for projects without their own. */
  GOOGLE_CALENDAR_ID?: string;
  /** Overrides of Google's token and Calendar API addresses (local fakes, tests). */
  GOOGLE_TOKEN_URL?: string;
  GOOGLE_CALENDAR_API_BASE?: string;
  /** Published sites answer at <slug>.SITES_DOMAIN; unset, no site is served (features/sites/hosts.ts). */
  SITES_DOMAIN?: string;
  /** The platform's own hosts, comma-separated; only when set are other hosts looked up as custom domains. */
  PLATFORM_HOSTS?: string;
} & Partial<Pick<Env, PaymentVariable | DomainVariable | AiVariable>>;

/** A deployment may offer one payment provider only; billing answers PAY_004 for one left unset. */
type PaymentVariable = 'UPAYMENTS_API_BASE' | 'UPAYMENTS_API_KEY' | 'STRIPE_API_BASE' | 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET';

export interface Variables {
  requestId: string;
  locale: Locale;
  log: Logger;
  /** Set by requireUser() on routes that need a signed-in user. */
  user: AuthUser;
  /** Set by requireIdempotencyKey() on routes that move money or credits. */
  idempotencyKey: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}

export interface AppConfig {
  /** Without a trailing slash. */
  supabaseUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string | undefined;
  rateRules: RateRules;
  /** Whether the sign-in page offers "Continue with Google". */
  googleSignIn: boolean;
  /** Problems that were worked around (logged once per isolate). */
  warnings: string[];
}

/** The Supabase CLI's published local JWT secret: anyone can sign tokens with it. */
const WELL_KNOWN_LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Worker configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function readConfig(env: Bindings): AppConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  let supabaseUrl = (env.SUPABASE_URL ?? '').trim();
  let host = '';
  try {
    const url = new URL(supabaseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
    host = url.hostname;
    supabaseUrl = supabaseUrl.replace(/\/+$/, '');
  } catch {
    problems.push('SUPABASE_URL is missing or not an http(s) URL');
  }
  if (!env.SUPABASE_ANON_KEY) problems.push('SUPABASE_ANON_KEY is missing');
  if (!env.SUPABASE_SERVICE_ROLE_KEY) problems.push('SUPABASE_SERVICE_ROLE_KEY is missing');
  const jwtSecret = env.SUPABASE_JWT_SECRET || undefined;
  if (jwtSecret === WELL_KNOWN_LOCAL_JWT_SECRET && host && !LOOPBACK_HOST.test(host)) {
    problems.push('SUPABASE_JWT_SECRET is the well-known local development secret but SUPABASE_URL is not a loopback address');
  }
  const rateRules = parseRateRules(env.RATE_LIMITS);
  if (rateRules.error) warnings.push(`RATE_LIMITS ignored (${rateRules.error}); using the default rules`);
  const google = (env.GOOGLE_SIGN_IN_ENABLED ?? '').trim();
  if (google !== '' && google !== 'true' && google !== 'false') {
    warnings.push('GOOGLE_SIGN_IN_ENABLED is neither true nor false; Google sign-in stays off');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    supabaseUrl,
    anonKey: env.SUPABASE_ANON_KEY,
    serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
    jwtSecret,
    rateRules: rateRules.rules,
    googleSignIn: google === 'true',
    warnings,
  };
}

// One check per environment object, i.e. once per isolate in production.
const checked = new WeakMap<object, AppConfig | ConfigError>();

/** The checked configuration; throws ConfigError when the environment cannot work. */
export function appConfig(env: Bindings): AppConfig {
  let result = checked.get(env);
  if (!result) {
    try {
      result = readConfig(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      result = error;
    }
    checked.set(env, result);
  }
  if (result instanceof ConfigError) throw result;
  return result;
}

const reported = new WeakSet<object>();

/** Refuses every request with SRV_004 while the configuration is invalid, logging why once per isolate. */
export const checkConfig = createMiddleware<AppEnv>(async (c, next) => {
  let config: AppConfig;
  try {
    config = appConfig(c.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (!reported.has(c.env)) c.get('log').error('config.invalid', { problems: error.problems });
    reported.add(c.env);
    throw new AppError('SRV_004');
  }
  if (config.warnings.length && !reported.has(c.env)) c.get('log').warn('config.normalised', { warnings: config.warnings });
  reported.add(c.env);
  await next();
});
