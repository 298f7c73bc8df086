/**
 * Request and response shapes shared by the Worker (validation) and the site (forms, typing).
 * Written with zod/mini, whose functions tree-shake, to keep the Worker bundle small.
 */
import * as z from 'zod/mini';
import { CREDIT_ACTIONS } from './pricing';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from './slug';

export const uuid = z.uuid();

/** `/:id` of a project in a route path. */
export const projectIdParam = z.strictObject({ id: uuid });

export const creditAction = z.enum(CREDIT_ACTIONS);

/** Idempotency keys: what clients commonly send (UUIDs, ULIDs, opaque tokens), nothing wider. */
export const idempotencyKey = z.string().check(z.regex(/^[A-Za-z0-9_.:-]{8,128}$/));

export const spendCreditsBody = z.strictObject({
  action: creditAction,
  projectId: z.optional(uuid),
});
export type SpendCreditsBody = z.infer<typeof spendCreditsBody>;

/** Project names are what a person types, in Arabic or English; the slug is derived or given. */
export const projectName = z.string().check(z.trim(), z.minLength(1), z.maxLength(80));
export const projectSlug = z.string().check(z.maxLength(SLUG_MAX_LENGTH), z.regex(SLUG_PATTERN));

export const createProjectBody = z.strictObject({
  name: projectName,
  slug: z.optional(projectSlug),
});
export const renameProjectBody = z.strictObject({ name: projectName });

export const pageQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});
