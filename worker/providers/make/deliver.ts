/**
 * Delivers one outbound event to a Make custom webhook, signed the Standard Webhooks way, and
 * says whether to retry: 2xx is delivered; 408, 429, 5xx, timeouts and network failures are worth
 * another attempt; any other status is a permanent refusal. The caller (the outbox) keeps the
 * event id across attempts, so the receiver can drop duplicates by `webhook-id`.
 */
import { fetchWithTimeout, ProviderError } from '../http';
import { signWebhook, webhookSecretBytes } from './signature';

export interface MakeConfig {
  /** The scenario's webhook URL (MAKE_WEBHOOK_URL or the project's own). */
  url: string;
  /** `whsec_<base64>` (MAKE_WEBHOOK_SECRET or the project's own). */
  secret: string;
}

export interface OutboundEvent {
  /** Stable across retries: sent as `webhook-id`. */
  id: string;
  /** e.g. `booking.confirmed`. */
  type: string;
  /** When the cause happened (ISO 8601); the body's `timestamp`. */
  occurredAt: string;
  data: Record<string, unknown>;
}

export type DeliveryResult = { ok: true; status: number } | { ok: false; error: ProviderError };

export interface MakeOptions {
  fetch?: typeof fetch;
  /** Default 10 000 ms. */
  timeoutMs?: number;
  /** Seconds since the epoch for `webhook-timestamp`; defaults to now. */
  nowSeconds?: number;
}

/** The config from the platform-wide env, or null when no webhook URL is set (Make not in use). */
export function makeConfigFromEnv(env: { MAKE_WEBHOOK_URL?: string; MAKE_WEBHOOK_SECRET?: string }): MakeConfig | null {
  if (!env.MAKE_WEBHOOK_URL) return null;
  if (!/^https?:\/\//.test(env.MAKE_WEBHOOK_URL)) throw new TypeError('MAKE_WEBHOOK_URL must be an http(s) URL');
  webhookSecretBytes(env.MAKE_WEBHOOK_SECRET ?? '');
  return { url: env.MAKE_WEBHOOK_URL, secret: env.MAKE_WEBHOOK_SECRET! };
}

/** The Standard Webhooks payload: `{type, timestamp, data}`. */
export function eventBody(event: OutboundEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data });
}

export async function deliverEvent(config: MakeConfig, event: OutboundEvent, options: MakeOptions = {}): Promise<DeliveryResult> {
  const body = eventBody(event);
  const timestamp = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const signature = await signWebhook(config.secret, event.id, timestamp, body);
  let response: Response;
  try {
    response = await fetchWithTimeout(
      'make',
      config.url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
        },
        body,
      },
      { timeoutMs: options.timeoutMs ?? 10_000, fetch: options.fetch },
    );
  } catch (error) {
    if (error instanceof ProviderError) return { ok: false, error };
    throw error;
  }
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryable = status >= 500 || status === 408 || status === 429;
  return {
    ok: false,
    error: new ProviderError('make', retryable ? 'unavailable' : 'rejected', `webhook answered ${status}`, { status }),
  };
}
