/**
 * What each AI action asks the model for and how its answer changes the draft (the action table
 * of docs/ARCHITECTURE.md section 7): one answer shape per action (schemas.ts), the part of the
 * draft the model sees (never the whole site for a one-section edit), where sections stream from,
 * and the operations the answer becomes. The answer is untrusted: it is parsed with the
 * catalogue's zod schemas, its ids are replaced with fresh ones where they could collide, and
 * the result goes through applyOperations, all or nothing, so every other section stays as it was.
 */
import * as z from 'zod/mini';
import type { CreditAction } from '../../../shared/pricing';
import { SECTION_TYPES, siteSection } from '../../../shared/site/catalogue';
import { parseSiteDocument, sitePage, siteTheme, type SectionType, type SiteDocument, type SiteSection } from '../../../shared/site/document';
import { applyOperations, type SiteOperation } from '../../../shared/site/operations';
import { chatSchema, firstSiteSchema, pageSchema, sectionSchema, themeSchema } from './schemas';

export const TEXT_ACTIONS = [
  'chat_message',
  'simple_edit',
  'component_generation',
  'page_generation',
  'template_customization',
  'complex_feature',
  'database_setup',
] as const satisfies readonly CreditAction[];
export type TextAction = (typeof TEXT_ACTIONS)[number];

export interface GenerationInput {
  action: TextAction;
  prompt: string;
  pageId?: string;
  sectionId?: string;
}

/** Sections wired to data (complex_feature) and the ones whose data database_setup fills. */
const DATA_SECTIONS = ['booking', 'contact_form', 'menu'] as const satisfies readonly SectionType[];
const DATA_FILLED = ['contact_form', 'menu'] as const satisfies readonly SectionType[];

export class ActionError extends Error {
  override readonly name = 'ActionError';
}

export interface ActionPlan {
  /** The strict JSON Schema the model answers with, and its name. */
  schema: { name: string; schema: object };
  /** What the model is told about the draft (JSON), besides the owner's words. */
  context: unknown;
  /** JSON paths of the sections to stream to the owner as they complete. */
  streamPaths: string[];
  maxOutputTokens: number;
  /** The new draft (null when the answer changes nothing), or ActionError when it does not fit. */
  apply(answer: unknown): { document: SiteDocument | null; answer?: string; summary: string };
}

function findSection(document: SiteDocument, sectionId: string) {
  for (const page of document.pages) {
    const section = page.sections.find((s) => s.id === sectionId);
    if (section) return { page, section };
  }
  throw new ActionError(`no section ${sectionId}`);
}

const pageOf = (document: SiteDocument, pageId: string | undefined) => {
  const page = pageId ? document.pages.find((p) => p.id === pageId) : document.pages[0];
  if (!page) throw new ActionError(`no page ${pageId}`);
  return page;
};

/** Every id in the document, so new sections and pages get ids nobody has. */
function idsOf(document: SiteDocument): Set<string> {
  const ids = new Set<string>();
  for (const page of document.pages) {
    ids.add(page.id);
    for (const section of page.sections) ids.add(section.id);
  }
  return ids;
}

function freshId(base: string, taken: Set<string>): string {
  const stem = base.replace(/[^a-z0-9-]/g, '').replace(/^-+/, '').slice(0, 30) || 's';
  let id = stem;
  for (let n = 2; taken.has(id); n += 1) id = `${stem}-${n}`;
  taken.add(id);
  return id;
}

function parse<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = z.safeParse(schema, value);
  if (!result.success) throw new ActionError(`${what}: ${result.error.issues[0]?.message ?? 'invalid'} at ${result.error.issues[0]?.path.join('.') ?? ''}`);
  return result.data;
}

function applied(document: SiteDocument, operations: SiteOperation[]): SiteDocument {
  const result = applyOperations(document, operations);
  if (!result.ok) throw new ActionError(result.message);
  return result.document;
}

/** A short, text-free outline of the site: what the model needs to place a page or section. */
const outline = (document: SiteDocument) => ({
  business: document.business,
  languages: document.languages,
  theme: document.theme,
  pages: document.pages.map((page) => ({ id: page.id, path: page.path, title: page.title, sections: page.sections.map((s) => ({ id: s.id, type: s.type, variant: s.variant })) })),
});

const answerOf = (value: unknown, key: string) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined);

/** The plan of an action on the current draft (null when the site has none yet). */
export function planAction(input: GenerationInput, draft: SiteDocument | null): ActionPlan {
  const { action } = input;
  if (!draft) {
    if (action !== 'page_generation') throw new ActionError('the site has no draft yet: start with page_generation or a template');
    return {
      schema: { name: 'kwq8_first_site', schema: firstSiteSchema() },
      context: { site: null },
      streamPaths: ['$.pages.*.sections.*'],
      maxOutputTokens: 8000,
      apply(answer) {
        const parsed = parseSiteDocument(answer);
        if (!parsed.ok) throw new ActionError(`site: ${parsed.issues[0]?.message} at ${parsed.issues[0]?.path}`);
        const home = parsed.document.pages[0]!;
        return { document: { ...parsed.document, pages: [{ ...home, path: '/' }] }, summary: 'first site' };
      },
    };
  }
  switch (action) {
    case 'page_generation':
      return {
        schema: { name: 'kwq8_page', schema: pageSchema() },
        context: outline(draft),
        streamPaths: ['$.page.sections.*'],
        maxOutputTokens: 6000,
        apply(answer) {
          const page = parse(sitePage(), answerOf(answer, 'page'), 'page');
          const taken = idsOf(draft);
          const fresh = { ...page, id: freshId(page.id, taken), sections: page.sections.map((s) => ({ ...s, id: freshId(s.id, taken) })) };
          if (draft.pages.some((p) => p.path === fresh.path)) fresh.path = `/${fresh.id}`;
          return { document: applied(draft, [{ op: 'add_page', index: null, page: fresh }]), summary: `page ${fresh.path}` };
        },
      };
    case 'component_generation':
    case 'complex_feature': {
      const types = action === 'complex_feature' ? DATA_SECTIONS : SECTION_TYPES;
      const page = pageOf(draft, input.pageId);
      return {
        schema: { name: 'kwq8_section', schema: sectionSchema(types) },
        context: { ...outline(draft), targetPageId: page.id },
        streamPaths: ['$.section'],
        maxOutputTokens: 3000,
        apply(answer) {
          const section = parse(siteSection(), answerOf(answer, 'section'), 'section') as SiteSection;
          if (!(types as readonly string[]).includes(section.type)) throw new ActionError(`a ${section.type} section is not allowed here`);
          const fresh = { ...section, id: freshId(section.id, idsOf(draft)) } as SiteSection;
          // Before the footer, if the page ends with one.
          const footer = page.sections.findIndex((s) => s.type === 'footer');
          const operation: SiteOperation = { op: 'add_section', pageId: page.id, index: footer >= 0 ? footer : null, section: fresh };
          return { document: applied(draft, [operation]), summary: `${fresh.type} added` };
        },
      };
    }
    case 'simple_edit':
    case 'database_setup': {
      if (!input.sectionId) throw new ActionError('sectionId is required');
      const { section } = findSection(draft, input.sectionId);
      if (action === 'database_setup' && !(DATA_FILLED as readonly string[]).includes(section.type)) {
        throw new ActionError('database_setup fills a contact form or a menu');
      }
      return {
        schema: { name: 'kwq8_section', schema: sectionSchema([section.type]) },
        context: { business: draft.business, languages: draft.languages, section },
        streamPaths: ['$.section'],
        maxOutputTokens: 3000,
        apply(answer) {
          const edited = parse(siteSection(), answerOf(answer, 'section'), 'section') as SiteSection;
          if (edited.type !== section.type) throw new ActionError('the section changed type');
          const operation: SiteOperation = { op: 'update_section', sectionId: section.id, variant: edited.variant, props: edited.props as Record<string, unknown> };
          return { document: applied(draft, [operation]), summary: `${section.type} edited` };
        },
      };
    }
    case 'template_customization':
      return {
        schema: { name: 'kwq8_theme', schema: themeSchema() },
        context: outline(draft),
        streamPaths: [],
        maxOutputTokens: 1500,
        apply(answer) {
          const theme = parse(siteTheme(), answerOf(answer, 'theme'), 'theme');
          const variants = parse(z.array(z.strictObject({ sectionId: z.string(), variant: z.string() })), answerOf(answer, 'variants'), 'variants');
          const operations: SiteOperation[] = [{ op: 'set_theme', theme }];
          for (const { sectionId, variant } of variants) {
            const found = draft.pages.flatMap((p) => p.sections).find((s) => s.id === sectionId);
            if (found && found.variant !== variant) operations.push({ op: 'update_section', sectionId, variant, props: found.props as Record<string, unknown> });
          }
          return { document: applied(draft, operations), summary: 'theme and variants' };
        },
      };
    case 'chat_message': {
      const selected = input.sectionId ? findSection(draft, input.sectionId).section : null;
      return {
        schema: { name: 'kwq8_chat', schema: chatSchema(selected ? [selected.type] : SECTION_TYPES) },
        context: { ...outline(draft), selectedSection: selected },
        streamPaths: ['$.edit'],
        maxOutputTokens: 3000,
        apply(answer) {
          const text = parse(z.string().check(z.maxLength(2000)), answerOf(answer, 'answer'), 'answer');
          const edit = answerOf(answer, 'edit');
          if (edit === null || edit === undefined) return { document: null, answer: text, summary: 'answer' };
          const section = parse(siteSection(), edit, 'edit') as SiteSection;
          // At most one small change, to the selected section (or to the section it names).
          const target = selected ?? findSection(draft, section.id).section;
          if (section.type !== target.type) throw new ActionError('the edit changed a section type');
          const operation: SiteOperation = { op: 'update_section', sectionId: target.id, variant: section.variant, props: section.props as Record<string, unknown> };
          return { document: applied(draft, [operation]), answer: text, summary: `answer and ${target.type} edited` };
        },
      };
    }
  }
}
