/**
 * Signed tokens of the public booking flow, HMAC-SHA256 with BOOKING_FORM_SECRET (WebCrypto):
 * - the form token, issued with a service's availability and required to hold a slot of that
 *   service within FORM_TOKEN_TTL_SECONDS, so a bot must have fetched the form first;
 * - the booking link token, which lets the visitor's confirmation page read that one booking
 *   (never its contact details) after a reload or the payment provider's redirect.
 * A missing or short secret is a configuration error (SRV_004), logged by the caller's handler.
 */
import { base64Url } from '../../providers/base64';
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';

export const FORM_TOKEN_TTL_SECONDS = 60 * 60;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function key(env: Bindings): Promise<CryptoKey> {
  const secret = env.BOOKING_FORM_SECRET ?? '';
  if (secret.length < 32) {
    throw new AppError('SRV_004', { cause: 'BOOKING_FORM_SECRET is missing or shorter than 32 characters' });
  }
  let cached = keys.get(secret);
  if (!cached) {
    cached = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, cached);
  }
  return cached;
}

async function mac(env: Bindings, message: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.sign('HMAC', await key(env), encoder.encode(message))));
}

/** Equal-length strings compared without an early exit. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** `v1.<issued at, unix seconds>.<mac>` for holds of `serviceId`. */
export async function issueFormToken(env: Bindings, serviceId: string, nowSeconds = Math.floor(Date.now() / 1000)) {
  const token = `v1.${nowSeconds}.${await mac(env, `form:${serviceId}:${nowSeconds}`)}`;
  return { token, expiresAt: new Date((nowSeconds + FORM_TOKEN_TTL_SECONDS) * 1000).toISOString() };
}

/** True for a token this deployment issued for `serviceId` less than an hour ago. */
export async function checkFormToken(env: Bindings, serviceId: string, token: string, nowSeconds = Math.floor(Date.now() / 1000)) {
  const match = /^v1\.(\d{10})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const issuedAt = Number(match[1]);
  if (issuedAt > nowSeconds + 60 || nowSeconds - issuedAt > FORM_TOKEN_TTL_SECONDS) return false;
  return same(match[2]!, await mac(env, `form:${serviceId}:${issuedAt}`));
}

/** The token of the visitor's link to one booking. */
export const bookingLinkToken = (env: Bindings, bookingId: string) => mac(env, `booking:${bookingId}`);

export async function checkBookingLinkToken(env: Bindings, bookingId: string, token: string) {
  return /^[A-Za-z0-9_-]{43}$/.test(token) && same(token, await bookingLinkToken(env, bookingId));
}
