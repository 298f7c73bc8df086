/**
 * The building blocks of a site document: bilingual texts, ids, images in the project's public
 * bucket, typed links and buttons. Every schema is a `lazy` getter (shared/lazy.ts) and every
 * object strict with nullable (never optional) values, so the derived JSON Schema suits a model's
 * strict structured output (shared/site/json-schema.ts).
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';

export const LOCALES = ['ar', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Document ids (pages and sections), unique across a document. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** `/` or `/slug-like`; paths the platform itself answers (`/en`, `/book`, `/api`) are refused apart. */
export const PAGE_PATH_PATTERN = /^\/(?:[a-z0-9][a-z0-9-]{0,39})?$/;
export const RESERVED_PAGE_PATHS: readonly string[] = ['/en', '/ar', '/api', '/book', '/sitemap', '/robots'];
/** International form without spaces: +96512345678 or 96512345678. */
export const PHONE_PATTERN = /^\+?[1-9][0-9]{6,14}$/;
export const HANDLE_PATTERN = /^[A-Za-z0-9._]{1,30}$/;
export const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$/;
/** A file name inside the project's folder of the public bucket: no slashes, so no way out of it. */
export const IMAGE_PATH_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;
export const TIME_PATTERN = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/;

/** Never in a text: controls, bidi embeddings, overrides and isolates, lone surrogates (as NAME_FORBIDDEN in shared/schemas.ts). */
const TEXT_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

/** One-line text: nothing forbidden. */
export function isCleanText(value: string): boolean {
  return !TEXT_FORBIDDEN.test(value);
}
/** Paragraph text: line breaks allowed, nothing else forbidden. */
export function isCleanParagraph(value: string): boolean {
  return !TEXT_FORBIDDEN.test(value.replaceAll('\n', ''));
}

const line = (max: number) => z.string().check(z.maxLength(max), z.refine(isCleanText, 'forbidden character'));
const paragraph = (max: number) => z.string().check(z.maxLength(max), z.refine(isCleanParagraph, 'forbidden character'));
const bilingual = (text: () => z.ZodMiniString) => z.strictObject({ ar: text(), en: text() });

/** `{ar, en}`: an empty string is a language not written yet (the publish audit reports it). */
export const labelText = lazy(() => bilingual(() => line(80)));
export const titleText = lazy(() => bilingual(() => line(160)));
export const bodyText = lazy(() => bilingual(() => paragraph(600)));
export const longText = lazy(() => bilingual(() => paragraph(3000)));
export type LocalText = z.infer<ReturnType<typeof labelText>>;

export const plainLine = (max: number) => line(max);
export const siteId = lazy(() => z.string().check(z.regex(ID_PATTERN)));
export const phoneNumber = lazy(() => z.string().check(z.regex(PHONE_PATTERN)));
export const socialHandle = lazy(() => z.string().check(z.regex(HANDLE_PATTERN)));
export const emailAddress = lazy(() => z.string().check(z.maxLength(254), z.regex(EMAIL_PATTERN)));
export const clockTime = lazy(() => z.string().check(z.regex(TIME_PATTERN)));
export const fils = lazy(() => z.int().check(z.minimum(0), z.maximum(100_000_000)));

/** An https URL without credentials, as the URL parser reads it. */
export function isSafeHttpsUrl(href: string): boolean {
  if (!isCleanText(href) || /\s/.test(href)) return false;
  try {
    const url = new URL(href);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && url.hostname.includes('.');
  } catch {
    return false;
  }
}
/** The shape, for the JSON Schema a model answers with (the refinement checks the rest). */
const HTTPS_URL_PATTERN = /^https:\/\/[^\s/?#@]+\.[^\s/?#@]+(?:[/?#]\S*)?$/;
export const httpsUrl = lazy(() =>
  z.string().check(z.maxLength(500), z.regex(HTTPS_URL_PATTERN), z.refine(isSafeHttpsUrl, 'an https URL without credentials')),
);

export const siteImage = lazy(() =>
  z.strictObject({
    path: z.string().check(z.regex(IMAGE_PATH_PATTERN)),
    width: z.int().check(z.minimum(1), z.maximum(8000)),
    height: z.int().check(z.minimum(1), z.maximum(8000)),
    alt: titleText(),
  }),
);
export type SiteImage = z.infer<ReturnType<typeof siteImage>>;

export const SOCIAL_NETWORKS = ['instagram', 'tiktok', 'snapchat', 'x'] as const;
export type SocialNetwork = (typeof SOCIAL_NETWORKS)[number];

export const siteLink = lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('page'), pageId: siteId() }),
    z.strictObject({ kind: z.literal('section'), sectionId: siteId() }),
    z.strictObject({ kind: z.literal('booking') }),
    z.strictObject({ kind: z.literal('phone'), number: phoneNumber() }),
    z.strictObject({ kind: z.literal('whatsapp'), number: phoneNumber(), text: z.nullable(labelText()) }),
    z.strictObject({ kind: z.literal('email'), address: emailAddress() }),
    z.strictObject({ kind: z.literal('map'), query: z.string().check(z.minLength(1), z.maxLength(200), z.refine(isCleanText)) }),
    z.strictObject({ kind: z.literal('url'), href: httpsUrl() }),
    ...SOCIAL_NETWORKS.map((network) => z.strictObject({ kind: z.literal(network), handle: socialHandle() })),
  ]),
);
export type SiteLink = z.infer<ReturnType<typeof siteLink>>;

/** A button or a text link: what it says and where it goes. */
export const siteAction = lazy(() => z.strictObject({ label: labelText(), link: siteLink() }));
export type SiteAction = z.infer<ReturnType<typeof siteAction>>;
