/**
 * Request bodies the API accepts: at most MAX_BODY_BYTES, and JSON only. Webhook routes are left
 * alone here because providers choose their own content types and must be verified on raw bytes.
 */
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { AppError } from '../errors/app-error';

export const MAX_BODY_BYTES = 64 * 1024;

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export const limitBodySize = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AppError('REQ_002');
  },
});

export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const hasBody = c.req.raw.body !== null && c.req.header('Content-Length') !== '0';
  if (hasBody && !c.req.path.startsWith('/api/webhooks/')) {
    const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) throw new AppError('REQ_003');
  }
  await next();
});
