/**
 * `validate(target, schema)`: `@hono/zod-validator` with the one failure path of the API. Any
 * request part that does not match its zod schema answers REQ_004 with the names of the failing
 * fields (never their values), through the same error body as every other error. The schema comes
 * as a `lazy` getter (shared/lazy.ts): it and its validator are built on the first request that
 * passes through, not when the routes are registered at Worker start-up.
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type * as z from 'zod/mini';
import { lazy } from '../../shared/lazy';
import { AppError } from '../errors/app-error';

function failingFields(target: string, issues: readonly z.core.$ZodIssue[]): string[] {
  const fields = issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.join('.') || target]));
  return [...new Set(fields)];
}

function validator<Target extends keyof ValidationTargets, Schema extends z.ZodMiniType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw new AppError('REQ_004', { fields: failingFields(target, result.error.issues) });
  });
}

export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodMiniType>(target: Target, schema: () => Schema) {
  const built = lazy(() => validator(target, schema()));
  const middleware: ReturnType<typeof validator<Target, Schema>> = (c, next) => built()(c, next);
  return middleware;
}
