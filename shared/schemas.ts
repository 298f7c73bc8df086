/**
 * Request and response shapes shared by the Worker (validation) and the site (forms, typing).
 * `import * as z` keeps zod tree-shakeable in the Worker bundle.
 */
import * as z from 'zod';
import { CREDIT_ACTIONS } from './pricing';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from './slug';

export const uuid = z.uuid();

export const creditAction = z.enum(CREDIT_ACTIONS);

/** Idempotency keys: what clients commonly send (UUIDs, ULIDs, opaque tokens), nothing wider. */
export const idempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/);

export const spendCreditsBody = z.strictObject({
  action: creditAction,
  projectId: uuid.optional(),
});
export type SpendCreditsBody = z.infer<typeof spendCreditsBody>;

/** Project names are what a person types, in Arabic or English; the slug is derived or given. */
export const projectName = z.string().trim().min(1).max(80);
export const projectSlug = z.string().max(SLUG_MAX_LENGTH).regex(SLUG_PATTERN);

export const createProjectBody = z.strictObject({
  name: projectName,
  slug: projectSlug.optional(),
});
export const renameProjectBody = z.strictObject({ name: projectName });

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
