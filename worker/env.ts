/** The Worker's bindings (wrangler.toml, .dev.vars) and the per-request context variables. */
import type { Locale } from '../shared/errors';
import type { Logger } from './log/logger';

export interface Bindings {
  ASSETS: Fetcher;
  RATE_LIMIT_KV: KVNamespace;
  SUPABASE_URL: string;
  SUPABASE_ANON_KEY: string;
  SUPABASE_SERVICE_ROLE_KEY: string;
  /** Only for projects that still sign with the legacy HS256 secret. */
  SUPABASE_JWT_SECRET?: string;
}

export interface Variables {
  requestId: string;
  locale: Locale;
  log: Logger;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
