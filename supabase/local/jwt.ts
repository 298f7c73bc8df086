/**
 * JWTs for the local stack, with node:crypto only: HS256 with the shared secret (the anon and
 * service keys, and user access tokens by default) and ES256 with a key pair generated at start
 * (user access tokens when asked for, published as a JWKS). Verification allows exactly these two
 * algorithms, picks the key from the algorithm the stack expects rather than trusting the header
 * alone, compares signatures in constant time and refuses `none`.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

export type JwtAlg = 'HS256' | 'ES256';
export type JwtClaims = Record<string, unknown>;

export interface Es256Key {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface JwtKeys {
  secret: string;
  es256?: Es256Key;
}

/** Why a token was refused; `claims` failures are about time, the rest about the token itself. */
export type JwtFailure =
  | { kind: 'malformed'; message: string }
  | { kind: 'algorithm'; message: string }
  | { kind: 'signature'; message: string }
  | { kind: 'claims'; message: string };

export type JwtResult = { ok: true; claims: JwtClaims } | { ok: false; failure: JwtFailure };

/** Seconds of clock skew tolerated on exp/nbf/iat, as PostgREST allows. */
const CLOCK_SKEW = 30;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

const encode = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function generateEs256Key(): Es256Key {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid: randomUUID(), privateKey, publicKey };
}

/** The public half as a JWK, the way GoTrue publishes asymmetric signing keys. */
export function publicJwk(key: Es256Key): Record<string, unknown> {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: key.kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] };
}

export function signJwt(claims: JwtClaims, keys: JwtKeys, alg: JwtAlg = 'HS256'): string {
  if (alg === 'ES256') {
    if (!keys.es256) throw new Error('no ES256 key');
    const input = `${encode(JSON.stringify({ alg, kid: keys.es256.kid, typ: 'JWT' }))}.${encode(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: keys.es256.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${encode(signature)}`;
  }
  const input = `${encode(JSON.stringify({ alg, typ: 'JWT' }))}.${encode(JSON.stringify(claims))}`;
  return `${input}.${encode(createHmac('sha256', keys.secret).update(input).digest())}`;
}

function decodeJson(part: string): unknown {
  if (!BASE64URL.test(part)) throw new Error('not base64url');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkSignature(alg: string, kid: unknown, input: string, signature: Buffer, keys: JwtKeys): JwtFailure | null {
  if (alg === 'HS256') {
    const expected = createHmac('sha256', keys.secret).update(input).digest();
    const same = signature.length === expected.length && timingSafeEqual(signature, expected);
    return same ? null : { kind: 'signature', message: 'JWT cryptographic operation failed' };
  }
  if (alg === 'ES256') {
    if (!keys.es256 || (kid !== undefined && kid !== keys.es256.kid)) {
      return { kind: 'signature', message: 'No suitable key or wrong key type' };
    }
    const valid =
      signature.length === 64 && verify('sha256', Buffer.from(input), { key: keys.es256.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    return valid ? null : { kind: 'signature', message: 'JWT cryptographic operation failed' };
  }
  return { kind: 'algorithm', message: 'Wrong or unsupported encoding algorithm' };
}

function checkTimes(claims: JwtClaims, now: number): JwtFailure | null {
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    if (claims[name] !== undefined && typeof claims[name] !== 'number') {
      return { kind: 'claims', message: `The JWT '${name}' claim must be a number` };
    }
  }
  const { exp, nbf, iat } = claims as { exp?: number; nbf?: number; iat?: number };
  if (exp !== undefined && now - CLOCK_SKEW >= exp) return { kind: 'claims', message: 'JWT expired' };
  if (nbf !== undefined && now + CLOCK_SKEW < nbf) return { kind: 'claims', message: 'JWT not yet valid' };
  if (iat !== undefined && now + CLOCK_SKEW < iat) return { kind: 'claims', message: 'JWT issued at future' };
  return null;
}

export function verifyJwt(token: string, keys: JwtKeys, now = Math.floor(Date.now() / 1000)): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return { ok: false, failure: { kind: 'malformed', message: `Expected 3 parts in JWT; got ${parts.length}` } };
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  try {
    header = decodeJson(headerPart);
    claims = decodeJson(payloadPart);
    if (!BASE64URL.test(signaturePart)) throw new Error('not base64url');
  } catch {
    return { ok: false, failure: { kind: 'malformed', message: 'JWT could not be decoded' } };
  }
  if (!isObject(header) || !isObject(claims) || typeof header.alg !== 'string') {
    return { ok: false, failure: { kind: 'malformed', message: 'JWT could not be decoded' } };
  }
  const signature = Buffer.from(signaturePart, 'base64url');
  const failure = checkSignature(header.alg, header.kid, `${headerPart}.${payloadPart}`, signature, keys) ?? checkTimes(claims, now);
  return failure ? { ok: false, failure } : { ok: true, claims };
}
