/**
 * Provider answers written from each provider's documentation (OpenAI's chat.completion.chunk
 * stream with stream_options.include_usage, Anthropic's Messages stream with a tool_use block,
 * Gemini's generateContent with an inline image), and a fetch that serves one of them, in awkward
 * chunk sizes, while recording what the adapter sent.
 */

/** An SSE body from `data:` payloads (objects are JSON-encoded; strings are sent as they are). */
export const openAiSse = (...payloads: Array<object | string>) =>
  payloads.map((payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`).join('');

const base = {
  id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
  object: 'chat.completion.chunk',
  created: 1741570283,
  model: 'gpt-4o-2024-08-06',
};
const system_fingerprint = 'fp_eb9dce56a8';

export const openAiChunk = (delta: object, finish_reason: string | null = null) => ({
  ...base,
  system_fingerprint,
  choices: [{ index: 0, delta, logprobs: null, finish_reason }],
  usage: null,
});

export const openAiUsage = (prompt_tokens: number, completion_tokens: number) => ({
  ...base,
  system_fingerprint,
  choices: [],
  usage: {
    prompt_tokens,
    completion_tokens,
    total_tokens: prompt_tokens + completion_tokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
});

/** A complete answer: role chunk, three content pieces, finish stop, usage, [DONE]. */
export const OPENAI_ANSWER = openAiSse(
  openAiChunk({ role: 'assistant', content: '', refusal: null }),
  openAiChunk({ content: '{"title":' }),
  openAiChunk({ content: '"صالون ' }),
  openAiChunk({ content: 'لمسة"}' }),
  openAiChunk({}, 'stop'),
  openAiUsage(81, 9),
  '[DONE]',
);

/** The model declines through structured outputs' refusal field. */
export const OPENAI_REFUSAL = openAiSse(
  openAiChunk({ role: 'assistant', content: null, refusal: '' }),
  openAiChunk({ refusal: "I'm sorry, " }),
  openAiChunk({ refusal: "I can't assist with that request." }),
  openAiChunk({}, 'stop'),
  openAiUsage(40, 10),
  '[DONE]',
);

export const OPENAI_CONTENT_FILTER = openAiSse(
  openAiChunk({ role: 'assistant', content: '' }),
  openAiChunk({ content: '{"title":"' }),
  openAiChunk({}, 'content_filter'),
  openAiUsage(30, 4),
  '[DONE]',
);

export const OPENAI_LENGTH = openAiSse(
  openAiChunk({ role: 'assistant', content: '{"sections":[{"id"' }),
  openAiChunk({}, 'length'),
  openAiUsage(30, 8),
  '[DONE]',
);

/** As Ollama's older versions answer: no usage chunk at all. */
export const OPENAI_NO_USAGE = openAiSse(openAiChunk({ role: 'assistant', content: '{}' }), openAiChunk({}, 'stop'), '[DONE]');

/** The connection ends after two content chunks: no finish_reason, no usage, no [DONE]. */
export const OPENAI_CUT = openAiSse(openAiChunk({ role: 'assistant', content: '' }), openAiChunk({ content: '{"title":' }));

export const OPENAI_429_BODY = {
  error: {
    message: 'Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM)',
    type: 'tokens',
    param: null,
    code: 'rate_limit_exceeded',
  },
};

export const OPENAI_401_BODY = {
  error: { message: 'Incorrect API key provided: sk-proj-****abcd.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
};

export const anthropicSse = (...events: Array<[string, object]>) =>
  events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');

const messageStart: [string, object] = [
  'message_start',
  {
    type: 'message_start',
    message: {
      id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      stop_sequence: null,
      usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 2 },
      content: [],
      stop_reason: null,
    },
  },
];
const toolStart: [string, object] = [
  'content_block_start',
  {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'site', input: {} },
  },
];
const jsonDelta = (partial_json: string): [string, object] => [
  'content_block_delta',
  { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json } },
];
const messageDelta = (stop_reason: string, output_tokens: number): [string, object] => [
  'message_delta',
  { type: 'message_delta', delta: { stop_reason, stop_sequence: null }, usage: { output_tokens } },
];
const messageStop: [string, object] = ['message_stop', { type: 'message_stop' }];

export const ANTHROPIC_ANSWER = anthropicSse(
  messageStart,
  toolStart,
  ['ping', { type: 'ping' }],
  jsonDelta(''),
  jsonDelta('{"title": '),
  jsonDelta('"Lamsa'),
  jsonDelta(' Salon"}'),
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  messageDelta('tool_use', 89),
  messageStop,
);

export const ANTHROPIC_MAX_TOKENS = anthropicSse(
  messageStart,
  toolStart,
  jsonDelta('{"title": "La'),
  messageDelta('max_tokens', 16),
  messageStop,
);

export const ANTHROPIC_REFUSAL = anthropicSse(messageStart, messageDelta('refusal', 3), messageStop);

export const ANTHROPIC_OVERLOADED = anthropicSse(messageStart, toolStart, jsonDelta('{"ti'), [
  'error',
  { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
]);

export const ANTHROPIC_RATE_EVENT = anthropicSse(messageStart, [
  'error',
  { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
]);

/** Ends after a delta: no message_delta, no message_stop. */
export const ANTHROPIC_CUT = anthropicSse(messageStart, toolStart, jsonDelta('{"title": "La'));

/** A 1×1 PNG, base64. */
export const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==';

export const GEMINI_IMAGE = {
  candidates: [
    {
      content: {
        parts: [{ text: 'Here is a bright salon interior.' }, { inlineData: { mimeType: 'image/png', data: PNG_BASE64 } }],
        role: 'model',
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: {
    promptTokenCount: 12,
    candidatesTokenCount: 1290,
    totalTokenCount: 1302,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
  },
  modelVersion: 'gemini-2.5-flash-image',
  responseId: 'abc123',
};

export const GEMINI_BLOCKED = {
  promptFeedback: { blockReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' }] },
  usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
  modelVersion: 'gemini-2.5-flash-image',
};

export const GEMINI_IMAGE_SAFETY = {
  candidates: [{ content: { parts: [], role: 'model' }, finishReason: 'IMAGE_SAFETY', index: 0 }],
  usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 0, totalTokenCount: 9 },
  modelVersion: 'gemini-2.5-flash-image',
};

export const GEMINI_TEXT_ONLY = {
  candidates: [{ content: { parts: [{ text: 'I can describe it instead.' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 7, totalTokenCount: 16 },
  modelVersion: 'gemini-2.5-flash-image',
};

export const GEMINI_BAD_KEY = {
  error: {
    code: 400,
    message: 'API key not valid. Please pass a valid API key.',
    status: 'INVALID_ARGUMENT',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
  },
};

export const GEMINI_QUOTA = {
  error: {
    code: 429,
    message: 'You exceeded your current quota.',
    status: 'RESOURCE_EXHAUSTED',
    details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
  },
};

export interface Sent {
  url: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * A fetch that answers every call with `body` (a string streamed in 7-byte pieces, so events and
 * multi-byte letters are split across reads, or an object as JSON) and records each request.
 */
export function serving(body: string | object, init: { status?: number; headers?: Record<string, string> } = {}) {
  const sent: Sent[] = [];
  const fetcher: typeof fetch = async (input, requestInit) => {
    sent.push({
      url: String(input),
      headers: new Headers(requestInit?.headers),
      body: JSON.parse(String(requestInit?.body)) as Record<string, unknown>,
    });
    const bytes = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + 7));
        at += 7;
      },
    });
    const contentType = typeof body === 'string' ? 'text/event-stream' : 'application/json';
    return new Response(stream, { status: init.status ?? 200, headers: { 'Content-Type': contentType, ...init.headers } });
  };
  return { fetch: fetcher, sent };
}

/** A fetch whose answer sends headers and one chunk, then never anything again (until aborted). */
export function stalling(first: string) {
  const fetcher: typeof fetch = async (_input, init) => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(first));
        init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      },
    });
    return new Response(stream, { headers: { 'Content-Type': 'text/event-stream' } });
  };
  return fetcher;
}

/** Every event of a stream, or the error it threw. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<{ events: T[]; error?: unknown }> {
  const events: T[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}
