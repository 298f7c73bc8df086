/**
 * Stripe webhook signatures, checked before the body is parsed: the `Stripe-Signature` header
 * carries `t=<unix seconds>` and one or more `v1=<hex HMAC-SHA256 of "t.body">` (several while a
 * secret is being rolled). Every v1 is checked with WebCrypto's constant-time verify, and the
 * timestamp must be within the tolerance on either side of now (replays and clock games).
 */
import { isRecord } from '../http';

export type StripeSignatureFailure = 'malformed_header' | 'no_matching_signature' | 'timestamp_out_of_tolerance' | 'malformed_event';

/** Answer 400 for any of these; none of them may change anything. */
export class StripeSignatureError extends Error {
  override readonly name = 'StripeSignatureError';

  constructor(readonly reason: StripeSignatureFailure) {
    super(`Stripe webhook refused: ${reason}`);
  }
}

export interface StripeEvent {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  data: { object: Record<string, unknown> };
}

export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Far above what Stripe sends (a timestamp and a few signatures); bounds the work per request. */
const MAX_HEADER_LENGTH = 4096;

const encoder = new TextEncoder();

function parseHeader(header: string | null | undefined): { timestamp: number; signatures: string[] } | null {
  if (!header || header.length > MAX_HEADER_LENGTH) return null;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at < 0) continue;
    const key = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      signatures.push(value);
    }
  }
  return timestamp === undefined || signatures.length === 0 ? null : { timestamp, signatures };
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function readEvent(rawBody: string): StripeEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !isRecord(parsed.data) || !isRecord(parsed.data.object)) return null;
  const { id, type, created } = parsed;
  if (typeof id !== 'string' || !id || typeof type !== 'string' || !type || !Number.isSafeInteger(created)) return null;
  return { id, type, created: created as number, data: { object: parsed.data.object } };
}

/**
 * Verifies a webhook delivery and only then parses it.
 * @param secret STRIPE_WEBHOOK_SECRET (whsec_…), used as the HMAC key exactly as given.
 * @param rawBody the request body as received (`await c.req.text()`), before any parsing.
 * @param signatureHeader the `Stripe-Signature` header.
 * @param nowSeconds the current unix time (passed in so tests can move it).
 * @param toleranceSeconds how far the signed timestamp may be from now, past or future. Default 300.
 * @throws StripeSignatureError for anything not signed with `secret` within the tolerance;
 *   TypeError when the secret is empty (a configuration fault, not a bad request).
 * @example
 *   const event = await verifyWebhook(env.STRIPE_WEBHOOK_SECRET, await c.req.text(), c.req.header('Stripe-Signature'), Math.floor(Date.now() / 1000));
 */
export async function verifyWebhook(
  secret: string,
  rawBody: string,
  signatureHeader: string | null | undefined,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Promise<StripeEvent> {
  if (!secret) throw new TypeError('STRIPE_WEBHOOK_SECRET is empty');
  const header = parseHeader(signatureHeader);
  if (!header) throw new StripeSignatureError('malformed_header');

  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = encoder.encode(`${header.timestamp}.${rawBody}`);
  let matched = false;
  // Every candidate is checked, so the time taken does not say which one matched.
  for (const candidate of header.signatures) {
    const bytes = hexBytes(candidate);
    const ok = bytes !== null && (await crypto.subtle.verify('HMAC', key, bytes, signed));
    matched = ok || matched;
  }
  if (!matched) throw new StripeSignatureError('no_matching_signature');
  if (Math.abs(nowSeconds - header.timestamp) > toleranceSeconds) throw new StripeSignatureError('timestamp_out_of_tolerance');

  const event = readEvent(rawBody);
  if (!event) throw new StripeSignatureError('malformed_event');
  return event;
}
