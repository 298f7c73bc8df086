/**
 * Edits as operations aimed at ids (add, update, remove, move a section; add, rename, remove a
 * page; theme, one text, business facts). `applyOperations` is pure and all-or-nothing: the
 * result is validated as a whole, and every section an operation does not name keeps its content.
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';
import { SECTION_TYPES, sectionPropsSchema, siteSection, type SiteSection } from './catalogue';
import { pagePath, parseSiteDocument, siteBusiness, sitePage, siteTheme, type SiteDocument, type SitePage } from './document';
import { labelText, siteId, titleText, bodyText, longText } from './primitives';

const index = () => z.int().check(z.minimum(0), z.maximum(1000));

/** Props of any section type; the result's validation checks they fit the section's own type. */
const anyProps = lazy(() => z.union(SECTION_TYPES.map((type) => sectionPropsSchema(type)) as unknown as [z.core.$ZodType]));
const anyText = lazy(() => z.union([labelText(), titleText(), bodyText(), longText()]));

export const siteOperation = lazy(() =>
  z.discriminatedUnion('op', [
    z.strictObject({ op: z.literal('add_section'), pageId: siteId(), index: z.nullable(index()), section: siteSection() }),
    z.strictObject({
      op: z.literal('update_section'),
      sectionId: siteId(),
      variant: z.nullable(z.string().check(z.maxLength(40))),
      props: anyProps(),
    }),
    z.strictObject({ op: z.literal('remove_section'), sectionId: siteId() }),
    z.strictObject({ op: z.literal('move_section'), sectionId: siteId(), pageId: siteId(), index: index() }),
    z.strictObject({ op: z.literal('add_page'), index: z.nullable(index()), page: sitePage() }),
    z.strictObject({ op: z.literal('rename_page'), pageId: siteId(), title: labelText(), path: z.nullable(pagePath()) }),
    z.strictObject({ op: z.literal('remove_page'), pageId: siteId() }),
    z.strictObject({ op: z.literal('set_theme'), theme: siteTheme() }),
    z.strictObject({
      op: z.literal('set_text'),
      sectionId: siteId(),
      pointer: z.string().check(z.regex(/^(?:\/[A-Za-z0-9_]{1,40}){1,6}$/)),
      value: anyText(),
    }),
    z.strictObject({ op: z.literal('set_business'), business: siteBusiness() }),
  ]),
);
export type SiteOperation = z.infer<ReturnType<typeof siteOperation>>;

export type ApplyResult = { ok: true; document: SiteDocument } | { ok: false; code: 'SITE_OP'; message: string; index: number };

class OperationError extends Error {}
const fail = (message: string): never => {
  throw new OperationError(message);
};

function findSection(document: SiteDocument, sectionId: string): { page: number; section: number } {
  for (const [p, page] of document.pages.entries()) {
    const s = page.sections.findIndex((section) => section.id === sectionId);
    if (s >= 0) return { page: p, section: s };
  }
  return fail(`no section "${sectionId}"`);
}

function findPage(document: SiteDocument, pageId: string): number {
  const p = document.pages.findIndex((page) => page.id === pageId);
  return p >= 0 ? p : fail(`no page "${pageId}"`);
}

/** A copy of the document with one page replaced; every other page and section is the same object. */
function withPage(document: SiteDocument, p: number, page: SitePage): SiteDocument {
  return { ...document, pages: document.pages.map((old, i) => (i === p ? page : old)) };
}

function insertAt<T>(items: readonly T[], at: number | null, item: T): T[] {
  const copy = [...items];
  copy.splice(at === null ? copy.length : Math.min(at, copy.length), 0, item);
  return copy;
}

/** Replaces the bilingual text at `pointer` inside props; the pointer must name an existing text. */
function setText(props: unknown, pointer: string, value: { ar: string; en: string }): unknown {
  const keys = pointer.split('/').slice(1);
  const replace = (node: unknown, depth: number): unknown => {
    if (depth === keys.length) {
      const isText =
        typeof node === 'object' &&
        node !== null &&
        Object.keys(node).sort().join() === 'ar,en' &&
        typeof (node as { ar: unknown }).ar === 'string';
      return isText ? { ar: value.ar, en: value.en } : fail(`"${pointer}" is not a text`);
    }
    const key = keys[depth]!;
    if (Array.isArray(node)) {
      const i = /^\d+$/.test(key) ? Number(key) : -1;
      if (i < 0 || i >= node.length) return fail(`"${pointer}" is not in the section`);
      return node.map((item, j) => (j === i ? replace(item, depth + 1) : item));
    }
    if (typeof node === 'object' && node !== null && Object.hasOwn(node, key)) {
      return { ...node, [key]: replace((node as Record<string, unknown>)[key], depth + 1) };
    }
    return fail(`"${pointer}" is not in the section`);
  };
  return replace(props, 0);
}

function apply(document: SiteDocument, operation: SiteOperation): SiteDocument {
  switch (operation.op) {
    case 'add_section': {
      const p = findPage(document, operation.pageId);
      const page = document.pages[p]!;
      return withPage(document, p, { ...page, sections: insertAt(page.sections, operation.index, operation.section as SiteSection) });
    }
    case 'update_section': {
      const at = findSection(document, operation.sectionId);
      const page = document.pages[at.page]!;
      const old = page.sections[at.section]!;
      const section = { ...old, variant: operation.variant ?? old.variant, props: operation.props } as SiteSection;
      return withPage(document, at.page, { ...page, sections: page.sections.map((s, i) => (i === at.section ? section : s)) });
    }
    case 'remove_section': {
      const at = findSection(document, operation.sectionId);
      const page = document.pages[at.page]!;
      return withPage(document, at.page, { ...page, sections: page.sections.filter((_, i) => i !== at.section) });
    }
    case 'move_section': {
      const from = findSection(document, operation.sectionId);
      const section = document.pages[from.page]!.sections[from.section]!;
      const target = findPage(document, operation.pageId);
      const removed = withPage(document, from.page, {
        ...document.pages[from.page]!,
        sections: document.pages[from.page]!.sections.filter((_, i) => i !== from.section),
      });
      const page = removed.pages[target]!;
      return withPage(removed, target, { ...page, sections: insertAt(page.sections, operation.index, section) });
    }
    case 'add_page':
      return {
        ...document,
        pages: insertAt(document.pages, Math.max(1, operation.index ?? document.pages.length), operation.page as SitePage),
      };
    case 'rename_page': {
      const p = findPage(document, operation.pageId);
      const page = document.pages[p]!;
      if (operation.path !== null && (page.path === '/') !== (operation.path === '/')) fail('the home page stays at "/"');
      return withPage(document, p, { ...page, title: operation.title, path: operation.path ?? page.path });
    }
    case 'remove_page': {
      const p = findPage(document, operation.pageId);
      if (document.pages[p]!.path === '/') fail('the home page cannot be removed');
      return { ...document, pages: document.pages.filter((_, i) => i !== p) };
    }
    case 'set_theme':
      return { ...document, theme: operation.theme };
    case 'set_text': {
      const at = findSection(document, operation.sectionId);
      const page = document.pages[at.page]!;
      const old = page.sections[at.section]!;
      const section = { ...old, props: setText(old.props, operation.pointer, operation.value) } as SiteSection;
      return withPage(document, at.page, { ...page, sections: page.sections.map((s, i) => (i === at.section ? section : s)) });
    }
    case 'set_business':
      return { ...document, business: operation.business };
  }
}

/**
 * Applies `operations` in order to a valid document. Either every operation applies and the
 * result is a valid document, or nothing changes and the answer names the first failing index
 * (`operations.length` when only the final document is invalid).
 */
export function applyOperations(document: SiteDocument, operations: readonly unknown[]): ApplyResult {
  let current = document;
  for (const [i, raw] of operations.entries()) {
    const parsed = z.safeParse(siteOperation(), raw);
    if (!parsed.success)
      return { ok: false, code: 'SITE_OP', index: i, message: `not an operation: ${parsed.error.issues[0]?.message ?? ''}` };
    try {
      current = apply(current, parsed.data);
    } catch (error) {
      if (error instanceof OperationError) return { ok: false, code: 'SITE_OP', index: i, message: error.message };
      throw error;
    }
    const checked = parseSiteDocument(current);
    if (!checked.ok) {
      const issue = checked.issues[0]!;
      return { ok: false, code: 'SITE_OP', index: i, message: `the result is not valid at ${issue.path || '/'}: ${issue.message}` };
    }
  }
  return { ok: true, document: current };
}
