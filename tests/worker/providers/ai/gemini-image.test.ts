/**
 * The Gemini image adapter against recorded generateContent answers: the request, the inline image
 * and its usage, safety blocks and text-only answers as refused, and Google's error bodies.
 */
import { describe, expect, it } from 'vitest';
import { geminiImageProvider, readGeminiImage } from '../../../../worker/providers/ai/gemini-image';
import { AiProviderError, type ImageRequest } from '../../../../worker/providers/ai/types';
import {
  GEMINI_BAD_KEY,
  GEMINI_BLOCKED,
  GEMINI_IMAGE,
  GEMINI_IMAGE_SAFETY,
  GEMINI_QUOTA,
  GEMINI_TEXT_ONLY,
  PNG_BASE64,
  serving,
} from './recorded';

const KEY = 'AIzaSy-test-key';
const request: ImageRequest = { prompt: 'A bright salon interior, warm light', aspectRatio: '16:9' };
const provider = (fetcher: typeof fetch) =>
  geminiImageProvider({ baseUrl: 'https://gemini.test/v1beta/', apiKey: KEY, model: 'gemini-2.5-flash-image', fetch: fetcher });

async function failure(promise: Promise<unknown>, kind: AiProviderError['kind']): Promise<AiProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AiProviderError);
  expect((error as AiProviderError).kind).toBe(kind);
  expect((error as AiProviderError).message).not.toContain(KEY);
  return error as AiProviderError;
}

describe('the request', () => {
  it('posts the prompt and aspect ratio to models/{model}:generateContent with x-goog-api-key', async () => {
    const answer = serving(GEMINI_IMAGE);
    await provider(answer.fetch).generate(request);
    const [sent] = answer.sent;
    expect(sent!.url).toBe('https://gemini.test/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(sent!.headers.get('x-goog-api-key')).toBe(KEY);
    expect(sent!.url).not.toContain(KEY);
    expect(sent!.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
      generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9' } },
    });
  });
});

describe('answers', () => {
  it('returns the inline image bytes, type, usage and model version', async () => {
    const image = await provider(serving(GEMINI_IMAGE).fetch).generate(request);
    expect(image.mimeType).toBe('image/png');
    expect(Array.from(image.bytes.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(image.bytes.length).toBe(atob(PNG_BASE64).length);
    expect(image.usage).toEqual({ inputTokens: 12, outputTokens: 1290 });
    expect(image.model).toBe('gemini-2.5-flash-image');
  });

  it('a blocked prompt, a safety finish and a text-only answer are refused', async () => {
    await failure(provider(serving(GEMINI_BLOCKED).fetch).generate(request), 'refused');
    await failure(provider(serving(GEMINI_IMAGE_SAFETY).fetch).generate(request), 'refused');
    const refused = await failure(provider(serving(GEMINI_TEXT_ONLY).fetch).generate(request), 'refused');
    expect(refused.retryable).toBe(false);
    expect(refused.message).not.toContain('describe it instead');
  });

  it('an image whose bytes are not what they claim, or of another type, is bad_response', () => {
    const lying = structuredClone(GEMINI_IMAGE);
    lying.candidates[0]!.content.parts[1] = { inlineData: { mimeType: 'image/jpeg', data: PNG_BASE64 } };
    expect(() => readGeminiImage(lying, 'm')).toThrow(expect.objectContaining({ kind: 'bad_response' }));
    const gif = structuredClone(GEMINI_IMAGE);
    gif.candidates[0]!.content.parts[1] = { inlineData: { mimeType: 'image/gif', data: 'R0lGODlh' } };
    expect(() => readGeminiImage(gif, 'm')).toThrow(expect.objectContaining({ kind: 'bad_response' }));
    const garbled = structuredClone(GEMINI_IMAGE);
    garbled.candidates[0]!.content.parts[1] = { inlineData: { mimeType: 'image/png', data: '***' } };
    expect(() => readGeminiImage(garbled, 'm')).toThrow(expect.objectContaining({ kind: 'bad_response' }));
  });
});

describe('failures', () => {
  it("Google's 400 API_KEY_INVALID and 403 are auth", async () => {
    expect((await failure(provider(serving(GEMINI_BAD_KEY, { status: 400 }).fetch).generate(request), 'auth')).status).toBe(400);
    await failure(
      provider(serving({ error: { code: 403, status: 'PERMISSION_DENIED' } }, { status: 403 }).fetch).generate(request),
      'auth',
    );
    await failure(
      provider(serving({ error: { code: 400, status: 'INVALID_ARGUMENT' } }, { status: 400 }).fetch).generate(request),
      'bad_response',
    );
  });

  it('429 takes the wait from RetryInfo when there is no Retry-After; 500/503 unavailable', async () => {
    expect(
      (await failure(provider(serving(GEMINI_QUOTA, { status: 429 }).fetch).generate(request), 'rate_limited')).retryAfterSeconds,
    ).toBe(37);
    await failure(provider(serving({ error: { code: 503 } }, { status: 503 }).fetch).generate(request), 'unavailable');
  });

  it('times out and cancels', async () => {
    const never: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    await failure(provider(never).generate({ ...request, timeoutMs: 100 }), 'timeout');
    const controller = new AbortController();
    const pending = provider(never).generate({ ...request, signal: controller.signal, timeoutMs: 10_000 });
    controller.abort();
    await failure(pending, 'cancelled');
  });
});
