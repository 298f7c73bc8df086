/** The Worker's bindings (wrangler.toml, .dev.vars) and the per-request context variables. */
import type { Locale } from '../shared/errors';
import type { AuthUser } from './auth/middleware';
import type { Logger } from './log/logger';

export interface Bindings {
  ASSETS: Fetcher;
  RATE_LIMIT_KV: KVNamespace;
  SUPABASE_URL: string;
  SUPABASE_ANON_KEY: string;
  SUPABASE_SERVICE_ROLE_KEY: string;
  /** Only for projects that still sign with the legacy HS256 secret. */
  SUPABASE_JWT_SECRET?: string;
  /** JSON overrides of the rate-limit rules (worker/rate-limit/rules.ts), e.g. {"api":{"limit":60}}. */
  RATE_LIMITS?: string;
}

export interface Variables {
  requestId: string;
  locale: Locale;
  log: Logger;
  /** Set by requireUser() on routes that need a signed-in user. */
  user: AuthUser;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
