/**
 * The site document: business facts, theme, languages and pages of sections from the catalogue.
 * `parseSiteDocument` is the one validity check (shape, limits, unique ids and paths, size); whether
 * links resolve and both languages are written is the publish audit's concern (audit.ts).
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';
import { siteSection, type SiteSection } from './catalogue';
import {
  emailAddress,
  labelText,
  LOCALES,
  PAGE_PATH_PATTERN,
  phoneNumber,
  RESERVED_PAGE_PATHS,
  siteId,
  siteImage,
  titleText,
  bodyText,
} from './primitives';

export type { LocalText, SiteImage, SiteLink, SiteAction, Locale } from './primitives';
export type { SiteSection, SectionType } from './catalogue';

export const SCHEMA_VERSION = 1;
export const SITE_DOCUMENT_MAX_BYTES = 262_144;
export const MAX_PAGES = 12;
export const MAX_SECTIONS_PER_PAGE = 24;

export const BUSINESS_TYPES = ['salon', 'clinic', 'restaurant', 'coach', 'shop', 'other'] as const;
export type BusinessType = (typeof BUSINESS_TYPES)[number];
/** The business types with a starter document (shared/site/templates.ts). */
export type StarterType = Exclude<BusinessType, 'other'>;
export const STARTER_TYPES: readonly StarterType[] = ['salon', 'clinic', 'restaurant', 'coach', 'shop'];
/** Named palettes (colours in render/theme.ts): the model picks a name, never a colour. */
export const PALETTES = ['pearl', 'desert', 'gulf', 'palm', 'rose', 'night'] as const;
export const FONT_PAIRINGS = ['kufi', 'kufi_system', 'system'] as const;
export const RADII = ['none', 'soft', 'round'] as const;

export const siteBusiness = lazy(() =>
  z.strictObject({
    name: labelText(),
    type: z.enum(BUSINESS_TYPES),
    tagline: z.nullable(titleText()),
    phone: z.nullable(phoneNumber()),
    whatsapp: z.nullable(phoneNumber()),
    email: z.nullable(emailAddress()),
    address: z.nullable(bodyText()),
    city: z.nullable(labelText()),
    logo: z.nullable(siteImage()),
  }),
);
export type SiteBusiness = z.infer<ReturnType<typeof siteBusiness>>;

export const siteTheme = lazy(() => z.strictObject({ palette: z.enum(PALETTES), fonts: z.enum(FONT_PAIRINGS), radius: z.enum(RADII) }));
export type SiteTheme = z.infer<ReturnType<typeof siteTheme>>;

export const pagePath = lazy(() =>
  z.string().check(
    z.regex(PAGE_PATH_PATTERN),
    z.refine((path) => !RESERVED_PAGE_PATHS.includes(path), 'reserved path'),
  ),
);

export const sitePage = lazy(() =>
  z.strictObject({
    id: siteId(),
    path: pagePath(),
    title: labelText(),
    description: titleText(),
    sections: z.array(siteSection()).check(z.maxLength(MAX_SECTIONS_PER_PAGE)),
  }),
);
export type SitePage = Omit<z.infer<ReturnType<typeof sitePage>>, 'sections'> & { sections: SiteSection[] };

export const siteLanguages = lazy(() =>
  z.array(z.enum(LOCALES)).check(
    z.minLength(1),
    z.maxLength(2),
    z.refine((langs) => new Set(langs).size === langs.length, 'each language once'),
  ),
);

export const siteDocument = lazy(() =>
  z.strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    business: siteBusiness(),
    theme: siteTheme(),
    languages: siteLanguages(),
    pages: z.array(sitePage()).check(z.minLength(1), z.maxLength(MAX_PAGES)),
  }),
);
export type SiteDocument = Omit<z.infer<ReturnType<typeof siteDocument>>, 'pages'> & { pages: SitePage[] };

export interface SiteIssue {
  /** A JSON pointer into the document, '' for the whole. */
  path: string;
  message: string;
}
export type ParseResult = { ok: true; document: SiteDocument } | { ok: false; issues: SiteIssue[] };

const encoder = new TextEncoder();

/** The size that counts against SITE_DOCUMENT_MAX_BYTES: UTF-8 bytes of its JSON. */
export function siteDocumentBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).byteLength;
}

function pointer(path: readonly PropertyKey[]): string {
  return path.map((key) => '/' + String(key).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

/** Ids unique across pages and sections, paths unique, `/` first. */
function structureIssues(document: SiteDocument): SiteIssue[] {
  const issues: SiteIssue[] = [];
  const ids = new Set<string>();
  const paths = new Set<string>();
  const claim = (id: string, at: string) => {
    if (ids.has(id)) issues.push({ path: at, message: `duplicate id "${id}"` });
    ids.add(id);
  };
  document.pages.forEach((page, p) => {
    claim(page.id, `/pages/${p}/id`);
    if (paths.has(page.path)) issues.push({ path: `/pages/${p}/path`, message: `duplicate path "${page.path}"` });
    paths.add(page.path);
    page.sections.forEach((section, s) => claim(section.id, `/pages/${p}/sections/${s}/id`));
  });
  if (document.pages[0]?.path !== '/') issues.push({ path: '/pages/0/path', message: 'the first page is "/"' });
  return issues;
}

/** Validates anything (parsed JSON, a model's answer, a stored version) as a site document. */
export function parseSiteDocument(value: unknown): ParseResult {
  let bytes: number;
  try {
    bytes = siteDocumentBytes(value);
  } catch {
    return { ok: false, issues: [{ path: '', message: 'not JSON' }] };
  }
  if (bytes > SITE_DOCUMENT_MAX_BYTES)
    return { ok: false, issues: [{ path: '', message: `larger than ${SITE_DOCUMENT_MAX_BYTES} bytes` }] };
  const result = z.safeParse(siteDocument(), value);
  if (!result.success) {
    return { ok: false, issues: result.error.issues.map((issue) => ({ path: pointer(issue.path), message: issue.message })) };
  }
  const document = result.data as SiteDocument;
  const issues = structureIssues(document);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, document };
}
