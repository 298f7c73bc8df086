/**
 * UPayments' notification (POST to notificationUrl) and the query it appends to returnUrl and
 * cancelUrl carry the same fields (payment_id, result, track_id, requested_order_id, …) and no
 * signature. They are hints: read the track_id here, then settle only on what `fetchStatus` says.
 */
import { isRecord } from '../http';
import { UPAYMENTS_ID_PATTERN } from './client';

export interface UpaymentsHint {
  /** What to ask the status API about. */
  trackId: string;
  /** The order.id it claims to be about (our payment id). */
  orderId?: string;
  /** The result it claims; never act on it. */
  claimedResult?: string;
  paymentId?: string;
}

function hint(read: (key: string) => unknown): UpaymentsHint | null {
  const id = (key: string) => {
    const value = read(key);
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
    return typeof text === 'string' && UPAYMENTS_ID_PATTERN.test(text) ? text : undefined;
  };
  const trackId = id('track_id');
  if (!trackId) return null;
  const orderId = id('requested_order_id');
  const paymentId = id('payment_id');
  const result = read('result');
  const claimedResult = typeof result === 'string' && result.length <= 32 ? result.toUpperCase() : undefined;
  return { trackId, ...(orderId ? { orderId } : {}), ...(claimedResult ? { claimedResult } : {}), ...(paymentId ? { paymentId } : {}) };
}

/**
 * The hint in a notification body, JSON or form-encoded (read both: the content type is not
 * something to rely on for an unsigned request). Null when it names no usable track_id.
 */
export function hintFromNotification(rawBody: string): UpaymentsHint | null {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    return isRecord(parsed) ? hint((key) => parsed[key]) : null;
  } catch {
    const form = new URLSearchParams(rawBody);
    return hint((key) => form.get(key) ?? undefined);
  }
}

/** The hint in the query UPayments appends to returnUrl / cancelUrl. Null without a usable track_id. */
export function hintFromReturnUrl(url: URL): UpaymentsHint | null {
  return hint((key) => url.searchParams.get(key) ?? undefined);
}
