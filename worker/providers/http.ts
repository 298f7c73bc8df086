/**
 * What every provider adapter shares: one error type a caller can map without knowing the
 * provider, and one JSON request helper with a hard timeout covering the response body too.
 */

/**
 * - `timeout`: no complete answer in time; the outcome is unknown, so check again later.
 * - `unavailable`: network failure, 5xx or 429; worth retrying later.
 * - `rejected`: the provider refused the request (4xx, or its own failure flag): retrying the
 *   same request will not help.
 * - `malformed`: a 2xx whose body is not what the provider documents.
 */
export type ProviderErrorKind = 'timeout' | 'unavailable' | 'rejected' | 'malformed';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';

  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    /** The provider's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(`${provider}: ${message}`);
  }
}

export interface ProviderRequestOptions {
  /** Replaces the global fetch (tests, or a service binding). */
  fetch?: typeof fetch;
  /** Milliseconds for the whole exchange, body included. Default 8000. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 8000;

export interface JsonResponse {
  status: number;
  /** The parsed body; undefined when it was empty or not JSON. */
  body: unknown;
}

/**
 * Sends one request and reads its JSON body under a single AbortSignal.timeout, so a provider
 * that sends headers and then stalls is still cut off. Network failures and timeouts become
 * ProviderErrors; any HTTP status is returned for the adapter to judge (see `httpFailure`).
 * Error messages never include the request (it carries credentials).
 */
export async function requestJson(
  provider: string,
  url: string,
  init: RequestInit,
  options: ProviderRequestOptions = {},
): Promise<JsonResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const send = options.fetch ?? ((input: RequestInfo | URL, requestInit?: RequestInit) => fetch(input, requestInit));
  try {
    const response = await send(url, { ...init, signal });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch (error) {
    if (signal.aborted) throw new ProviderError(provider, 'timeout', 'no answer in time');
    throw new ProviderError(provider, 'unavailable', `network error (${error instanceof Error ? error.name : 'unknown'})`);
  }
}

/** The ProviderError for a non-2xx status: 429 and 5xx are worth retrying, other 4xx are not. */
export function httpFailure(provider: string, status: number, detail?: string): ProviderError {
  const kind: ProviderErrorKind = status === 429 || status >= 500 ? 'unavailable' : 'rejected';
  return new ProviderError(provider, kind, `HTTP ${status}${detail ? `: ${detail}` : ''}`, status);
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-empty string field, or undefined. */
export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
