/** The one error type the Worker throws: a catalogue code, plus what the response may add. */
import { ERROR_CATALOGUE, type ErrorCode } from '../../shared/errors';

export interface AppErrorOptions {
  /** Names of the request fields that failed validation (never their values). */
  fields?: string[];
  /** What the client must fix, listed in the body (the publish checks on SITE_004). */
  problems?: unknown[];
  /** Extra response headers, e.g. Retry-After on RATE_001. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields?: string[];
  readonly headers?: Record<string, string>;
  readonly problems?: unknown[];

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.fields = options.fields;
    this.headers = options.headers;
    this.problems = options.problems;
  }
}
