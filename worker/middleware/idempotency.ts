/**
 * `requireIdempotencyKey`: routes that move money or credits take an `Idempotency-Key` header
 * (docs/ARCHITECTURE.md section 2). A missing or malformed key answers 428 REQ_005 before the
 * route runs; the database keeps the first result per key, so a repeat returns it (a reuse for a
 * different request answers REQ_006 from SQL).
 */
import { createMiddleware } from 'hono/factory';
import { idempotencyKey } from '../../shared/schemas';
import type { AppEnv } from '../env';
import { AppError } from '../errors/app-error';

export const requireIdempotencyKey = createMiddleware<AppEnv>(async (c, next) => {
  const key = idempotencyKey().safeParse(c.req.header('Idempotency-Key'));
  if (!key.success) throw new AppError('REQ_005');
  c.set('idempotencyKey', key.data);
  await next();
});
