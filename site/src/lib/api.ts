/**
 * Browser side of the API: the Supabase Auth client (sign-in and sessions only; business data
 * always goes through the Worker) and Hono's typed client for /api, which sends the access token
 * and the page's language and turns every failure into an ApiError carrying a catalogue code.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { hc } from 'hono/client';
import { isErrorCode, type ErrorBody, type ErrorCode } from '../../../shared/errors';
import type { App } from '../../../worker/app';
import type { SiteLocale } from '../i18n/locales';

async function fetchConfig() {
  let response;
  try {
    response = await hc<App>('/').api.config.$get();
  } catch {
    throw new ApiError('NETWORK', 0);
  }
  if (!response.ok) throw new ApiError('SRV_002', response.status);
  return response.json();
}

let config: ReturnType<typeof fetchConfig> | undefined;
let client: Promise<SupabaseClient> | undefined;

/** GET /api/config: the Supabase project and whether Google sign-in is on. */
export function publicConfig(): ReturnType<typeof fetchConfig> {
  // A failed start is not cached: the next call (a retry) tries again.
  config ??= fetchConfig().catch((error: unknown) => {
    config = undefined;
    throw error instanceof ApiError ? error : new ApiError('NETWORK', 0);
  });
  return config;
}

/**
 * The Auth client. PKCE flow: a sign-in link or Google returns to the site with `?code=`, which
 * the client exchanges (with the verifier it kept in this browser) as the page starts; tokens
 * never travel in URLs.
 */
export function supabase(): Promise<SupabaseClient> {
  client ??= publicConfig()
    .then(({ supabaseUrl, supabaseAnonKey }) =>
      createClient(supabaseUrl, supabaseAnonKey, {
        auth: { flowType: 'pkce', persistSession: true, autoRefreshToken: true, detectSessionInUrl: true },
      }),
    )
    .catch((error: unknown) => {
      client = undefined;
      throw error;
    });
  return client;
}

/** A failed API call: a catalogue code, or NETWORK when no answer came back. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK',
    readonly status: number,
  ) {
    super(code);
    this.name = 'ApiError';
  }

  /** Worth trying again as it was: no answer, the server's fault, or a rate limit. */
  get retryable(): boolean {
    return this.code === 'NETWORK' || this.status >= 500 || this.status === 429;
  }

  /** The session is missing or over: the visitor has to sign in (again). */
  get signedOut(): boolean {
    return this.code === 'AUTH_003' || this.code === 'AUTH_004';
  }
}

async function guardedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(input, init);
  } catch {
    throw new ApiError('NETWORK', 0);
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as Partial<ErrorBody> | null;
  const code = body?.error?.code;
  throw new ApiError(isErrorCode(code) ? code : response.status >= 500 ? 'SRV_001' : 'REQ_004', response.status);
}

/** The typed API client for a page in `locale`; resolves only on a 2xx answer. */
export function apiClient(locale: SiteLocale) {
  return hc<App>('/', {
    fetch: guardedFetch,
    headers: async (): Promise<Record<string, string>> => {
      const { data } = await (await supabase()).auth.getSession();
      const token = data.session?.access_token;
      return token ? { 'Accept-Language': locale, Authorization: `Bearer ${token}` } : { 'Accept-Language': locale };
    },
  });
}

export type ApiClient = ReturnType<typeof apiClient>;
