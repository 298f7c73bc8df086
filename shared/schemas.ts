/**
 * Request and response shapes shared by the Worker (validation) and the site (forms, typing).
 * Written with zod/mini, whose functions tree-shake, to keep the Worker bundle small; each schema
 * is a `lazy` getter (shared/lazy.ts), built on first use rather than at Worker start-up.
 */
import * as z from 'zod/mini';
import { lazy } from './lazy';
import { CREDIT_ACTIONS, CREDIT_PACK_IDS, TIER_IDS } from './pricing';
import { cleanSlugLetters, SLUG_MAX_LENGTH, SLUG_PATTERN } from './slug';

export const uuid = lazy(() => z.uuid());

/** `/:id` of a project in a route path. */
export const projectIdParam = lazy(() => z.strictObject({ id: uuid() }));

export const creditAction = lazy(() => z.enum(CREDIT_ACTIONS));

/** Idempotency keys: what clients commonly send (UUIDs, ULIDs, opaque tokens), nothing wider. */
export const idempotencyKey = lazy(() => z.string().check(z.regex(/^[A-Za-z0-9_.:-]{8,128}$/)));

export const spendCreditsBody = lazy(() =>
  z.strictObject({
    action: creditAction(),
    projectId: z.optional(uuid()),
  }),
);
export type SpendCreditsBody = z.infer<ReturnType<typeof spendCreditsBody>>;

export const PROJECT_NAME_MAX_LENGTH = 80;

/** Never in a name: controls (U+0000 included), bidi embeddings, overrides and isolates, lone surrogates. */
const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;
/** Characters that show nothing (whitespace, zero-width and format characters, fillers): a name needs one other. */
const NAME_INVISIBLE_ONLY =
  /^[\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\uffa0\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e0fff}]*$/u;

/**
 * The project name rule for a trimmed name: 1 to 80 characters (code points), nothing forbidden,
 * something visible. The database checks the same (private.is_project_name); a test compares them.
 */
export function isProjectName(name: string): boolean {
  const length = [...name].length;
  return length >= 1 && length <= PROJECT_NAME_MAX_LENGTH && !NAME_FORBIDDEN.test(name) && !NAME_INVISIBLE_ONLY.test(name);
}

/** Project names are what a person types, in Arabic or English; the slug is derived or given. */
export const projectName = lazy(() => z.string().check(z.trim(), z.refine(isProjectName)));
/** A chosen slug is stored with its spelling kept and its letters cleaned (shared/slug.ts), as the database does. */
export const projectSlug = lazy(() => z.string().check(z.overwrite(cleanSlugLetters), z.maxLength(SLUG_MAX_LENGTH), z.regex(SLUG_PATTERN)));

export const createProjectBody = lazy(() =>
  z.strictObject({
    name: projectName(),
    slug: z.optional(projectSlug()),
  }),
);
export const renameProjectBody = lazy(() => z.strictObject({ name: projectName() }));

export const pageQuery = lazy(() =>
  z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
    cursor: z.optional(z.string().check(z.maxLength(200))),
  }),
);

/** A browser's error report (site/src/lib/client-errors.ts). */
export const clientErrorBody = lazy(() =>
  z.strictObject({
    message: z.string().check(z.minLength(1), z.maxLength(500)),
    url: z.string().check(z.maxLength(500)),
    stack: z.optional(z.string().check(z.maxLength(4000))),
  }),
);

export const PAYMENT_PROVIDERS = ['upayments', 'stripe'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];
/** UPayments gateways offered: K-Net (Kuwaiti debit cards) or a credit card. */
export const UPAYMENTS_METHODS = ['knet', 'card'] as const;

/** What is bought, paid with UPayments (K-Net or card) or Stripe; Stripe takes no method. */
function purchase<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.discriminatedUnion('provider', [
    z.strictObject({ ...shape, provider: z.literal('upayments'), method: z.enum(UPAYMENTS_METHODS) }),
    z.strictObject({ ...shape, provider: z.literal('stripe') }),
  ]);
}

/** POST /api/billing/checkout: a plan (one month of a tier) or a credit pack. */
export const checkoutBody = lazy(() =>
  z.discriminatedUnion('purpose', [
    purchase({ purpose: z.literal('plan'), tier: z.enum(TIER_IDS) }),
    purchase({ purpose: z.literal('credits'), pack: z.enum(CREDIT_PACK_IDS) }),
  ]),
);
export type CheckoutBody = z.infer<ReturnType<typeof checkoutBody>>;

/** `/:id` of a payment in a route path. */
export const paymentIdParam = lazy(() => z.strictObject({ id: uuid() }));
