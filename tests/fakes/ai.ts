/**
 * A fake AI provider for `npm run dev` and the tests, so everything runs locally with no accounts
 * (docs/GENERATION.md, "Providers"), speaking three real wire formats on one port:
 *
 * - `POST /v1/chat/completions` (OpenAI, `Authorization: Bearer`): streamed Chat Completions.
 *   Chunks exactly as OpenAI sends them (`chat.completion.chunk`, a role chunk, content deltas, the
 *   finish chunk, the usage chunk with `choices: []` when `stream_options.include_usage`, then
 *   `data: [DONE]`). The request must have a model, messages, `stream: true` and a strict
 *   `response_format.json_schema` (what OpenAI's strict mode refuses answers 400 here too).
 * - `POST /v1/messages` (Anthropic, `x-api-key`, `anthropic-version`): streamed Messages with one
 *   forced tool: message_start, content_block_start (tool_use), input_json_delta…,
 *   content_block_stop, message_delta (stop_reason, output_tokens), message_stop.
 * - `POST /v1beta/models/{model}:generateContent` (Gemini, `x-goog-api-key`): a real PNG of the
 *   requested `imageConfig.aspectRatio` as the `inlineData` part, with usageMetadata. A bad key is
 *   400 API_KEY_INVALID and a missing one 403, as Google answers.
 *
 * The text answer is valid against the schema the request sent (tests/fakes/ai-content.ts), with
 * copy for the business described in the last user message, streamed in small chunks over about
 * `paceMs` (600 ms by default; first byte at once).
 *
 * Control (JSON, also methods of what startFakeAi returns):
 * - `POST /__control/fail {"mode", "count"?: n | "always", "ms"?, "retryAfter"?, "model"?}`: the next
 *   `count` (default 1) requests the mode applies to misbehave, or all until reset; with `model`,
 *   only requests for that model (so test files running side by side, each with a model name of
 *   its own, do not take each other's switches). Modes: `rate_limit`
 *   (429 + Retry-After), `error_500`, `overloaded` (OpenAI 503; Anthropic an overloaded_error
 *   event mid-stream), `cut` (the stream stops midway, no finish, connection ended),
 *   `invalid_json` (broken JSON, finish stop), `length` (finish length mid-JSON), `safety`
 *   (content_filter; Anthropic refusal; Gemini blockReason SAFETY), `refusal` (OpenAI
 *   delta.refusal), `slow_first_byte` (`ms`, default 3000, before the headers), `no_image`
 *   (Gemini answers text only). Text-only modes do not consume on image requests and back.
 * - `POST /__control/pace {"ms"}`: how long a whole streamed answer takes.
 * - `POST /__control/reset`: clears the switches, the pace and the recorded requests.
 * - `GET /__control/requests?path=&model=`: the last 200 requests (path, headers without keys, parsed
 *   body, status), oldest first, so tests can assert what the product sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../../supabase/local/http';
import { answerFor, lastUserText, strictSchemaProblems, type JsonSchema } from './ai-content';
import { HttpError, readControl, startServer } from './common';
import { gradientPng, sizeFor } from './png';

/** The fake's development key (never a real one); .dev.vars may set another. */
export const FAKE_AI_API_KEY = 'kwq8-local-fake-ai-key';
export const FAKE_AI_PORT = 8796;

export type FakeAiMode =
  'rate_limit' | 'error_500' | 'overloaded' | 'cut' | 'invalid_json' | 'length' | 'safety' | 'refusal' | 'slow_first_byte' | 'no_image';

export const FAKE_AI_MODES: readonly FakeAiMode[] = [
  'rate_limit',
  'error_500',
  'overloaded',
  'cut',
  'invalid_json',
  'length',
  'safety',
  'refusal',
  'slow_first_byte',
  'no_image',
];

type Api = 'openai' | 'anthropic' | 'gemini';

const APPLIES: Record<FakeAiMode, readonly Api[]> = {
  rate_limit: ['openai', 'anthropic', 'gemini'],
  error_500: ['openai', 'anthropic', 'gemini'],
  overloaded: ['openai', 'anthropic', 'gemini'],
  cut: ['openai', 'anthropic'],
  invalid_json: ['openai', 'anthropic'],
  length: ['openai', 'anthropic'],
  safety: ['openai', 'anthropic', 'gemini'],
  refusal: ['openai'],
  slow_first_byte: ['openai', 'anthropic', 'gemini'],
  no_image: ['gemini'],
};

export interface FakeAiRequest {
  api: Api;
  method: string;
  /** Path and query, without a `key` parameter. */
  path: string;
  /** Without authorization, x-api-key and x-goog-api-key. */
  headers: Record<string, string>;
  body: unknown;
  status: number;
  at: string;
}

interface Switch {
  mode: FakeAiMode;
  /** Only requests for this model (tests running side by side each use a model name of their own). */
  model: string | undefined;
  remaining: number;
  ms: number;
  retryAfter: number;
}

const KEEP_REQUESTS = 200;
const DEFAULT_PACE_MS = 600;
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key']);

/** The model a recorded request named (Gemini's is in its path). */
function modelOf(entry: FakeAiRequest): string | undefined {
  const body = entry.body as { model?: unknown } | undefined;
  if (typeof body?.model === 'string') return body.model;
  return /\/models\/([^/:]+):/.exec(entry.path)?.[1];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));
const randomId = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 14)}`;

/** Splits `text` into chunks for a stream lasting about `paceMs`: between 8 and 60 pieces, never empty. */
function pieces(text: string): string[] {
  const count = Math.min(60, Math.max(8, Math.ceil(text.length / 16)));
  const size = Math.max(1, Math.ceil(text.length / count));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

function hashOf(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}

export async function startFakeAi({ port = 0, apiKey = FAKE_AI_API_KEY }: { port?: number; apiKey?: string } = {}) {
  let switches: Switch[] = [];
  let paceMs = DEFAULT_PACE_MS;
  const requests: FakeAiRequest[] = [];
  let served = 0;

  function fail(mode: FakeAiMode, options: { count?: number | 'always'; ms?: number; retryAfter?: number; model?: string } = {}) {
    if (!FAKE_AI_MODES.includes(mode)) throw new HttpError(400, { error: `mode must be one of ${FAKE_AI_MODES.join(', ')}` });
    const count = options.count ?? 1;
    if (count !== 'always' && !(Number.isInteger(count) && count > 0))
      throw new HttpError(400, { error: 'count is a positive integer or "always"' });
    switches.push({
      mode,
      model: options.model,
      remaining: count === 'always' ? Infinity : count,
      ms: options.ms ?? 3000,
      retryAfter: options.retryAfter ?? 2,
    });
  }

  function reset() {
    switches = [];
    paceMs = DEFAULT_PACE_MS;
    requests.length = 0;
  }

  /** The switches that apply to this request, each consumed once. */
  function take(api: Api, model: string): Map<FakeAiMode, Switch> {
    const taken = new Map<FakeAiMode, Switch>();
    for (const entry of switches) {
      if (entry.remaining <= 0 || !APPLIES[entry.mode].includes(api) || taken.has(entry.mode)) continue;
      if (entry.model !== undefined && entry.model !== model) continue;
      entry.remaining -= 1;
      taken.set(entry.mode, entry);
    }
    switches = switches.filter((entry) => entry.remaining > 0);
    return taken;
  }

  function record(api: Api, req: IncomingMessage, url: URL, body: unknown): FakeAiRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && !SECRET_HEADERS.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    url.searchParams.delete('key');
    const entry: FakeAiRequest = {
      api,
      method: req.method ?? 'POST',
      path: url.pathname + url.search,
      headers,
      body,
      status: 200,
      at: new Date().toISOString(),
    };
    requests.push(entry);
    if (requests.length > KEEP_REQUESTS) requests.shift();
    return entry;
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const text = await readBody(req);
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  const refuse = (entry: FakeAiRequest, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    entry.status = status;
    sendJson(res, status, body, headers);
  };

  function startStream(res: ServerResponse) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
  }

  /** What the text stream carries under each mode: the pieces, and where it stops. */
  function plan(answer: string, modes: Map<FakeAiMode, Switch>) {
    if (modes.has('invalid_json'))
      return { parts: pieces(answer.slice(0, Math.ceil(answer.length / 2)) + ',"oops": }'), stop: 'full' as const };
    const parts = pieces(answer);
    const half = parts.slice(0, Math.max(1, Math.floor(parts.length / 2)));
    if (modes.has('cut')) return { parts: half, stop: 'cut' as const };
    if (modes.has('length')) return { parts: half, stop: 'length' as const };
    if (modes.has('safety')) return { parts: half, stop: 'safety' as const };
    if (modes.has('overloaded')) return { parts: half, stop: 'overloaded' as const };
    return { parts, stop: 'full' as const };
  }

  async function openAi(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = (await readJson(req)) as Record<string, unknown> | undefined;
    const entry = record('openai', req, url, body);
    const error = (status: number, message: string, type: string, code: string | null, headers?: Record<string, string>) =>
      refuse(entry, res, status, { error: { message, type, param: null, code } }, headers);
    if (req.headers.authorization !== `Bearer ${apiKey}`)
      return error(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    if (!body || typeof body !== 'object')
      return error(400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    if (typeof body.model !== 'string' || !body.model)
      return error(400, 'you must provide a model parameter', 'invalid_request_error', null);
    const messages = body.messages;
    if (!Array.isArray(messages) || !messages.length)
      return error(400, "Missing required parameter: 'messages'.", 'invalid_request_error', null);
    if (body.stream !== true) return error(400, 'This fake only streams: set stream to true.', 'invalid_request_error', null);
    const format = body.response_format as
      { type?: unknown; json_schema?: { name?: unknown; strict?: unknown; schema?: unknown } } | undefined;
    const schema = format?.json_schema?.schema;
    if (format?.type !== 'json_schema' || typeof format.json_schema?.name !== 'string' || !schema || typeof schema !== 'object')
      return error(400, "Missing required parameter: 'response_format.json_schema'.", 'invalid_request_error', null);
    const problems = format.json_schema.strict === true ? strictSchemaProblems(schema) : [];
    if (problems.length)
      return error(
        400,
        `Invalid schema for response_format '${format.json_schema.name}': ${problems[0]}`,
        'invalid_request_error',
        'invalid_json_schema',
      );

    const modes = take('openai', body.model);
    const slow = modes.get('slow_first_byte');
    if (slow) await sleep(slow.ms);
    const limited = modes.get('rate_limit');
    if (limited)
      return error(429, 'Rate limit reached for requests.', 'requests', 'rate_limit_exceeded', {
        'Retry-After': String(limited.retryAfter),
      });
    if (modes.has('error_500')) return error(500, 'The server had an error while processing your request.', 'server_error', null);
    if (modes.has('overloaded')) return error(503, 'The engine is currently overloaded.', 'server_error', null);

    const owner = lastUserText(messages);
    const answer = JSON.stringify(answerFor(schema as JsonSchema, owner, served++ + hashOf(owner)));
    const id = randomId('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);
    const model = body.model;
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const frame = (choices: unknown[], usage: unknown = null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_kwq8fake', choices, ...(includeUsage ? { usage } : {}) })}\n\n`;
    const choice = (delta: unknown, finish: string | null = null) => [{ index: 0, delta, logprobs: null, finish_reason: finish }];

    startStream(res);
    res.write(frame(choice({ role: 'assistant', content: '', refusal: null })));
    if (modes.has('refusal')) {
      for (const part of pieces("I'm sorry, but I can't help with that request.")) res.write(frame(choice({ refusal: part })));
      res.write(frame(choice({}, 'stop')));
      if (includeUsage)
        res.write(frame([], { prompt_tokens: estimateTokens(JSON.stringify(messages)), completion_tokens: 12, total_tokens: 12 }));
      return void res.end('data: [DONE]\n\n');
    }
    const { parts, stop } = plan(answer, modes);
    let sent = '';
    for (const part of parts) {
      await sleep(paceMs / parts.length);
      if (res.destroyed) return;
      res.write(frame(choice({ content: part })));
      sent += part;
    }
    if (stop === 'cut') return void res.destroy();
    res.write(frame(choice({}, stop === 'length' ? 'length' : stop === 'safety' ? 'content_filter' : 'stop')));
    const promptTokens = estimateTokens(JSON.stringify(messages) + JSON.stringify(schema));
    const completionTokens = estimateTokens(sent);
    if (includeUsage)
      res.write(
        frame([], {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        }),
      );
    res.end('data: [DONE]\n\n');
  }

  async function anthropic(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = (await readJson(req)) as Record<string, unknown> | undefined;
    const entry = record('anthropic', req, url, body);
    const error = (status: number, type: string, message: string, headers?: Record<string, string>) =>
      refuse(entry, res, status, { type: 'error', error: { type, message }, request_id: randomId('req_') }, headers);
    if (req.headers['x-api-key'] !== apiKey) return error(401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return error(400, 'invalid_request_error', 'anthropic-version: header is required');
    if (!body || typeof body !== 'object') return error(400, 'invalid_request_error', 'request body is not JSON');
    if (typeof body.model !== 'string' || !body.model) return error(400, 'invalid_request_error', 'model: Field required');
    if (!Number.isInteger(body.max_tokens)) return error(400, 'invalid_request_error', 'max_tokens: Field required');
    const messages = body.messages;
    if (!Array.isArray(messages) || !messages.length) return error(400, 'invalid_request_error', 'messages: Field required');
    if (body.stream !== true) return error(400, 'invalid_request_error', 'This fake only streams: set stream to true.');
    const tools = Array.isArray(body.tools) ? (body.tools as Array<{ name?: unknown; input_schema?: unknown }>) : [];
    const choice = body.tool_choice as { type?: unknown; name?: unknown } | undefined;
    const tool = tools.find((t) => t.name === choice?.name);
    if (choice?.type !== 'tool' || !tool || !tool.input_schema || typeof tool.input_schema !== 'object')
      return error(400, 'invalid_request_error', 'tool_choice must force one of the tools, which needs an input_schema');

    const modes = take('anthropic', body.model);
    const slow = modes.get('slow_first_byte');
    if (slow) await sleep(slow.ms);
    const limited = modes.get('rate_limit');
    if (limited)
      return error(429, 'rate_limit_error', 'Number of request tokens has exceeded your rate limit.', {
        'retry-after': String(limited.retryAfter),
      });
    if (modes.has('error_500')) return error(500, 'api_error', 'Internal server error');

    const owner = lastUserText(messages);
    const answer = JSON.stringify(answerFor(tool.input_schema as JsonSchema, owner, served++ + hashOf(owner)));
    const inputTokens = estimateTokens(JSON.stringify(messages) + JSON.stringify(tool) + String(body.system ?? ''));
    const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    startStream(res);
    const message = {
      id: randomId('msg_'),
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    };
    res.write(event('message_start', { type: 'message_start', message }));
    if (modes.has('safety')) {
      res.write(
        event('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'refusal', stop_sequence: null },
          usage: { output_tokens: 1 },
        }),
      );
      return void res.end(event('message_stop', { type: 'message_stop' }));
    }
    res.write(
      event('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: randomId('toolu_'), name: tool.name, input: {} },
      }),
    );
    res.write(event('ping', { type: 'ping' }));
    const { parts, stop } = plan(answer, modes);
    let sent = '';
    for (const part of parts) {
      await sleep(paceMs / parts.length);
      if (res.destroyed) return;
      res.write(
        event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: part } }),
      );
      sent += part;
    }
    if (stop === 'cut') return void res.destroy();
    if (stop === 'overloaded')
      return void res.end(event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    res.write(event('content_block_stop', { type: 'content_block_stop', index: 0 }));
    const stopReason = stop === 'length' ? 'max_tokens' : 'tool_use';
    res.write(
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: estimateTokens(sent) },
      }),
    );
    res.end(event('message_stop', { type: 'message_stop' }));
  }

  async function gemini(req: IncomingMessage, res: ServerResponse, url: URL, model: string) {
    const body = (await readJson(req)) as Record<string, unknown> | undefined;
    const key = (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key') ?? undefined;
    const entry = record('gemini', req, url, body);
    const error = (status: number, code: string, message: string, details: unknown[] = [], headers?: Record<string, string>) =>
      refuse(entry, res, status, { error: { code: status, message, status: code, details } }, headers);
    if (!key) return error(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity).");
    if (key !== apiKey)
      return error(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]);
    const contents = body?.contents as Array<{ parts?: Array<{ text?: unknown }> }> | undefined;
    const prompt = Array.isArray(contents)
      ? contents
          .flatMap((c) => c.parts ?? [])
          .map((p) => (typeof p.text === 'string' ? p.text : ''))
          .join(' ')
      : '';
    if (!prompt.trim()) return error(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified');
    const config = (body?.generationConfig ?? {}) as { responseModalities?: unknown; imageConfig?: { aspectRatio?: unknown } };
    if (!Array.isArray(config.responseModalities) || !config.responseModalities.includes('IMAGE'))
      return error(400, 'INVALID_ARGUMENT', 'responseModalities must include IMAGE for an image model');
    const aspectRatio = typeof config.imageConfig?.aspectRatio === 'string' ? config.imageConfig.aspectRatio : '1:1';
    if (!/^\d{1,2}:\d{1,2}$/.test(aspectRatio)) return error(400, 'INVALID_ARGUMENT', 'imageConfig.aspectRatio is not supported');

    const modes = take('gemini', model);
    const slow = modes.get('slow_first_byte');
    if (slow) await sleep(slow.ms);
    const limited = modes.get('rate_limit');
    if (limited)
      return error(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${limited.retryAfter}s` },
      ]);
    if (modes.has('error_500')) return error(500, 'INTERNAL', 'An internal error has occurred.');
    if (modes.has('overloaded')) return error(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    const promptTokens = estimateTokens(prompt);
    const modelVersion = model;
    if (modes.has('safety'))
      return sendJson(res, 200, {
        promptFeedback: { blockReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' }] },
        usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
        modelVersion,
      });
    const text = { text: `Here is an image for: ${prompt.slice(0, 80)}` };
    const parts: unknown[] = [text];
    if (!modes.has('no_image')) {
      const { width, height } = sizeFor(aspectRatio);
      parts.push({ inlineData: { mimeType: 'image/png', data: gradientPng(width, height, hashOf(prompt)).toString('base64') } });
    }
    const outputTokens = modes.has('no_image') ? 12 : 1290;
    sendJson(res, 200, {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: promptTokens, candidatesTokenCount: outputTokens, totalTokenCount: promptTokens + outputTokens },
      modelVersion,
      responseId: randomId(''),
    });
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL) {
    const action = url.pathname.slice('/__control/'.length);
    if (req.method === 'GET' && action === 'requests') {
      const prefix = url.searchParams.get('path') ?? '';
      const model = url.searchParams.get('model');
      return sendJson(
        res,
        200,
        requests.filter((entry) => entry.path.startsWith(prefix) && (!model || modelOf(entry) === model)),
      );
    }
    if (req.method !== 'POST') throw new HttpError(404, { error: 'no such control' });
    const input = await readControl(req);
    if (action === 'fail') {
      const { mode, count, ms, retryAfter, model } = input;
      if (model !== undefined && typeof model !== 'string') throw new HttpError(400, { error: 'model is a string' });
      if (count !== undefined && count !== 'always' && typeof count !== 'number')
        throw new HttpError(400, { error: 'count is a number or "always"' });
      if ((ms !== undefined && typeof ms !== 'number') || (retryAfter !== undefined && typeof retryAfter !== 'number'))
        throw new HttpError(400, { error: 'ms and retryAfter are numbers' });
      fail(mode as FakeAiMode, { count, ms, retryAfter, model } as Parameters<typeof fail>[1]);
      return sendJson(res, 200, { ok: true });
    }
    if (action === 'pace') {
      if (typeof input.ms !== 'number' || input.ms < 0) throw new HttpError(400, { error: 'ms is a number ≥ 0' });
      paceMs = input.ms;
      return sendJson(res, 200, { ok: true });
    }
    if (action === 'reset') {
      reset();
      return sendJson(res, 200, { ok: true });
    }
    throw new HttpError(404, { error: 'no such control' });
  }

  const server = await startServer(port, async (req, res, url) => {
    if (url.pathname.startsWith('/__control/')) return control(req, res, url);
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') return openAi(req, res, url);
    if (req.method === 'POST' && url.pathname === '/v1/messages') return anthropic(req, res, url);
    const image = /^\/v1beta\/models\/([A-Za-z0-9._-]{1,100}):generateContent$/.exec(url.pathname);
    if (req.method === 'POST' && image) return gemini(req, res, url, image[1]!);
    sendJson(res, 404, { error: { message: `no route ${req.method} ${url.pathname}`, type: 'invalid_request_error' } });
  });

  return {
    url: server.url,
    /** AI_TEXT_BASE_URL for both text providers (OpenAI's and Anthropic's paths both live under /v1). */
    textBaseUrl: `${server.url}/v1`,
    /** AI_IMAGE_BASE_URL */
    imageBaseUrl: `${server.url}/v1beta`,
    apiKey,
    fail,
    /** Sets how long a whole streamed answer takes (ms). */
    pace: (ms: number) => void (paceMs = ms),
    reset,
    requests: (pathPrefix = '') => requests.filter((entry) => entry.path.startsWith(pathPrefix)),
    close: server.close,
  };
}

export type FakeAi = Awaited<ReturnType<typeof startFakeAi>>;
