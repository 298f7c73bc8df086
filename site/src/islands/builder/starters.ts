/**
 * Sections and pages added by hand (free): a starter section of any type the owner picks, with the
 * five templates' own copy (shared/site/templates.ts, the template of the site's business type
 * first) or, for the types no template has, a few placeholder lines; and a new page with a text
 * section and the home page's footer. Links to pages or sections this site does not have point
 * at its home page instead. Everything is checked with the shared schemas before it is sent.
 */
import { SECTION_TYPES, type SectionType } from '../../../../shared/site/catalogue';
import { parseSiteDocument, type SiteDocument, type SitePage, type SiteSection } from '../../../../shared/site/document';
import { applyOperations, type SiteOperation } from '../../../../shared/site/operations';
import { ID_PATTERN, PAGE_PATH_PATTERN, RESERVED_PAGE_PATHS, type LocalText } from '../../../../shared/site/primitives';
import { STARTER_TYPES, starterDocument, type StarterType } from '../../../../shared/site/templates';

/** A gallery needs photos the owner has uploaded, so it is added from the chat or with images, not empty. */
export const ADDABLE_TYPES: readonly SectionType[] = SECTION_TYPES.filter((type) => type !== 'gallery');

const HANDMADE: Partial<Record<SectionType, (name: LocalText) => Omit<SiteSection, 'id'>>> = {
  text: (name) => ({
    type: 'text',
    variant: 'plain',
    props: {
      heading: { ar: `عن ${name.ar}`, en: `About ${name.en}` },
      body: {
        ar: 'اكتب هنا قصتكم: متى بدأتم، وما الذي يميزكم، ولماذا يختاركم العملاء.',
        en: 'Tell your story here: when you started, what sets you apart, and why customers choose you.',
      },
    },
  }),
  team: () => ({
    type: 'team',
    variant: 'cards',
    props: {
      heading: { ar: 'فريقنا', en: 'Our team' },
      intro: null,
      members: [
        { name: { ar: 'الاسم', en: 'Name' }, role: { ar: 'الدور', en: 'Role' }, bio: null, image: null },
        { name: { ar: 'الاسم', en: 'Name' }, role: { ar: 'الدور', en: 'Role' }, bio: null, image: null },
      ],
    },
  }),
};

/** Every id used in the document (pages and sections share one namespace). */
export function idsOf(document: SiteDocument): Set<string> {
  const ids = new Set<string>();
  for (const page of document.pages) {
    ids.add(page.id);
    for (const section of page.sections) ids.add(section.id);
  }
  return ids;
}

/** `base`, or `base-2`, `base-3`… whichever is free (at most 40 characters, as ids are). */
export function freeId(base: string, taken: Set<string>): string {
  const root =
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 34) || 'section';
  for (let n = 1; ; n++) {
    const id = n === 1 ? root : `${root}-${n}`;
    if (!taken.has(id) && ID_PATTERN.test(id)) return id;
  }
}

/** Links (`{kind: page|section}`) to targets the document lacks, pointed at its home page. */
function mendLinks<T>(value: T, document: SiteDocument): T {
  const pages = new Set(document.pages.map((page) => page.id));
  const sections = new Set(document.pages.flatMap((page) => page.sections.map((section) => section.id)));
  const home = document.pages[0]?.id ?? 'home';
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const object = node as Record<string, unknown>;
    if (object.kind === 'page' && typeof object.pageId === 'string' && !pages.has(object.pageId)) return { kind: 'page', pageId: home };
    if (object.kind === 'section' && typeof object.sectionId === 'string' && !sections.has(object.sectionId))
      return { kind: 'page', pageId: home };
    return Object.fromEntries(Object.entries(object).map(([key, child]) => [key, walk(child)]));
  };
  return walk(value) as T;
}

/** The templates to take copy from: the site's own business type first. */
function templates(document: SiteDocument): SiteDocument[] {
  const own = (STARTER_TYPES as readonly string[]).includes(document.business.type) ? (document.business.type as StarterType) : null;
  const order = own ? [own, ...STARTER_TYPES.filter((type) => type !== own)] : [...STARTER_TYPES];
  const names = {
    nameAr: document.business.name.ar || document.business.name.en,
    nameEn: document.business.name.en || document.business.name.ar,
  };
  return order.map((type) => starterDocument(type, names));
}

/** The `add_section` operation for a starter section of `type` on `pageId`, before its footer; null when none is valid. */
export function addSectionOperation(document: SiteDocument, pageId: string, type: SectionType): SiteOperation | null {
  const page = document.pages.find((p) => p.id === pageId);
  if (!page) return null;
  let body: Omit<SiteSection, 'id'> | undefined = HANDMADE[type]?.(document.business.name);
  if (!body) {
    for (const template of templates(document)) {
      const found = template.pages.flatMap((p) => p.sections).find((section) => section.type === type);
      if (found) {
        const { id: _id, ...rest } = found;
        body = rest;
        break;
      }
    }
  }
  if (!body) return null;
  const section = mendLinks({ ...body, id: freeId(type.replace(/_/g, '-'), idsOf(document)) } as SiteSection, document);
  const footer = page.sections.findIndex((s) => s.type === 'footer');
  const operation: SiteOperation = { op: 'add_section', pageId, index: footer >= 0 ? footer : null, section };
  return checked(document, operation) ? operation : null;
}

export type PageProblem = 'path' | 'taken' | 'title';

/** "about" or "/About Us" → "/about-us". */
export function normalPath(input: string): string {
  const slug = input
    .trim()
    .toLowerCase()
    .replace(/^\/+/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `/${slug}`;
}

/** The `add_page` operation for a new page, or what is wrong with the title or path. */
export function addPageOperation(
  document: SiteDocument,
  title: LocalText,
  rawPath: string,
): { operation: SiteOperation } | { problem: PageProblem } {
  const clean = { ar: title.ar.trim(), en: title.en.trim() };
  if (!clean.ar || !clean.en || clean.ar.length > 80 || clean.en.length > 80) return { problem: 'title' };
  const path = normalPath(rawPath);
  if (path === '/' || !PAGE_PATH_PATTERN.test(path)) return { problem: 'path' };
  if (RESERVED_PAGE_PATHS.includes(path) || document.pages.some((page) => page.path === path)) return { problem: 'taken' };
  const taken = idsOf(document);
  const id = freeId(path.slice(1), taken);
  taken.add(id);
  const text: SiteSection = {
    id: freeId(`${id}-text`, taken),
    type: 'text',
    variant: 'plain',
    props: {
      heading: clean,
      body: { ar: 'اكتب هنا محتوى هذه الصفحة.', en: 'Write what this page says here.' },
    },
  };
  taken.add(text.id);
  const homeFooter = document.pages[0]?.sections.find((section) => section.type === 'footer');
  const sections: SiteSection[] = [text];
  if (homeFooter) sections.push({ ...homeFooter, id: freeId(`${id}-footer`, taken) });
  const page: SitePage = { id, path, title: clean, description: clean, sections };
  const operation: SiteOperation = { op: 'add_page', index: null, page };
  return checked(document, operation) ? { operation } : { problem: 'path' };
}

/** The operation applies and leaves a valid document (the Worker checks again). */
export function checked(document: SiteDocument, operation: SiteOperation): boolean {
  const applied = applyOperations(document, [operation]);
  return applied.ok && parseSiteDocument(applied.document).ok;
}
