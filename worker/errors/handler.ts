/**
 * Turns anything thrown in a request into the error body of docs/ARCHITECTURE.md section 2.
 * Unknown errors are logged and answered as SRV_001:
 * the client never sees a stack trace or an internal message.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { errorMessage, type ErrorBody } from '../../shared/errors';
import type { AppEnv } from '../env';
import { AppError } from './app-error';

export function errorResponse(c: Context<AppEnv>, error: AppError): Response {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: errorMessage(error.code, c.get('locale') ?? 'ar'),
      requestId: c.get('requestId') ?? '',
      ...(error.fields?.length ? { fields: error.fields } : {}),
      ...(error.problems?.length ? { problems: error.problems } : {}),
    },
  };
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json(body, error.status as 400);
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof AppError) {
    if (err.status >= 500) c.get('log')?.error('request.failed', { code: err.code, cause: err.cause });
    return errorResponse(c, err);
  }
  // Hono's validator throws this one HTTPException itself, for a body that is not valid JSON.
  if (err instanceof HTTPException && err.status === 400) return errorResponse(c, new AppError('REQ_001'));
  c.get('log')?.error('request.unhandled', { error: err });
  return errorResponse(c, new AppError('SRV_001'));
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) => errorResponse(c, new AppError('NOT_FOUND_001'));
