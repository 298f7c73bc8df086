/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com), as Make scenarios and our own
 * fake inbox check them: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
 * keyed with the bytes of a `whsec_<base64>` secret. WebCrypto only, so it runs in the Worker and
 * in the Node fake alike.
 */
import { base64ToBytes, bytesToBase64 } from '../base64';

const encoder = new TextEncoder();

/** Decodes `whsec_<base64>` to its key bytes; the specification asks for 24 to 64 of them. */
export function webhookSecretBytes(secret: string): Uint8Array<ArrayBuffer> {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  try {
    bytes = match ? base64ToBytes(match[1]!) : undefined;
  } catch {
    bytes = undefined;
  }
  if (!bytes || bytes.length < 24 || bytes.length > 64) {
    throw new TypeError('webhook secret must be whsec_ followed by the base64 of 24 to 64 bytes');
  }
  return bytes;
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', webhookSecretBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/**
 * The `webhook-signature` header value for one delivery.
 * @param timestamp seconds since the epoch, the value sent as `webhook-timestamp`
 * @example await signWebhook('whsec_…', 'evt_1', 1614265330, '{"type":"booking.confirmed"}') // 'v1,…'
 */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await hmacKey(secret, 'sign');
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${bytesToBase64(new Uint8Array(mac))}`;
}

export interface WebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * True when one of the space-separated `v1,` signatures matches (compared in constant time by
 * WebCrypto's verify) and the timestamp is within `toleranceSeconds` of now, either way.
 */
export async function verifyWebhookSignature(
  secret: string,
  headers: WebhookHeaders,
  body: string,
  { toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) }: { toleranceSeconds?: number; nowSeconds?: number } = {},
): Promise<boolean> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const key = await hmacKey(secret, 'verify');
  const signed = encoder.encode(`${id}.${timestamp}.${body}`);
  for (const entry of signature.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    let mac: Uint8Array<ArrayBuffer>;
    try {
      mac = base64ToBytes(value);
    } catch {
      continue;
    }
    if (await crypto.subtle.verify('HMAC', key, mac, signed)) return true;
  }
  return false;
}
