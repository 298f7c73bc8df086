/**
 * Gemini image generation: `POST {baseUrl}/models/{model}:generateContent` with
 * `x-goog-api-key`, the prompt as one text part and
 * `generationConfig: {responseModalities: ['TEXT', 'IMAGE'], imageConfig: {aspectRatio}}`. The
 * image is the `inlineData` part (`mimeType`, base64 `data`) of `candidates[0].content.parts`;
 * PNG, JPEG and WebP are taken, and the bytes must start like the type they claim. A
 * `promptFeedback.blockReason`, a safety-like `finishReason` (SAFETY, PROHIBITED_CONTENT,
 * IMAGE_SAFETY, …) or an answer without an image is `refused`. Usage from
 * `usageMetadata.promptTokenCount/candidatesTokenCount`. Gemini answers a bad key with
 * 400 API_KEY_INVALID, which is `auth` here like 401/403; its 429 names the wait in the body's
 * RetryInfo (`retryDelay: "30s"`) rather than in a header, and both are read.
 */
import { base64ToBytes } from '../base64';
import { CallDeadline, httpError, isRecord, parseJson, postJson, retryAfterSeconds, tokens, trimBase, untilAborted } from './call';
import { AiProviderError, type AiCallOptions, type ImageMimeType, type ImageProvider, type ImageRequest, type ImageResult } from './types';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';
export const GEMINI_IMAGE_DEFAULT_TIMEOUT_MS = 90_000;

export interface GeminiImageConfig extends AiCallOptions {
  /** AI_IMAGE_BASE_URL, ending in /v1beta; default Google's. */
  baseUrl?: string;
  apiKey: string;
  /** AI_IMAGE_MODEL, e.g. gemini-2.5-flash-image. */
  model: string;
}

const PROVIDER = 'gemini';

const REFUSING_FINISH = new Set([
  'SAFETY',
  'PROHIBITED_CONTENT',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
  'IMAGE_RECITATION',
  'NO_IMAGE',
  'IMAGE_OTHER',
]);

/** What each accepted type's files start with. */
const MAGIC: Record<ImageMimeType, (bytes: Uint8Array) => boolean> = {
  'image/png': (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP',
};

export function geminiImageRequestBody(request: ImageRequest): Record<string, unknown> {
  return {
    contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
    generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: request.aspectRatio } },
  };
}

/** Google's error body: whether it names an invalid key, and the RetryInfo delay in seconds. */
function googleError(body: unknown): { keyInvalid: boolean; retryDelay?: number } {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const details = Array.isArray(error.details) ? error.details.filter(isRecord) : [];
  const keyInvalid = details.some((detail) => detail.reason === 'API_KEY_INVALID');
  const delay = details.map((detail) => detail.retryDelay).find((value) => typeof value === 'string');
  const seconds = typeof delay === 'string' && /^\d+(\.\d+)?s$/.test(delay) ? Math.ceil(parseFloat(delay)) : undefined;
  return seconds === undefined ? { keyInvalid } : { keyInvalid, retryDelay: seconds };
}

/** The image in a generateContent answer; throws AiProviderError `refused` or `bad_response`. */
export function readGeminiImage(body: unknown, fallbackModel: string): ImageResult {
  if (!isRecord(body)) throw new AiProviderError(PROVIDER, 'bad_response', 'answer is not JSON');
  const feedback = isRecord(body.promptFeedback) ? body.promptFeedback : {};
  if (typeof feedback.blockReason === 'string' && feedback.blockReason)
    throw new AiProviderError(PROVIDER, 'refused', `prompt blocked (${feedback.blockReason.slice(0, 40)})`);
  const candidate = Array.isArray(body.candidates) && isRecord(body.candidates[0]) ? body.candidates[0] : undefined;
  const finish = typeof candidate?.finishReason === 'string' ? candidate.finishReason : '';
  if (REFUSING_FINISH.has(finish)) throw new AiProviderError(PROVIDER, 'refused', `stopped (${finish})`);
  const content = isRecord(candidate?.content) ? candidate.content : {};
  const parts = Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
  const inline = parts.map((part) => part.inlineData ?? part.inline_data).find(isRecord);
  if (!inline) throw new AiProviderError(PROVIDER, 'refused', 'answer has no image');
  const mimeType = inline.mimeType ?? inline.mime_type;
  if (mimeType !== 'image/png' && mimeType !== 'image/jpeg' && mimeType !== 'image/webp')
    throw new AiProviderError(PROVIDER, 'bad_response', 'image of an unaccepted type');
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = base64ToBytes(typeof inline.data === 'string' ? inline.data : '');
  } catch {
    throw new AiProviderError(PROVIDER, 'bad_response', 'image data is not base64');
  }
  if (!MAGIC[mimeType](bytes)) throw new AiProviderError(PROVIDER, 'bad_response', 'image bytes do not match their type');
  const usage = isRecord(body.usageMetadata) ? body.usageMetadata : {};
  return {
    bytes,
    mimeType,
    usage: { inputTokens: tokens(usage.promptTokenCount), outputTokens: tokens(usage.candidatesTokenCount) },
    model: typeof body.modelVersion === 'string' && body.modelVersion ? body.modelVersion : fallbackModel,
  };
}

export function geminiImageProvider(config: GeminiImageConfig): ImageProvider {
  const url = `${trimBase(config.baseUrl ?? GEMINI_DEFAULT_BASE_URL)}/models/${encodeURIComponent(config.model)}:generateContent`;

  async function generate(request: ImageRequest): Promise<ImageResult> {
    const deadline = new CallDeadline(PROVIDER, request.timeoutMs ?? config.timeoutMs ?? GEMINI_IMAGE_DEFAULT_TIMEOUT_MS, request.signal);
    try {
      const response = await postJson(deadline, config, url, { 'x-goog-api-key': config.apiKey }, geminiImageRequestBody(request));
      let text: string;
      try {
        text = await untilAborted(response.text(), deadline.signal);
      } catch (error) {
        throw deadline.error(error, 'bad_response', 'answer cut');
      }
      const body = parseJson(text);
      if (!response.ok) {
        const { keyInvalid, retryDelay } = googleError(body);
        if (keyInvalid) throw new AiProviderError(PROVIDER, 'auth', `HTTP ${response.status}: key refused`, { status: response.status });
        throw httpError(PROVIDER, response, retryAfterSeconds(response.headers) ?? retryDelay);
      }
      return readGeminiImage(body, config.model);
    } catch (error) {
      throw deadline.error(error, 'bad_response', 'unreadable answer');
    } finally {
      deadline.dispose();
    }
  }

  return { name: PROVIDER, model: config.model, generate };
}
