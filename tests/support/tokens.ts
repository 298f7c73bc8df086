/**
 * Mints JWTs for tests with WebCrypto (runs in workerd and in Node): HS256 with a shared secret,
 * ES256 with a generated key whose public half can be served as a JWKS, and deliberately broken
 * tokens for the auth-failure suites.
 */

import { LOCAL_JWT_SECRET } from '../../supabase/local/keys';

const encoder = new TextEncoder();

export function base64Url(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export type Claims = Record<string, unknown>;

function unsigned(header: Claims, claims: Claims): string {
  return `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
}

export async function signHs256(claims: Claims, secret = LOCAL_JWT_SECRET, header: Claims = {}): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const body = unsigned({ alg: 'HS256', typ: 'JWT', ...header }, claims);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(body)));
  return `${body}.${base64Url(signature)}`;
}

export function unsignedNone(claims: Claims): string {
  return `${unsigned({ alg: 'none', typ: 'JWT' }, claims)}.`;
}

export interface Es256Signer {
  kid: string;
  jwk: JsonWebKey & { kid: string; alg: string; use: string };
  sign(claims: Claims): Promise<string>;
}

export async function es256Signer(kid: string = crypto.randomUUID()): Promise<Es256Signer> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicJwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey;
  return {
    kid,
    jwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y, kid, alg: 'ES256', use: 'sig' },
    async sign(claims) {
      const body = unsigned({ alg: 'ES256', typ: 'JWT', kid }, claims);
      const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, encoder.encode(body)));
      return `${body}.${base64Url(signature)}`;
    },
  };
}

/** Claims of a GoTrue access token for `userId`, valid for an hour from now. */
export function accessClaims(supabaseUrl: string, userId: string, extra: Claims = {}): Claims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `${supabaseUrl}/auth/v1`,
    sub: userId,
    aud: 'authenticated',
    role: 'authenticated',
    iat: now,
    exp: now + 3600,
    email: `${userId.slice(0, 8)}@example.test`,
    session_id: crypto.randomUUID(),
    aal: 'aal1',
    is_anonymous: false,
    ...extra,
  };
}
