/**
 * Anthropic Messages, streamed: `POST {baseUrl}/messages` with `x-api-key`,
 * `anthropic-version: 2023-06-01` and `stream: true`. Structured output goes through one forced
 * tool (`tools: [{name, description, input_schema}]`, `tool_choice: {type: "tool", name}`), so the
 * answer arrives as the tool's input: each `content_block_delta` whose delta is an
 * `input_json_delta` gives a text event of its `partial_json`. `message_delta.stop_reason`
 * end_turn/tool_use/stop_sequence → stop, max_tokens → length, refusal → refusal; usage from
 * `message_start.message.usage.input_tokens` (plus cache reads and writes) and
 * `message_delta.usage.output_tokens`; an `error` event is overloaded_error → unavailable,
 * rate_limit_error → rate_limited, anything else unavailable. The finish comes at `message_stop`;
 * a stream that ends before it is `bad_response` ("stream cut").
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

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com/v1';
export const ANTHROPIC_VERSION = '2023-06-01';
export const ANTHROPIC_DEFAULT_TIMEOUT_MS = 120_000;

export interface AnthropicTextConfig extends AiCallOptions {
  /** AI_TEXT_BASE_URL, ending in /v1; default https://api.anthropic.com/v1. */
  baseUrl?: string;
  apiKey: string;
  model: string;
}

const PROVIDER = 'anthropic';

const STOP: Record<string, FinishReason> = {
  end_turn: 'stop',
  tool_use: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  refusal: 'refusal',
};

export function anthropicRequestBody(config: AnthropicTextConfig, request: TextStreamRequest): Record<string, unknown> {
  const { name, schema } = request.schema;
  return {
    model: config.model,
    max_tokens: request.maxOutputTokens,
    system: request.system,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    stream: true,
    tools: [{ name, description: `Answer with the ${name} object, as its input.`, input_schema: schema }],
    tool_choice: { type: 'tool', name },
  };
}

function eventError(error: unknown): AiProviderError {
  const type = isRecord(error) ? error.type : undefined;
  if (type === 'rate_limit_error') return new AiProviderError(PROVIDER, 'rate_limited', 'rate_limit_error event');
  if (type === 'authentication_error' || type === 'permission_error') return new AiProviderError(PROVIDER, 'auth', `${type} event`);
  return new AiProviderError(PROVIDER, 'unavailable', `${type === 'overloaded_error' ? 'overloaded_error' : 'error'} event`);
}

export function anthropicTextProvider(config: AnthropicTextConfig): TextProvider {
  const url = `${trimBase(config.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL)}/messages`;
  const headers = { 'x-api-key': config.apiKey, 'anthropic-version': ANTHROPIC_VERSION, Accept: 'text/event-stream' };

  async function* stream(request: TextStreamRequest): AsyncGenerator<TextStreamEvent> {
    const deadline = new CallDeadline(PROVIDER, request.timeoutMs ?? config.timeoutMs ?? ANTHROPIC_DEFAULT_TIMEOUT_MS, request.signal);
    const usage: AiUsage = { inputTokens: 0, outputTokens: 0 };
    try {
      const response = await postJson(deadline, config, url, headers, anthropicRequestBody(config, request));
      if (!response.ok) {
        discard(response);
        // Anthropic's 529 "overloaded" is a 5xx: unavailable.
        throw httpError(PROVIDER, response);
      }
      let model = config.model;
      let reason: FinishReason | undefined;
      let stopped = false;
      for await (const event of sseEvents(deadline, response.body)) {
        const data = parseJson(event.data);
        if (!isRecord(data)) throw new AiProviderError(PROVIDER, 'bad_response', 'an event is not JSON');
        const type = data.type ?? event.event;
        if (type === 'error') throw eventError(data.error);
        if (type === 'message_start' && isRecord(data.message)) {
          if (typeof data.message.model === 'string' && data.message.model) model = data.message.model;
          const start = isRecord(data.message.usage) ? data.message.usage : {};
          usage.inputTokens =
            tokens(start.input_tokens) + tokens(start.cache_creation_input_tokens) + tokens(start.cache_read_input_tokens);
          usage.outputTokens = tokens(start.output_tokens);
        } else if (type === 'content_block_delta' && isRecord(data.delta)) {
          const { delta } = data;
          if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && delta.partial_json)
            yield { type: 'text', text: delta.partial_json };
        } else if (type === 'message_delta') {
          if (isRecord(data.delta) && typeof data.delta.stop_reason === 'string') reason = STOP[data.delta.stop_reason] ?? 'stop';
          if (isRecord(data.usage) && data.usage.output_tokens !== undefined) usage.outputTokens = tokens(data.usage.output_tokens);
        } else if (type === 'message_stop') {
          stopped = true;
          break;
        }
      }
      if (!stopped || !reason) throw new AiProviderError(PROVIDER, 'bad_response', 'stream cut before message_stop');
      yield { type: 'finish', reason, usage, model };
    } catch (error) {
      throw withUsage(deadline.error(error, 'bad_response', 'unreadable stream'), usage);
    } finally {
      deadline.dispose();
    }
  }

  return { name: PROVIDER, model: config.model, stream };
}
