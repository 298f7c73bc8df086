/**
 * The Anthropic Messages adapter against recorded streams: the forced-tool request, input_json_delta
 * as text, stop reasons, usage from message_start and message_delta, and error events.
 */
import { describe, expect, it } from 'vitest';
import { anthropicTextProvider } from '../../../../worker/providers/ai/anthropic';
import { AiProviderError, type TextStreamEvent, type TextStreamRequest } from '../../../../worker/providers/ai/types';
import {
  ANTHROPIC_ANSWER,
  ANTHROPIC_CUT,
  ANTHROPIC_MAX_TOKENS,
  ANTHROPIC_OVERLOADED,
  ANTHROPIC_RATE_EVENT,
  ANTHROPIC_REFUSAL,
  collect,
  serving,
  stalling,
} from './recorded';

const KEY = 'sk-ant-api03-test-key';

const schema = { type: 'object', additionalProperties: false, required: ['title'], properties: { title: { type: 'string' } } };
const request: TextStreamRequest = {
  system: 'You write websites as JSON.',
  messages: [
    { role: 'user', content: 'A salon in Salmiya' },
    { role: 'assistant', content: '{"title":"x"}' },
    { role: 'user', content: 'Warmer, please' },
  ],
  schema: { name: 'site', schema },
  maxOutputTokens: 1500,
};

const provider = (fetcher: typeof fetch) =>
  anthropicTextProvider({ baseUrl: 'https://api.anthropic.test/v1', apiKey: KEY, model: 'claude-sonnet-4-5', fetch: fetcher });
const text = (events: TextStreamEvent[]) => events.map((event) => (event.type === 'text' ? event.text : '')).join('');

function expectError(error: unknown, kind: AiProviderError['kind']): AiProviderError {
  expect(error).toBeInstanceOf(AiProviderError);
  expect((error as AiProviderError).kind).toBe(kind);
  expect((error as AiProviderError).message).not.toContain(KEY);
  return error as AiProviderError;
}

describe('the request', () => {
  it('posts to {baseUrl}/messages with x-api-key, anthropic-version and one forced tool carrying the schema', async () => {
    const answer = serving(ANTHROPIC_ANSWER);
    await collect(provider(answer.fetch).stream(request));
    const [sent] = answer.sent;
    expect(sent!.url).toBe('https://api.anthropic.test/v1/messages');
    expect(sent!.headers.get('x-api-key')).toBe(KEY);
    expect(sent!.headers.get('anthropic-version')).toBe('2023-06-01');
    expect(sent!.headers.has('authorization')).toBe(false);
    expect(sent!.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1500,
      system: 'You write websites as JSON.',
      messages: request.messages,
      stream: true,
      tools: [{ name: 'site', description: expect.any(String), input_schema: schema }],
      tool_choice: { type: 'tool', name: 'site' },
    });
  });
});

describe('answers', () => {
  it('streams the tool input as text and finishes stop with usage (cache reads counted as input)', async () => {
    const { events, error } = await collect(provider(serving(ANTHROPIC_ANSWER).fetch).stream(request));
    expect(error).toBeUndefined();
    expect(text(events)).toBe('{"title": "Lamsa Salon"}');
    expect(events.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 482, outputTokens: 89 },
      model: 'claude-sonnet-4-5-20250929',
    });
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
  });

  it('max_tokens is length, refusal is refusal', async () => {
    const long = await collect(provider(serving(ANTHROPIC_MAX_TOKENS).fetch).stream(request));
    expect(long.events.at(-1)).toMatchObject({ type: 'finish', reason: 'length', usage: { outputTokens: 16 } });
    const refused = await collect(provider(serving(ANTHROPIC_REFUSAL).fetch).stream(request));
    expect(refused.events).toEqual([expect.objectContaining({ type: 'finish', reason: 'refusal' })]);
  });
});

describe('failures', () => {
  it('an overloaded_error event is unavailable, rate_limit_error rate_limited', async () => {
    const overloaded = await collect(provider(serving(ANTHROPIC_OVERLOADED).fetch).stream(request));
    expect(text(overloaded.events)).toBe('{"ti');
    expect(expectError(overloaded.error, 'unavailable').retryable).toBe(true);
    // message_start had reported the input tokens: the failed call's usage can still be counted.
    expect((overloaded.error as AiProviderError).usage).toEqual({ inputTokens: 482, outputTokens: 2 });
    expectError((await collect(provider(serving(ANTHROPIC_RATE_EVENT).fetch).stream(request))).error, 'rate_limited');
  });

  it('a stream without message_stop is bad_response', async () => {
    expectError((await collect(provider(serving(ANTHROPIC_CUT).fetch).stream(request))).error, 'bad_response');
  });

  it('HTTP 429 (retry-after), 529 overloaded, 401', async () => {
    const limited = await collect(
      provider(
        serving({ type: 'error', error: { type: 'rate_limit_error', message: 'x' } }, { status: 429, headers: { 'retry-after': '12' } })
          .fetch,
      ).stream(request),
    );
    expect(expectError(limited.error, 'rate_limited').retryAfterSeconds).toBe(12);
    const overloaded = await collect(
      provider(serving({ type: 'error', error: { type: 'overloaded_error' } }, { status: 529 }).fetch).stream(request),
    );
    expect(expectError(overloaded.error, 'unavailable').status).toBe(529);
    const bad = await collect(
      provider(serving({ type: 'error', error: { type: 'authentication_error' } }, { status: 401 }).fetch).stream(request),
    );
    expectError(bad.error, 'auth');
  });

  it('the deadline covers the stream', async () => {
    const fetcher = stalling('event: ping\ndata: {"type":"ping"}\n\n');
    expectError((await collect(provider(fetcher).stream({ ...request, timeoutMs: 100 }))).error, 'timeout');
  });
});
