/**
 * The pre-publish audit: what a valid document may still lack before visitors see it. Links to
 * pages and sections resolve, images have alt text and every text is written in each of the
 * site's languages, no page is empty. Each problem names where it is, so the builder can list it.
 */
import type { SiteDocument } from './document';
import type { Locale } from './primitives';

export type AuditCode = 'link_unresolved' | 'image_alt_missing' | 'text_missing' | 'page_empty';

export interface AuditProblem {
  code: AuditCode;
  pageId: string | null;
  sectionId: string | null;
  /** JSON pointer from the document's root, e.g. /pages/0/sections/2/props/items/1/name/en. */
  path: string;
  /** The language missing, for image_alt_missing and text_missing. */
  locale: Locale | null;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const isLocalText = (value: Node) => typeof value.ar === 'string' && typeof value.en === 'string' && Object.keys(value).length === 2;
const isImage = (value: Node) => typeof value.path === 'string' && typeof value.width === 'number' && isNode(value.alt);

export function auditSite(document: SiteDocument): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const pageIds = new Set(document.pages.map((page) => page.id));
  const sectionIds = new Set(document.pages.flatMap((page) => page.sections.map((section) => section.id)));
  const languages = document.languages;

  const walk = (value: unknown, path: string, where: { pageId: string | null; sectionId: string | null }) => {
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, `${path}/${i}`, where));
    if (!isNode(value)) return;
    if (isLocalText(value)) {
      for (const locale of languages) {
        if ((value[locale] as string).trim() === '') problems.push({ code: 'text_missing', ...where, path: `${path}/${locale}`, locale });
      }
      return;
    }
    if (isImage(value)) {
      const alt = value.alt as Node;
      for (const locale of languages) {
        if (typeof alt[locale] !== 'string' || (alt[locale] as string).trim() === '') {
          problems.push({ code: 'image_alt_missing', ...where, path: `${path}/alt/${locale}`, locale });
        }
      }
      return;
    }
    const unresolved =
      (value.kind === 'page' && !pageIds.has(value.pageId as string)) ||
      (value.kind === 'section' && !sectionIds.has(value.sectionId as string));
    if (unresolved) problems.push({ code: 'link_unresolved', ...where, path, locale: null });
    for (const [key, child] of Object.entries(value)) walk(child, `${path}/${key}`, where);
  };

  walk(document.business, '/business', { pageId: null, sectionId: null });
  document.pages.forEach((page, p) => {
    const where = { pageId: page.id, sectionId: null };
    walk(page.title, `/pages/${p}/title`, where);
    walk(page.description, `/pages/${p}/description`, where);
    if (page.sections.length === 0) problems.push({ code: 'page_empty', ...where, path: `/pages/${p}/sections`, locale: null });
    page.sections.forEach((section, s) =>
      walk(section.props, `/pages/${p}/sections/${s}/props`, { pageId: page.id, sectionId: section.id }),
    );
  });
  return problems;
}
