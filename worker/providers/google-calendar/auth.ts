/**
 * Google service-account auth with WebCrypto: an RS256 JWT assertion signed with the account's
 * PKCS#8 key, exchanged at the token URL (RFC 7523 jwt-bearer grant) for an access token that
 * this isolate keeps until a minute before it expires. Concurrent callers share one exchange.
 */
import * as z from 'zod/mini';
import { lazy } from '../../../shared/lazy';
import { base64ToBytes, base64Url } from '../base64';
import { fetchWithTimeout, ProviderError } from '../http';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
export const DEFAULT_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** A token is renewed this long before Google says it expires. */
const EXPIRY_MARGIN_MS = 60_000;

const serviceAccountSchema = lazy(() =>
  z.object({
    client_email: z.string().check(z.minLength(3), z.maxLength(320), z.regex(/^[^\s@]+@[^\s@]+$/)),
    private_key: z.string().check(z.regex(/-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\s]+-----END PRIVATE KEY-----/)),
    private_key_id: z.optional(z.string().check(z.maxLength(200))),
  }),
);

/** The fields of a service-account key file (the JSON Google hands out) that auth needs. */
export type ServiceAccount = z.infer<ReturnType<typeof serviceAccountSchema>>;

/** Reads GOOGLE_SERVICE_ACCOUNT_JSON; throws a TypeError naming what is wrong, never the key. */
export function parseServiceAccount(json: string): ServiceAccount {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TypeError('service account JSON does not parse');
  }
  const parsed = serviceAccountSchema().safeParse(value);
  if (!parsed.success) {
    throw new TypeError(`service account JSON lacks a valid ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  }
  return parsed.data;
}

const tokenResponseSchema = lazy(() =>
  z.object({
    access_token: z.string().check(z.minLength(1)),
    expires_in: z.number().check(z.positive()),
  }),
);

export interface TokenOptions {
  tokenUrl?: string;
  fetch?: typeof fetch;
  /** Default 10 000 ms. */
  timeoutMs?: number;
}

interface CachedToken {
  /** Infinity while the exchange is in flight. */
  expiresAt: number;
  token: Promise<string>;
}

const tokens = new Map<string, CachedToken>();

function cacheKey(account: ServiceAccount, tokenUrl: string): string {
  return `${tokenUrl}\n${account.client_email}\n${account.private_key_id ?? ''}`;
}

async function signAssertion(account: ServiceAccount, tokenUrl: string): Promise<string> {
  const pem = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/.exec(account.private_key)![1]!;
  const key = await crypto.subtle.importKey(
    'pkcs8',
    base64ToBytes(pem.replace(/\s+/g, '')),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(account.private_key_id ? { kid: account.private_key_id } : {}) };
  const claims = { iss: account.client_email, scope: CALENDAR_SCOPE, aud: tokenUrl, iat: now, exp: now + 3600 };
  const unsigned = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(unsigned));
  return `${unsigned}.${base64Url(new Uint8Array(signature))}`;
}

async function exchange(account: ServiceAccount, tokenUrl: string, options: TokenOptions): Promise<{ token: string; expiresInMs: number }> {
  const assertion = await signAssertion(account, tokenUrl);
  const response = await fetchWithTimeout(
    'google',
    tokenUrl,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
    },
    { timeoutMs: options.timeoutMs ?? 10_000, fetch: options.fetch },
  );
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    const code = (body as { error?: unknown } | undefined)?.error;
    throw new ProviderError('google', retryable ? 'unavailable' : 'rejected', `token endpoint answered ${response.status}`, {
      status: response.status,
      code: typeof code === 'string' ? code : undefined,
    });
  }
  const parsed = tokenResponseSchema().safeParse(body);
  if (!parsed.success)
    throw new ProviderError('google', 'malformed', 'token response has no access_token/expires_in', { status: response.status });
  return { token: parsed.data.access_token, expiresInMs: parsed.data.expires_in * 1000 };
}

/** A valid access token for the calendar scope, from this isolate's cache when it has one. */
export function accessToken(account: ServiceAccount, options: TokenOptions = {}): Promise<string> {
  const tokenUrl = options.tokenUrl ?? DEFAULT_TOKEN_URL;
  const key = cacheKey(account, tokenUrl);
  const cached = tokens.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.token;
  const entry: CachedToken = {
    expiresAt: Number.POSITIVE_INFINITY,
    token: exchange(account, tokenUrl, options).then(
      ({ token, expiresInMs }) => {
        entry.expiresAt = Date.now() + expiresInMs - EXPIRY_MARGIN_MS;
        return token;
      },
      (error: unknown) => {
        if (tokens.get(key) === entry) tokens.delete(key);
        throw error;
      },
    ),
  };
  tokens.set(key, entry);
  return entry.token;
}

/** Drops a token the API refused (revoked or expired early), so the next call exchanges anew. */
export async function forgetAccessToken(account: ServiceAccount, token: string, options: TokenOptions = {}): Promise<void> {
  const key = cacheKey(account, options.tokenUrl ?? DEFAULT_TOKEN_URL);
  const cached = tokens.get(key);
  if (cached && (await cached.token.catch(() => undefined)) === token && tokens.get(key) === cached) tokens.delete(key);
}
