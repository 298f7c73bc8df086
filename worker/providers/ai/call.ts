/**
 * What the AI adapters share: one deadline per call that also follows the caller's signal (and
 * tells a timeout from a cancellation), the POST itself, HTTP statuses mapped to error kinds (with
 * Retry-After), and a Server-Sent Events reader over the response body (eventsource-parser) that
 * stops at the deadline and releases the connection when the consumer stops early.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { AiProviderError, type AiCallOptions, type AiProviderErrorKind, type AiUsage } from './types';

/** One call's abort signal: aborted by the deadline or by the caller's signal, whichever comes first. */
export class CallDeadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private reason: 'timeout' | 'cancelled' | undefined;
  private readonly onCallerAbort = () => this.abort('cancelled');

  constructor(
    readonly provider: string,
    readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.abort('timeout'), timeoutMs);
    if (callerSignal?.aborted) this.abort('cancelled');
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  private abort(reason: 'timeout' | 'cancelled') {
    if (this.reason) return;
    this.reason = reason;
    clearTimeout(this.timer);
    this.controller.abort();
  }

  /** Throws the timeout or cancellation error when the call is over. */
  check() {
    if (this.reason) throw this.error(undefined, 'unavailable', '');
  }

  /**
   * The AiProviderError for `cause`: the deadline or the caller's abort when either happened,
   * the cause itself when it already is one, else `fallback` with `message`.
   */
  error(cause: unknown, fallback: AiProviderErrorKind, message: string): AiProviderError {
    if (this.reason === 'timeout') return new AiProviderError(this.provider, 'timeout', `no complete answer within ${this.timeoutMs} ms`);
    if (this.reason === 'cancelled') return new AiProviderError(this.provider, 'cancelled', 'cancelled by the caller');
    if (cause instanceof AiProviderError) return cause;
    return new AiProviderError(this.provider, fallback, message);
  }

  /** Stops the timer and forgets the caller's signal; call once the call is over. */
  dispose() {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

/** Rejects as soon as `signal` aborts, so a stalled read or fetch cannot outlive the deadline. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const sender = (options: AiCallOptions): typeof fetch =>
  options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

/** POSTs JSON under the deadline; a network failure is `unavailable`. HTTP statuses are left to the caller (see httpError). */
export async function postJson(
  deadline: CallDeadline,
  options: AiCallOptions,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<Response> {
  deadline.check();
  try {
    return await untilAborted(
      sender(options)(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: deadline.signal,
      }),
      deadline.signal,
    );
  } catch (error) {
    throw deadline.error(error, 'unavailable', `request failed (${error instanceof Error ? error.name : 'network error'})`);
  }
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or OpenAI's retry-after-ms; undefined if absent or unreadable. */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The error for a non-2xx answer: 429 rate_limited, 401/403 auth, 408/5xx unavailable, other 4xx bad_response. */
export function httpError(provider: string, response: Response, retryAfter?: number): AiProviderError {
  const { status } = response;
  const details = { status };
  if (status === 429) {
    const seconds = retryAfter ?? retryAfterSeconds(response.headers);
    return new AiProviderError(
      provider,
      'rate_limited',
      `HTTP ${status}`,
      seconds === undefined ? details : { status, retryAfterSeconds: seconds },
    );
  }
  if (status === 401 || status === 403) return new AiProviderError(provider, 'auth', `HTTP ${status}: key refused`, details);
  if (status === 408 || status >= 500) return new AiProviderError(provider, 'unavailable', `HTTP ${status}`, details);
  return new AiProviderError(provider, 'bad_response', `HTTP ${status}: request refused`, details);
}

/** Discards a body we will not read, so the connection is released. */
export function discard(response: Response) {
  response.body?.cancel().catch(() => {});
}

/**
 * The response body's Server-Sent Events, in order, until the body ends. A read that fails (the
 * connection dropped) is `bad_response` "stream cut"; the deadline and the caller's abort win over
 * that. Returning early (the consumer stopped) cancels the body.
 */
export async function* sseEvents(deadline: CallDeadline, body: ReadableStream<Uint8Array> | null): AsyncGenerator<EventSourceMessage> {
  if (!body) throw new AiProviderError(deadline.provider, 'bad_response', 'empty body');
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await untilAborted(reader.read(), deadline.signal);
      } catch (error) {
        throw deadline.error(error, 'bad_response', 'stream cut');
      }
      parser.feed(chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true }));
      while (queue.length) yield queue.shift()!;
      if (chunk.done) return;
      deadline.check();
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** The error with the usage reported before it, when any was (so a failed call's tokens can still be counted). */
export function withUsage(error: AiProviderError, usage: AiUsage): AiProviderError {
  if (!error.usage && (usage.inputTokens > 0 || usage.outputTokens > 0)) error.usage = { ...usage };
  return error;
}

/** JSON.parse, or undefined. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-negative whole number, else 0 (usage fields a server left out or garbled). */
export const tokens = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0);

/** The base URL without trailing slashes. */
export const trimBase = (url: string) => url.replace(/\/+$/, '');
