/**
 * What every provider adapter shares: one error class whose `kind` tells the caller what to do
 * (retry or give up), a fetch bounded by a deadline that covers the response body too, and a
 * JSON request helper on top of it.
 */

/**
 * - `timeout`: no complete answer before the deadline; the outcome is unknown (retryable).
 * - `unavailable`: network failure, 5xx, 408 or 429 (retryable).
 * - `rejected`: the provider refused the request (4xx, or an error in its own format); retrying
 *   the same request will not help. `code` keeps the provider's own error code when it gave one.
 * - `malformed`: a 2xx whose body is not what the provider documents (retryable: the provider's
 *   fault, not the input's).
 */
export type ProviderErrorKind = 'timeout' | 'unavailable' | 'rejected' | 'malformed';

/** A provider call that did not succeed. Messages never contain credentials, URLs or bodies, so they can be logged. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  /** The provider's HTTP status, when it answered. */
  readonly status: number | undefined;
  readonly code: string | undefined;
  /** False only for `rejected`. */
  readonly retryable: boolean;

  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    details: { status?: number; code?: string } = {},
  ) {
    super(`${provider}: ${message}`);
    this.status = details.status;
    this.code = details.code;
    this.retryable = kind !== 'rejected';
  }
}

export interface ProviderRequestOptions {
  /** Replaces the global fetch (tests, or a service binding). */
  fetch?: typeof fetch;
  /** Milliseconds for the whole exchange, body included. Default 8000. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 8000;

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * `fetch` with a deadline (AbortSignal.timeout) over the whole exchange: the returned Response's
 * body is already read, so a provider that sends headers and then stalls still times out.
 * Network failures become ProviderError `unavailable`, the deadline ProviderError `timeout`;
 * HTTP statuses are left to the caller.
 *
 * @example
 * const response = await fetchWithTimeout('make', url, { method: 'POST', body }, { timeoutMs: 10_000 });
 */
export async function fetchWithTimeout(
  provider: string,
  url: string,
  init: RequestInit,
  options: ProviderRequestOptions = {},
): Promise<Response> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const send = options.fetch ?? ((input: RequestInfo | URL, requestInit?: RequestInit) => fetch(input, requestInit));
  try {
    const response = await send(url, { ...init, signal });
    const body = await response.arrayBuffer();
    return new Response(NULL_BODY_STATUSES.has(response.status) ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  } catch (error) {
    if (signal.aborted) throw new ProviderError(provider, 'timeout', `no answer within ${timeoutMs} ms`);
    throw new ProviderError(provider, 'unavailable', `request failed (${error instanceof Error ? error.name : 'network error'})`);
  }
}

export interface JsonResponse {
  status: number;
  /** The parsed body; undefined when it was empty or not JSON. */
  body: unknown;
}

/** One request through fetchWithTimeout, its body parsed as JSON; any HTTP status is returned for the adapter to judge (see `httpFailure`). */
export async function requestJson(
  provider: string,
  url: string,
  init: RequestInit,
  options: ProviderRequestOptions = {},
): Promise<JsonResponse> {
  const response = await fetchWithTimeout(provider, url, init, options);
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

/** The ProviderError for a non-2xx status: 408, 429 and 5xx are worth retrying, other 4xx are not. */
export function httpFailure(provider: string, status: number, detail?: string): ProviderError {
  const kind: ProviderErrorKind = status === 408 || status === 429 || status >= 500 ? 'unavailable' : 'rejected';
  return new ProviderError(provider, kind, `HTTP ${status}${detail ? `: ${detail}` : ''}`, { status });
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-empty string field, or undefined. */
export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
