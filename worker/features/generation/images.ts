/**
 * POST /api/projects/:id/site/images: one AI image ("banana_image", Premium and Enterprise; the
 * plan gate is in SQL), charged once per Idempotency-Key before the model is called, stored in
 * the project's public bucket under the generation's id (the Storage quota applies), refunded
 * when the model answers no image, the quota is full or anything else fails. A repeated key
 * answers the stored image again without calling the model.
 */
import type { Context } from 'hono';
import * as z from 'zod/mini';
import { lazy } from '../../../shared/lazy';
import type { AppEnv } from '../../env';
import { AppError } from '../../errors/app-error';
import { AiConfigError, AiProviderError, ASPECT_RATIOS, imageProviderFromEnv, type ImageProvider } from '../../providers/ai';
import { uploadAsset } from '../assets/assets';
import { toBalance } from '../credits/db';
import { failGeneration, finishGeneration, startGeneration } from './db';

export const imageBody = lazy(() =>
  z.strictObject({
    prompt: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
    aspectRatio: z._default(z.enum(ASPECT_RATIOS), '1:1'),
  }),
);

const IMAGE_TIMEOUT_MS = 60_000;

/** Width and height from a PNG, JPEG or WebP header, or null. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes.length >= 4 && view.getUint16(0) === 0xffd8) {
    for (let at = 2; at + 9 < bytes.length; ) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1]!;
      const length = view.getUint16(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      }
      at += 2 + length;
    }
    return null;
  }
  if (bytes.length >= 30 && view.getUint32(0) === 0x52494646 && view.getUint32(8) === 0x57454250) {
    const chunk = String.fromCharCode(...bytes.subarray(12, 16));
    if (chunk === 'VP8X') return { width: 1 + (view.getUint32(24, true) & 0xffffff), height: 1 + (view.getUint32(27, true) & 0xffffff) };
    if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = view.getUint32(21, true);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
  }
  return null;
}

function provider(c: Context<AppEnv>): ImageProvider {
  try {
    return imageProviderFromEnv(c.env);
  } catch (error) {
    if (!(error instanceof AiConfigError)) throw error;
    c.get('log').error('generation.unconfigured', { problems: error.problems });
    throw new AppError('SRV_004');
  }
}

export async function generateImage(c: Context<AppEnv>, projectId: string, input: { prompt: string; aspectRatio: (typeof ASPECT_RATIOS)[number] }) {
  const user = c.get('user');
  const images = provider(c);
  const started = await startGeneration(c.env, user, { projectId, action: 'banana_image', idempotencyKey: c.get('idempotencyKey'), baseVersionId: null });
  const generation = started.generation;
  const path = generation.id;
  if (started.replayed) {
    if (generation.status !== 'succeeded') throw new AppError('GEN_001');
    return { image: { path }, cost: generation.cost, balance: toBalance(started.balance), replayed: true };
  }
  const t0 = Date.now();
  let reason = 'WORKER_ERROR';
  let usage: { model: string; inputTokens: number; outputTokens: number } = { model: images.model, inputTokens: 0, outputTokens: 0 };
  try {
    const result = await images.generate({ prompt: input.prompt, aspectRatio: input.aspectRatio, timeoutMs: IMAGE_TIMEOUT_MS });
    usage = { model: result.model, ...result.usage };
    const size = imageSize(result.bytes);
    if (!size) throw new AiProviderError(images.name, 'bad_response', 'an image without readable dimensions');
    const asset = await uploadAsset(c.env, user, projectId, { visibility: 'public', name: path, bytes: result.bytes });
    await finishGeneration(c.env, generation.id, null, 'image', { ...usage, latencyMs: Date.now() - t0 });
    c.get('log').info('generation.succeeded', { generationId: generation.id, action: 'banana_image', ...usage });
    return { image: { path, width: size.width, height: size.height, url: asset.url }, cost: started.cost, balance: toBalance(started.balance), replayed: false };
  } catch (error) {
    if (error instanceof AiProviderError) reason = `PROVIDER_${error.kind.toUpperCase()}`;
    else if (error instanceof AppError) reason = `SAVE_${error.code}`;
    else c.get('log').error('generation.crashed', { generationId: generation.id, error });
  }
  const refund = await failGeneration(c.env, generation.id, reason, { ...usage, latencyMs: Date.now() - t0 });
  c.get('log').warn('generation.refunded', { generationId: generation.id, action: 'banana_image', reason, refunded: refund.refunded });
  throw new AppError('GEN_001');
}
