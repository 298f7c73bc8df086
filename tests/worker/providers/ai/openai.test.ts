/**
 * The OpenAI-compatible adapter against recorded Chat Completions streams (tests/worker/providers/ai/recorded.ts):
 * the request it sends, the events it makes of each kind of answer, and how each failure is classified.
 */
import { describe, expect, it } from 'vitest';
import { openAiRequestBody, openAiTextProvider } from '../../../../worker/providers/ai/openai';
import { AiProviderError, type TextStreamEvent, type TextStreamRequest } from '../../../../worker/providers/ai/types';
import {
  collect,
  OPENAI_401_BODY,
  OPENAI_429_BODY,
  OPENAI_ANSWER,
  OPENAI_CONTENT_FILTER,
  OPENAI_CUT,
  OPENAI_LENGTH,
  OPENAI_NO_USAGE,
  OPENAI_REFUSAL,
  openAiChunk,
  openAiSse,
  serving,
  stalling,
} from './recorded';

const KEY = 'sk-test-0123456789abcdef';

const request: TextStreamRequest = {
  system: 'You write websites as JSON.',
  messages: [{ role: 'user', content: 'صالون في السالمية' }],
  schema: {
    name: 'site',
    schema: { type: 'object', additionalProperties: false, required: ['title'], properties: { title: { type: 'string' } } },
  },
  maxOutputTokens: 2000,
};

const provider = (fetcher: typeof fetch, model = 'gpt-4o') =>
  openAiTextProvider({ baseUrl: 'https://api.example.test/v1/', apiKey: KEY, model, fetch: fetcher });

const text = (events: TextStreamEvent[]) => events.map((event) => (event.type === 'text' ? event.text : '')).join('');
const finish = (events: TextStreamEvent[]) => events.filter((event) => event.type === 'finish');

function expectError(error: unknown, kind: AiProviderError['kind']): AiProviderError {
  expect(error).toBeInstanceOf(AiProviderError);
  const failure = error as AiProviderError;
  expect(failure.kind).toBe(kind);
  expect(failure.message).not.toContain(KEY);
  return failure;
}

describe('the request', () => {
  it('posts the documented body to {baseUrl}/chat/completions with a Bearer key', async () => {
    const answer = serving(OPENAI_ANSWER);
    await collect(provider(answer.fetch).stream(request));
    const [sent] = answer.sent;
    expect(sent!.url).toBe('https://api.example.test/v1/chat/completions');
    expect(sent!.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(sent!.headers.get('content-type')).toBe('application/json');
    expect(sent!.body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You write websites as JSON.' },
        { role: 'user', content: 'صالون في السالمية' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 2000,
      response_format: { type: 'json_schema', json_schema: { name: 'site', strict: true, schema: request.schema.schema } },
    });
  });

  it('sends max_completion_tokens instead for reasoning models, or when configured', () => {
    const config = { baseUrl: 'x', apiKey: '', model: 'o4-mini' };
    expect(openAiRequestBody(config, request)).toMatchObject({ max_completion_tokens: 2000 });
    expect(openAiRequestBody(config, request)).not.toHaveProperty('max_tokens');
    expect(openAiRequestBody({ ...config, model: 'openai/gpt-5-mini' }, request)).toHaveProperty('max_completion_tokens');
    expect(openAiRequestBody({ ...config, model: 'llama3.1', tokenLimitField: 'max_completion_tokens' }, request)).toHaveProperty(
      'max_completion_tokens',
    );
  });

  it('sends no Authorization header when the key is empty (Ollama, llama.cpp)', async () => {
    const answer = serving(OPENAI_ANSWER);
    await collect(
      openAiTextProvider({ baseUrl: 'http://127.0.0.1:11434/v1', apiKey: '', model: 'qwen3', fetch: answer.fetch }).stream(request),
    );
    expect(answer.sent[0]!.headers.has('authorization')).toBe(false);
  });
});

describe('answers', () => {
  it('streams the content deltas as text, then one finish with the usage chunk and the served model', async () => {
    const { events, error } = await collect(provider(serving(OPENAI_ANSWER).fetch).stream(request));
    expect(error).toBeUndefined();
    expect(text(events)).toBe('{"title":"صالون لمسة"}');
    expect(events.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 81, outputTokens: 9 },
      model: 'gpt-4o-2024-08-06',
    });
    expect(finish(events)).toHaveLength(1);
  });

  it('finishes with refusal when the model refused (delta.refusal)', async () => {
    const { events } = await collect(provider(serving(OPENAI_REFUSAL).fetch).stream(request));
    expect(text(events)).toBe('');
    expect(finish(events)).toEqual([expect.objectContaining({ reason: 'refusal', usage: { inputTokens: 40, outputTokens: 10 } })]);
  });

  it('maps content_filter to safety and length to length', async () => {
    const filtered = await collect(provider(serving(OPENAI_CONTENT_FILTER).fetch).stream(request));
    expect(finish(filtered.events)).toEqual([expect.objectContaining({ reason: 'safety' })]);
    const long = await collect(provider(serving(OPENAI_LENGTH).fetch).stream(request));
    expect(text(long.events)).toBe('{"sections":[{"id"');
    expect(finish(long.events)).toEqual([expect.objectContaining({ reason: 'length', usage: { inputTokens: 30, outputTokens: 8 } })]);
  });

  it('reports zeros when a server sends no usage chunk', async () => {
    const { events } = await collect(provider(serving(OPENAI_NO_USAGE).fetch).stream(request));
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it('takes usage sent on the finish chunk (llama.cpp)', async () => {
    const body = openAiSse(
      openAiChunk({ content: '{}' }),
      { ...openAiChunk({}, 'stop'), usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
      '[DONE]',
    );
    const { events } = await collect(provider(serving(body).fetch).stream(request));
    expect(events.at(-1)).toMatchObject({ usage: { inputTokens: 5, outputTokens: 2 } });
  });
});

describe('failures', () => {
  it('a stream that ends before its finish is bad_response, after the text it did send', async () => {
    const { events, error } = await collect(provider(serving(OPENAI_CUT).fetch).stream(request));
    expect(text(events)).toBe('{"title":');
    expect(finish(events)).toEqual([]);
    expect(expectError(error, 'bad_response').message).toMatch(/cut/);
    // OpenAI reports usage only at the end, so a cut stream has none to give.
    expect((error as AiProviderError).usage).toBeUndefined();
  });

  it('a chunk that is not JSON is bad_response', async () => {
    const { error } = await collect(provider(serving('data: {"id": nope\n\n').fetch).stream(request));
    expectError(error, 'bad_response');
  });

  it('429 is rate_limited with Retry-After (seconds, HTTP date or retry-after-ms); the body text stays out of the message', async () => {
    const seconds = await collect(
      provider(serving(OPENAI_429_BODY, { status: 429, headers: { 'Retry-After': '20' } }).fetch).stream(request),
    );
    const failure = expectError(seconds.error, 'rate_limited');
    expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 20, retryable: true });
    expect(failure.message).not.toMatch(/organization|TPM/);
    const ms = await collect(
      provider(serving(OPENAI_429_BODY, { status: 429, headers: { 'retry-after-ms': '1500' } }).fetch).stream(request),
    );
    expect(expectError(ms.error, 'rate_limited').retryAfterSeconds).toBe(2);
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = await collect(
      provider(serving(OPENAI_429_BODY, { status: 429, headers: { 'Retry-After': date } }).fetch).stream(request),
    );
    expect(expectError(dated.error, 'rate_limited').retryAfterSeconds).toBeGreaterThanOrEqual(28);
    const none = await collect(provider(serving(OPENAI_429_BODY, { status: 429 }).fetch).stream(request));
    expect(expectError(none.error, 'rate_limited').retryAfterSeconds).toBeUndefined();
  });

  it('401 and 403 are auth (not retryable), 5xx unavailable, 400 bad_response', async () => {
    for (const status of [401, 403]) {
      const { error } = await collect(provider(serving(OPENAI_401_BODY, { status }).fetch).stream(request));
      const failure = expectError(error, 'auth');
      expect(failure).toMatchObject({ status, retryable: false });
      expect(failure.message).not.toMatch(/sk-proj/);
    }
    for (const status of [500, 502, 503])
      expectError((await collect(provider(serving({}, { status }).fetch).stream(request))).error, 'unavailable');
    expectError((await collect(provider(serving({}, { status: 400 }).fetch).stream(request))).error, 'bad_response');
  });

  it('an error object inside the stream is unavailable (or rate_limited when it says so)', async () => {
    const overloaded = openAiSse(openAiChunk({ content: '{' }), { error: { message: 'overloaded', type: 'server_error', code: 503 } });
    expectError((await collect(provider(serving(overloaded).fetch).stream(request))).error, 'unavailable');
    const limited = openAiSse({ error: { message: 'slow down', type: 'rate_limit_error', code: 429 } });
    expectError((await collect(provider(serving(limited).fetch).stream(request))).error, 'rate_limited');
  });

  it('a network failure is unavailable', async () => {
    const down: typeof fetch = async () => {
      throw new TypeError('Network connection lost.');
    };
    expectError((await collect(provider(down).stream(request))).error, 'unavailable');
  });

  it('a stream that stalls past the deadline is timeout, with the text sent before it', async () => {
    const fetcher = stalling(openAiSse(openAiChunk({ content: '{"ti' })));
    const started = Date.now();
    const { events, error } = await collect(provider(fetcher).stream({ ...request, timeoutMs: 150 }));
    expect(text(events)).toBe('{"ti');
    expectError(error, 'timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a request that never answers is timeout too', async () => {
    const never: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    expectError((await collect(provider(never).stream({ ...request, timeoutMs: 100 }))).error, 'timeout');
  });

  it("the caller's signal cancels: before the call, and mid-stream", async () => {
    const before = new AbortController();
    before.abort();
    const answer = serving(OPENAI_ANSWER);
    expectError((await collect(provider(answer.fetch).stream({ ...request, signal: before.signal }))).error, 'cancelled');
    expect(answer.sent).toHaveLength(0);

    const during = new AbortController();
    const fetcher = stalling(openAiSse(openAiChunk({ content: '{' })));
    const events: TextStreamEvent[] = [];
    let caught: unknown;
    try {
      for await (const event of provider(fetcher).stream({ ...request, signal: during.signal, timeoutMs: 10_000 })) {
        events.push(event);
        during.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(events).toEqual([{ type: 'text', text: '{' }]);
    expect(expectError(caught, 'cancelled').retryable).toBe(false);
  });

  it('a consumer that stops early cancels the body', async () => {
    let cancelled = false;
    const fetcher: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(openAiSse(openAiChunk({ content: '{' }))));
          },
          cancel() {
            cancelled = true;
          },
        }),
      );
    for await (const event of provider(fetcher).stream(request)) if (event.type === 'text') break;
    expect(cancelled).toBe(true);
  });
});
