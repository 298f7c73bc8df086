/**
 * First middleware of every request: the request id (a well-formed incoming X-Request-Id is kept,
 * otherwise a new UUID), the response locale, and a logger bound to both.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { localeFromAcceptLanguage } from '../errors/locale';
import { createLogger } from '../log/logger';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('X-Request-Id');
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', requestId);
  c.set('locale', localeFromAcceptLanguage(c.req.header('Accept-Language')));
  c.set('log', createLogger(requestId));
  c.header('X-Request-Id', requestId);
  c.header('Vary', 'Accept-Language');
  await next();
});
