/**
 * Verifies Supabase access tokens inside the Worker, with no network call per request:
 * HS256 with the project's legacy secret, or ES256/RS256 with the project's published JWKS.
 * Algorithms are an allowlist per key type: `none` never, HS256 never for a JWKS key.
 *
 * The JWKS cache, per isolate, under failure:
 * - keys are fresh for 10 minutes; after that a known `kid` is still answered from the cache
 *   while one refresh runs behind it, so a slow or hanging key endpoint never delays a request
 *   whose key is cached;
 * - an unknown `kid` waits for a refetch, at most one every 30 s (random kids cannot turn into a
 *   fetch per request), and joins a refresh already under way;
 * - one fetch at a time (single flight), bounded by a 3 s timeout;
 * - after a failed fetch, no new attempt for 5 s: cached keys keep working, an unknown `kid` is
 *   AUTH_004, and with no keys at all requests answer SRV_002 at once instead of each waiting.
 */
import { AppError } from '../errors/app-error';

export interface AccessClaims {
  sub: string;
  role: string;
  aud: string | string[];
  exp: number;
  iss: string;
  email?: string;
  session_id?: string;
  is_anonymous?: boolean;
  nbf?: number;
}

export interface VerifyConfig {
  supabaseUrl: string;
  /** HS256 secret; when absent, HS256 tokens are refused. */
  hsSecret?: string;
  fetchJwks?: (url: string, init: { signal: AbortSignal }) => Promise<Response>;
  now?: () => number;
  /** Bound on one JWKS fetch, body included (default 3000 ms). */
  jwksTimeoutMs?: number;
}

export interface VerifyOptions {
  /** Keeps a JWKS refresh running past the request that started it (ctx.waitUntil). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

const JWKS_TTL_MS = 10 * 60 * 1000;
/** Tokens already verified in this isolate; a client sends the same token for up to an hour. */
const VERIFIED_CACHE_SIZE = 1000;
const JWKS_REFETCH_COOLDOWN_MS = 30 * 1000;
const JWKS_FAILURE_COOLDOWN_MS = 5 * 1000;
const JWKS_TIMEOUT_MS = 3000;
const CLOCK_SKEW_S = 30;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type AsymmetricAlg = 'ES256' | 'RS256';
const ASYMMETRIC: Record<AsymmetricAlg, { kty: string; import: SubtleCryptoImportKeyAlgorithm; verify: SubtleCryptoSignAlgorithm }> = {
  ES256: { kty: 'EC', import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  RS256: { kty: 'RSA', import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
};

interface JwksKeys {
  keys: Map<string, { alg: AsymmetricAlg; key: CryptoKey }>;
  fetchedAt: number;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Decodes one base64url segment; anything that is not base64url (e.g. a 4n+1 length) is AUTH_004. */
function base64UrlBytes(part: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new AppError('AUTH_004');
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new AppError('AUTH_004');
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function parseJson(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(decoder.decode(base64UrlBytes(part)));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: any decoding problem is an invalid token
  }
  throw new AppError('AUTH_004');
}

/** One per Supabase project and isolate: it keeps the imported keys between requests. */
export class TokenVerifier {
  private readonly jwksUrl: string;
  private readonly issuer: string;
  private hmacKey?: Promise<CryptoKey>;
  private jwks?: JwksKeys;
  private refreshing?: Promise<void>;
  private lastAttempt = -Infinity;
  private lastFailure?: { at: number; cause: unknown };
  private readonly verified = new Map<string, AccessClaims>();

  constructor(private readonly config: VerifyConfig) {
    this.issuer = `${config.supabaseUrl}/auth/v1`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
  }

  /** Returns the token's claims, or throws AUTH_003 (expired) / AUTH_004 (anything else wrong). */
  async verify(token: string, options: VerifyOptions = {}): Promise<AccessClaims> {
    const now = this.config.now?.() ?? Date.now();
    // The same bytes already passed the signature check here: only the time claims can change.
    const known = this.verified.get(token);
    if (known) return this.checkClaims(known, now);
    const claims = await this.verifySignature(token, now, options);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
    return claims;
  }

  private async verifySignature(token: string, now: number, options: VerifyOptions): Promise<AccessClaims> {
    const parts = token.split('.');
    if (parts.length !== 3 || token.length > 8192) throw new AppError('AUTH_004');
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = parseJson(headerPart);
    const signature = base64UrlBytes(signaturePart);
    const signed = encoder.encode(`${headerPart}.${payloadPart}`);

    let valid = false;
    if (header.alg === 'HS256') {
      if (!this.config.hsSecret) throw new AppError('AUTH_004');
      this.hmacKey ??= crypto.subtle.importKey('raw', encoder.encode(this.config.hsSecret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'verify',
      ]);
      valid = await crypto.subtle.verify('HMAC', await this.hmacKey, signature, signed);
    } else if (header.alg === 'ES256' || header.alg === 'RS256') {
      if (typeof header.kid !== 'string') throw new AppError('AUTH_004');
      const key = await this.jwksKey(header.kid, header.alg, now, options);
      if (!key) throw new AppError('AUTH_004');
      valid = await crypto.subtle.verify(ASYMMETRIC[header.alg].verify, key, signature, signed);
    }
    if (!valid) throw new AppError('AUTH_004');
    return this.checkClaims(parseJson(payloadPart) as Partial<AccessClaims>, now);
  }

  private checkClaims(claims: Partial<AccessClaims>, now: number): AccessClaims {
    const nowS = Math.floor(now / 1000);
    // Number.isFinite also refuses a non-number and an `exp` of 1e400 (JSON's Infinity).
    if (!Number.isFinite(claims.exp)) throw new AppError('AUTH_004');
    if (nowS >= claims.exp!) throw new AppError('AUTH_003');
    if (typeof claims.nbf === 'number' && nowS + CLOCK_SKEW_S < claims.nbf) throw new AppError('AUTH_004');
    if (claims.iss !== this.issuer) throw new AppError('AUTH_004');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes('authenticated')) throw new AppError('AUTH_004');
    if (claims.role !== 'authenticated' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) {
      throw new AppError('AUTH_004');
    }
    return claims as AccessClaims;
  }

  private async jwksKey(kid: string, alg: AsymmetricAlg, now: number, options: VerifyOptions): Promise<CryptoKey | undefined> {
    const cached = this.jwks?.keys.get(kid);
    if (cached) {
      if (now - this.jwks!.fetchedAt >= JWKS_TTL_MS) void this.refresh(now, options);
      return cached.alg === alg ? cached.key : undefined;
    }
    if (!this.jwks || this.refreshing || now - this.lastAttempt >= JWKS_REFETCH_COOLDOWN_MS) await this.refresh(now, options);
    // Without any keys no token can be checked: the key endpoint is what is unavailable.
    if (!this.jwks) throw new AppError('SRV_002', { cause: this.lastFailure?.cause });
    const found = this.jwks.keys.get(kid);
    return found && found.alg === alg ? found.key : undefined;
  }

  /** Starts one bounded fetch unless one is under way or the last one failed moments ago; never rejects. */
  private refresh(now: number, options: VerifyOptions): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (this.lastFailure && now - this.lastFailure.at < JWKS_FAILURE_COOLDOWN_MS) return Promise.resolve();
    this.lastAttempt = now;
    this.refreshing = this.fetchKeys()
      .then(
        (keys) => {
          this.jwks = { keys, fetchedAt: now };
          this.lastFailure = undefined;
        },
        (cause: unknown) => {
          this.lastFailure = { at: now, cause };
        },
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    options.waitUntil?.(this.refreshing);
    return this.refreshing;
  }

  private async fetchKeys(): Promise<JwksKeys['keys']> {
    const signal = AbortSignal.timeout(this.config.jwksTimeoutMs ?? JWKS_TIMEOUT_MS);
    const response = await (this.config.fetchJwks ?? fetch)(this.jwksUrl, { signal });
    if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
    const body: { keys?: unknown } = await response.json();
    const keys: JwksKeys['keys'] = new Map();
    for (const jwk of Array.isArray(body?.keys) ? (body.keys as Array<Record<string, unknown>>) : []) {
      const alg = jwk?.alg as AsymmetricAlg;
      const spec = Object.hasOwn(ASYMMETRIC, alg) ? ASYMMETRIC[alg] : undefined;
      if (!spec || jwk.kty !== spec.kty || typeof jwk.kid !== 'string') continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      const key = await crypto.subtle.importKey('jwk', jwk as unknown as JsonWebKey, spec.import, false, ['verify']).catch(() => null);
      if (key) keys.set(jwk.kid, { alg, key });
    }
    return keys;
  }
}
