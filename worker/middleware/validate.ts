/**
 * `validate(target, schema)`: `@hono/zod-validator` with the one failure path of the API. Any
 * request part that does not match its zod schema answers REQ_004 with the names of the failing
 * fields (never their values), through the same error body as every other error.
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type * as z from 'zod/mini';
import { AppError } from '../errors/app-error';

function failingFields(target: string, issues: readonly z.core.$ZodIssue[]): string[] {
  const fields = issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.join('.') || target]));
  return [...new Set(fields)];
}

export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodMiniType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw new AppError('REQ_004', { fields: failingFields(target, result.error.issues) });
  });
}
