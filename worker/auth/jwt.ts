/**
 * Verifies Supabase access tokens inside the Worker, with no network call per request:
 * HS256 with the project's legacy secret, or ES256/RS256 with the project's published JWKS
 * (cached for at most 10 minutes; an unknown `kid` triggers one refetch, at most every 30 s).
 * Algorithms are an allowlist per key type: `none` never, HS256 never for a JWKS key.
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
  fetchJwks?: (url: string) => Promise<Response>;
  now?: () => number;
}

const JWKS_TTL_MS = 10 * 60 * 1000;
/** Tokens already verified in this isolate; a client sends the same token for up to an hour. */
const VERIFIED_CACHE_SIZE = 1000;
const JWKS_REFETCH_COOLDOWN_MS = 30 * 1000;
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

function base64UrlBytes(part: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new AppError('AUTH_004');
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(base64);
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
  private lastJwksFetch = -Infinity;
  private readonly verified = new Map<string, AccessClaims>();

  constructor(private readonly config: VerifyConfig) {
    this.issuer = `${config.supabaseUrl}/auth/v1`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
  }

  /** Returns the token's claims, or throws AUTH_003 (expired) / AUTH_004 (anything else wrong). */
  async verify(token: string): Promise<AccessClaims> {
    const now = this.config.now?.() ?? Date.now();
    // The same bytes already passed the signature check here: only the time claims can change.
    const known = this.verified.get(token);
    if (known) return this.checkClaims(known, now);
    const claims = await this.verifySignature(token, now);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
    return claims;
  }

  private async verifySignature(token: string, now: number): Promise<AccessClaims> {
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
      const key = await this.jwksKey(header.kid, header.alg, now);
      if (!key) throw new AppError('AUTH_004');
      valid = await crypto.subtle.verify(ASYMMETRIC[header.alg].verify, key, signature, signed);
    }
    if (!valid) throw new AppError('AUTH_004');
    return this.checkClaims(parseJson(payloadPart) as Partial<AccessClaims>, now);
  }

  private checkClaims(claims: Partial<AccessClaims>, now: number): AccessClaims {
    const nowS = Math.floor(now / 1000);
    if (typeof claims.exp !== 'number') throw new AppError('AUTH_004');
    if (nowS >= claims.exp) throw new AppError('AUTH_003');
    if (typeof claims.nbf === 'number' && nowS + CLOCK_SKEW_S < claims.nbf) throw new AppError('AUTH_004');
    if (claims.iss !== this.issuer) throw new AppError('AUTH_004');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes('authenticated')) throw new AppError('AUTH_004');
    if (claims.role !== 'authenticated' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) {
      throw new AppError('AUTH_004');
    }
    return claims as AccessClaims;
  }

  private async jwksKey(kid: string, alg: AsymmetricAlg, now: number): Promise<CryptoKey | undefined> {
    if (!this.jwks || now - this.jwks.fetchedAt >= JWKS_TTL_MS) await this.fetchJwks(now);
    let found = this.jwks?.keys.get(kid);
    if (!found && now - this.lastJwksFetch >= JWKS_REFETCH_COOLDOWN_MS) {
      await this.fetchJwks(now);
      found = this.jwks?.keys.get(kid);
    }
    return found && found.alg === alg ? found.key : undefined;
  }

  private async fetchJwks(now: number): Promise<void> {
    this.lastJwksFetch = now;
    let body: { keys?: Array<Record<string, unknown>> };
    try {
      const response = await (this.config.fetchJwks ?? fetch)(this.jwksUrl);
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      body = await response.json();
    } catch (cause) {
      // Keep serving the keys we have; without any, no token can be checked.
      if (this.jwks) return;
      throw new AppError('SRV_002', { cause });
    }
    const keys: JwksKeys['keys'] = new Map();
    for (const jwk of body.keys ?? []) {
      const alg = jwk.alg as AsymmetricAlg;
      const spec = ASYMMETRIC[alg];
      if (!spec || jwk.kty !== spec.kty || typeof jwk.kid !== 'string') continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      const key = await crypto.subtle.importKey('jwk', jwk as unknown as JsonWebKey, spec.import, false, ['verify']).catch(() => null);
      if (key) keys.set(jwk.kid, { alg, key });
    }
    this.jwks = { keys, fetchedAt: now };
  }
}
