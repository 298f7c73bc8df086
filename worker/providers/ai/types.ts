/**
 * The one small interface every AI provider adapter implements (docs/ARCHITECTURE.md section 7):
 * a text provider streams the model's structured answer as text
 * chunks and ends with exactly one finish event (reason, token usage, model); an image provider
 * returns one image's bytes. Every failure is one error class, AiProviderError, whose `kind` tells
 * the generation flow what happened (all of them end in a refund there) and whether a retry could
 * help. Messages never contain keys, URLs or the provider's body text, so they can be logged.
 */

/** Token usage as the provider reported it; zeros when it reported none (some compatible servers omit it). */
export interface AiUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface TextMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface TextStreamRequest {
  /** Instructions; the owner's own words go in `messages`, as data. */
  system: string;
  messages: TextMessage[];
  /** The answer's shape: a strict JSON Schema (every property required, additionalProperties false). `name` matches ^[a-zA-Z0-9_-]{1,64}$. */
  schema: { name: string; schema: object };
  maxOutputTokens: number;
  /** Aborts the call (the owner cancelled); the stream then throws AiProviderError `cancelled`. */
  signal?: AbortSignal;
  /** Milliseconds for the whole call, the stream included; the provider's default otherwise. */
  timeoutMs?: number;
}

/**
 * - `stop`: the answer is complete (it may still be invalid JSON: the caller validates).
 * - `length`: cut at maxOutputTokens, so the JSON is incomplete.
 * - `safety`: stopped by the provider's content filter.
 * - `refusal`: the model declined (OpenAI `refusal`, Anthropic `refusal` stop reason).
 */
export type FinishReason = 'stop' | 'length' | 'safety' | 'refusal';

export type TextStreamEvent = { type: 'text'; text: string } | { type: 'finish'; reason: FinishReason; usage: AiUsage; model: string };

export interface TextProvider {
  /** `openai` or `anthropic`: for logs and the generation's record. */
  readonly name: string;
  readonly model: string;
  /** Text events, then exactly one finish event; throws AiProviderError instead of finishing when the call fails. */
  stream(request: TextStreamRequest): AsyncIterable<TextStreamEvent>;
}

export type AspectRatio = '1:1' | '4:3' | '3:4' | '16:9' | '9:16';
export const ASPECT_RATIOS: readonly AspectRatio[] = ['1:1', '4:3', '3:4', '16:9', '9:16'];

export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface ImageRequest {
  prompt: string;
  aspectRatio: AspectRatio;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ImageResult {
  bytes: Uint8Array<ArrayBuffer>;
  mimeType: ImageMimeType;
  usage: AiUsage;
  model: string;
}

export interface ImageProvider {
  readonly name: string;
  readonly model: string;
  /** @throws AiProviderError (`refused` for a safety block or an answer without an image). */
  generate(request: ImageRequest): Promise<ImageResult>;
}

/**
 * - `rate_limited`: HTTP 429 or the provider's rate-limit error; `retryAfterSeconds` when it said.
 * - `unavailable`: network failure, 5xx, overloaded.
 * - `timeout`: no complete answer before the deadline.
 * - `cancelled`: the caller's signal aborted the call.
 * - `bad_response`: an answer that is not the documented wire format, a stream cut before its
 *   finish, or a 4xx other than 401/403/429 (the request itself was refused: a bug on our side).
 * - `auth`: the key was refused (401/403, Gemini's API_KEY_INVALID).
 * - `refused`: the image provider blocked the prompt or answered without an image.
 */
export type AiProviderErrorKind = 'rate_limited' | 'unavailable' | 'timeout' | 'cancelled' | 'bad_response' | 'auth' | 'refused';

const RETRYABLE: ReadonlySet<AiProviderErrorKind> = new Set(['rate_limited', 'unavailable', 'timeout', 'bad_response']);

/** An AI call that did not succeed. `message` is ours (kind, status), never the provider's body. */
export class AiProviderError extends Error {
  override readonly name = 'AiProviderError';
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** Tokens the provider had reported before a stream failed (Anthropic reports input tokens first), when it had. */
  usage: AiUsage | undefined;

  constructor(
    readonly provider: string,
    readonly kind: AiProviderErrorKind,
    message: string,
    details: { status?: number; retryAfterSeconds?: number; usage?: AiUsage } = {},
  ) {
    super(`${provider}: ${message}`);
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
    if (details.usage !== undefined) this.usage = details.usage;
  }

  /** Whether the same call might succeed later. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** What every adapter's factory takes besides its base URL, key and model. */
export interface AiCallOptions {
  /** Replaces the global fetch (tests, a service binding). */
  fetch?: typeof fetch;
  /** Default deadline for calls that set none. */
  timeoutMs?: number;
}
