/**
 * What every provider adapter shares: one error class whose `kind` tells the caller what to do
 * (retry or give up), and a fetch bounded by a deadline that covers the response body too.
 */

/**
 * A provider call that did not succeed.
 * - `timeout`: no complete answer before the deadline (retryable).
 * - `unavailable`: network failure, 5xx, 408 or 429 (retryable).
 * - `rejected`: the provider refused the request (4xx, or an error in its own format); retrying
 *   the same request will not help. `code` keeps the provider's own error code when it gave one.
 * - `malformed`: an answer we cannot read (retryable: it is the provider's fault, not the input's).
 *
 * Messages never contain credentials, request URLs or bodies, so they can be logged.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly status: number | undefined;
  readonly code: string | undefined;
  /** False only for `rejected`. */
  readonly retryable: boolean;

  constructor(
    readonly provider: string,
    readonly kind: 'timeout' | 'unavailable' | 'rejected' | 'malformed',
    message: string,
    details: { status?: number; code?: string } = {},
  ) {
    super(`${provider}: ${message}`);
    this.status = details.status;
    this.code = details.code;
    this.retryable = kind !== 'rejected';
  }
}

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
  options: { timeoutMs: number; fetch?: typeof fetch },
): Promise<Response> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const fetchFn = options.fetch ?? fetch;
  try {
    const response = await fetchFn(url, { ...init, signal });
    const body = await response.arrayBuffer();
    return new Response(NULL_BODY_STATUSES.has(response.status) ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  } catch (error) {
    if (signal.aborted) throw new ProviderError(provider, 'timeout', `no answer within ${options.timeoutMs} ms`);
    throw new ProviderError(provider, 'unavailable', `request failed (${error instanceof Error ? error.name : 'network error'})`);
  }
}
