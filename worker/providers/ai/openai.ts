/**
 * OpenAI-compatible Chat Completions, streamed: `POST {baseUrl}/chat/completions` with
 * `Authorization: Bearer <key>`, `stream: true`, `stream_options.include_usage` and strict
 * structured output (`response_format: {type: "json_schema", json_schema: {name, strict, schema}}`).
 * The Server-Sent Events become text events (`choices[0].delta.content`) and one finish event:
 * `finish_reason` stop/length/content_filter → stop/length/safety, any `delta.refusal` → refusal,
 * usage from the final chunk (`usage.prompt_tokens/completion_tokens`, `choices: []`), then
 * `data: [DONE]`. A stream that ends before a finish_reason is `bad_response` ("stream cut").
 *
 * The token limit: `max_tokens` by default, the field every compatible server reads; OpenAI's
 * reasoning models (o1, o3, o4-mini, gpt-5…) refuse it and take `max_completion_tokens`, so that is
 * sent instead for model names of that shape (or when `tokenLimitField` says so).
 *
 * The same wire format reaches, with what differs:
 * - Cloudflare AI Gateway: base `https://gateway.ai.cloudflare.com/v1/{account}/{gateway}/openai`
 *   (or `/compat` with `provider/model` names); the key is the upstream provider's.
 * - Workers AI: base `https://api.cloudflare.com/client/v4/accounts/{account}/ai/v1`, an API token
 *   as the key, `@cf/…` model names; json_schema support depends on the model.
 * - Gemini: base `https://generativelanguage.googleapis.com/v1beta/openai`; finish reasons are
 *   OpenAI's; it sends usage on the last chunk.
 * - vLLM (`/v1`): strict json_schema through guided decoding; usage chunk sent when asked.
 * - llama.cpp server (`/v1`): json_schema turned into a grammar; usage may come on the finish chunk
 *   (its `timings` are ignored).
 * - Ollama (`http://localhost:11434/v1`): no key needed (leave it empty: no Authorization header);
 *   older versions omit the usage chunk, so usage is reported as zeros.
 * Usage found on any chunk is taken; a server that never sends it reports zeros.
 */
import { CallDeadline, discard, httpError, isRecord, parseJson, postJson, sseEvents, tokens, trimBase, withUsage } from './call';
import {
  AiProviderError,
  type AiCallOptions,
  type AiUsage,
  type FinishReason,
  type TextProvider,
  type TextStreamEvent,
  type TextStreamRequest,
} from './types';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_DEFAULT_TIMEOUT_MS = 120_000;

export interface OpenAiTextConfig extends AiCallOptions {
  /** AI_TEXT_BASE_URL: an OpenAI-compatible base ending in /v1 (or an AI Gateway URL). */
  baseUrl: string;
  /** AI_TEXT_API_KEY; empty sends no Authorization header (Ollama, llama.cpp). */
  apiKey: string;
  /** AI_TEXT_MODEL */
  model: string;
  /** Which field carries maxOutputTokens; by default chosen from the model name (see the header). */
  tokenLimitField?: 'max_tokens' | 'max_completion_tokens';
  /** Name in errors and logs; default `openai`. */
  name?: string;
}

const REASONING_MODEL = /^(?:[\w.-]+\/)?(?:o\d|gpt-5)/i;

/** The request body for one streamed call (exported for tests and for logging its shape). */
export function openAiRequestBody(config: OpenAiTextConfig, request: TextStreamRequest): Record<string, unknown> {
  const field = config.tokenLimitField ?? (REASONING_MODEL.test(config.model) ? 'max_completion_tokens' : 'max_tokens');
  return {
    model: config.model,
    messages: [{ role: 'system', content: request.system }, ...request.messages.map(({ role, content }) => ({ role, content }))],
    stream: true,
    stream_options: { include_usage: true },
    [field]: request.maxOutputTokens,
    response_format: { type: 'json_schema', json_schema: { name: request.schema.name, strict: true, schema: request.schema.schema } },
  };
}

const FINISH: Record<string, FinishReason> = { stop: 'stop', length: 'length', content_filter: 'safety' };

/** An `error` object some servers (vLLM, gateways) send inside the stream. */
function streamedError(provider: string, error: unknown): AiProviderError {
  const fields = isRecord(error) ? error : {};
  const text = `${String(fields.type ?? '')} ${String(fields.code ?? '')}`.toLowerCase();
  if (text.includes('rate') || fields.code === 429) return new AiProviderError(provider, 'rate_limited', 'rate limited mid-stream');
  return new AiProviderError(provider, 'unavailable', 'error event mid-stream');
}

export function openAiTextProvider(config: OpenAiTextConfig): TextProvider {
  const provider = config.name ?? 'openai';
  const url = `${trimBase(config.baseUrl)}/chat/completions`;
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (config.apiKey) headers.Authorization = `Bearer ${config.apiKey}`;

  async function* stream(request: TextStreamRequest): AsyncGenerator<TextStreamEvent> {
    const deadline = new CallDeadline(provider, request.timeoutMs ?? config.timeoutMs ?? OPENAI_DEFAULT_TIMEOUT_MS, request.signal);
    const usage: AiUsage = { inputTokens: 0, outputTokens: 0 };
    try {
      const response = await postJson(deadline, config, url, headers, openAiRequestBody(config, request));
      if (!response.ok) {
        discard(response);
        throw httpError(provider, response);
      }
      let finish: FinishReason | undefined;
      let refused = false;
      let model = config.model;
      for await (const event of sseEvents(deadline, response.body)) {
        if (event.data === '[DONE]') break;
        const chunk = parseJson(event.data);
        if (!isRecord(chunk)) throw new AiProviderError(provider, 'bad_response', 'a stream chunk is not JSON');
        if (chunk.error !== undefined) throw streamedError(provider, chunk.error);
        if (typeof chunk.model === 'string' && chunk.model) model = chunk.model;
        if (isRecord(chunk.usage)) {
          usage.inputTokens = tokens(chunk.usage.prompt_tokens);
          usage.outputTokens = tokens(chunk.usage.completion_tokens);
        }
        const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
        if (!isRecord(choice)) continue;
        const delta = isRecord(choice.delta) ? choice.delta : {};
        if (typeof delta.refusal === 'string' && delta.refusal) refused = true;
        if (typeof delta.content === 'string' && delta.content) yield { type: 'text', text: delta.content };
        if (typeof choice.finish_reason === 'string' && choice.finish_reason) finish = FINISH[choice.finish_reason] ?? 'stop';
      }
      if (!finish) throw new AiProviderError(provider, 'bad_response', 'stream cut before its finish');
      yield { type: 'finish', reason: refused ? 'refusal' : finish, usage, model };
    } catch (error) {
      throw withUsage(deadline.error(error, 'bad_response', 'unreadable stream'), usage);
    } finally {
      deadline.dispose();
    }
  }

  return { name: provider, model: config.model, stream };
}
