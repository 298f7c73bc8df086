/**
 * The builder's view of the site API: response types inferred from the Worker's routes, the
 * document helpers the panels share (sections of a page, the bilingual texts of a section with
 * their JSON pointers, a section's name in the owner's language), the undo target, and the
 * publish problems in plain words.
 */
import type { InferResponseType } from 'hono/client';
import type { CreditAction } from '../../../../shared/pricing';
import type { SectionType, SiteDocument, SiteSection } from '../../../../shared/site/document';
import type { LocalText } from '../../../../shared/site/primitives';
import type { Translator, TextKey } from '../../i18n';
import type { ApiClient } from '../../lib/api';

type SiteRoutes = ApiClient['api']['projects'][':id']['site'];

export type SiteAnswer = InferResponseType<SiteRoutes['$get'], 200>;
export type SitePointers = SiteAnswer['site'];
export type Draft = NonNullable<SiteAnswer['draft']>;
export type Problem = SiteAnswer['problems'][number];
export type Version = InferResponseType<SiteRoutes['versions']['$get'], 200>['versions'][number];
export type Locale = 'ar' | 'en';

/** What the AI may be asked from the chat panel, cheapest first; costs come from shared/pricing.ts. */
export const CHAT_ACTIONS = [
  'simple_edit',
  'chat_message',
  'template_customization',
  'component_generation',
  'page_generation',
] as const satisfies readonly CreditAction[];
export type ChatAction = (typeof CHAT_ACTIONS)[number];

/** A first site from a sentence: the home page, as one page generation (more pages come later from the chat). */
export const FIRST_SITE_ACTION = 'page_generation' satisfies CreditAction;

/** Balances arrive as `{daily, monthly, purchased, total}` from the credit functions. */
export function balanceTotal(balance: unknown): number | null {
  if (typeof balance === 'number') return balance;
  if (typeof balance === 'object' && balance !== null && typeof (balance as { total?: unknown }).total === 'number') {
    return (balance as { total: number }).total;
  }
  return null;
}

/** The preview's path for a page path in a language: ("/contact", "en") → "/en/contact". */
export function previewPath(pagePath: string, locale: Locale): string {
  if (locale === 'ar') return pagePath;
  return pagePath === '/' ? '/en/' : `/en${pagePath}`;
}

export const sectionName = (t: Translator['t'], type: SectionType) => t(`section.${type}` as TextKey);

const isText = (value: unknown): value is LocalText =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).sort().join() === 'ar,en' &&
  typeof (value as LocalText).ar === 'string';

/** One bilingual text of a section: where it is (a pointer into props, as set_text takes it) and its value. */
export interface TextField {
  pointer: string;
  keys: string[];
  value: LocalText;
}

/** Every `{ar, en}` text inside a section's props, in document order. */
export function sectionTexts(section: SiteSection): TextField[] {
  const fields: TextField[] = [];
  const walk = (node: unknown, keys: string[]) => {
    if (isText(node)) {
      fields.push({ pointer: `/${keys.join('/')}`, keys, value: node });
      return;
    }
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...keys, String(i)]));
    else if (typeof node === 'object' && node !== null) for (const [key, child] of Object.entries(node)) walk(child, [...keys, key]);
  };
  walk(section.props, []);
  // set_text takes at most six pointer segments.
  return fields.filter((field) => field.keys.length <= 6);
}

const FIELD_KEYS = new Set([
  'heading',
  'subheading',
  'eyebrow',
  'intro',
  'label',
  'name',
  'description',
  'quote',
  'author',
  'detail',
  'question',
  'answer',
  'role',
  'bio',
  'text',
  'body',
  'tagline',
  'note',
  'address',
  'submitLabel',
  'successMessage',
  'buttonLabel',
  'message',
  'alt',
  'title',
]);
const GROUP_KEYS = new Set(['items', 'categories', 'fields', 'members', 'links', 'images']);
const SINGLE_GROUPS = new Set(['primary', 'secondary', 'action', 'image']);
/** Texts that are paragraphs rather than one line. */
const LONG_KEYS = new Set([
  'subheading',
  'intro',
  'description',
  'answer',
  'quote',
  'bio',
  'body',
  'tagline',
  'note',
  'address',
  'successMessage',
]);

/** "Item 2 · Name", "Main button · Label", "Heading": where a text is, in the owner's words. */
export function fieldLabel(t: Translator['t'], field: TextField): string {
  const parts: string[] = [];
  const keys = field.keys;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    const next = keys[i + 1]!;
    if (GROUP_KEYS.has(key) && /^\d+$/.test(next)) {
      parts.push(t(`group.${key}` as TextKey, { n: Number(next) + 1 }));
      i++;
    } else if (SINGLE_GROUPS.has(key)) parts.push(t(`group.${key}` as TextKey));
    else if (key === 'link' && keys[i + 1] === 'text') parts.push(t('group.text'));
  }
  const last = keys.at(-1)!;
  if (!(last === 'text' && keys.at(-2) === 'link')) parts.push(FIELD_KEYS.has(last) ? t(`field.${last}` as TextKey) : last);
  return parts.join(' · ');
}

export const isLongText = (field: TextField) => LONG_KEYS.has(field.keys.at(-1)!);

/** A section's own title in `locale` for the section list: its heading, else its first text. */
export function sectionTitle(section: SiteSection, locale: Locale): string {
  const props = section.props as Record<string, unknown>;
  for (const key of ['heading', 'tagline', 'label', 'body']) {
    const value = props[key];
    if (isText(value)) {
      const text = (value[locale] || value[locale === 'ar' ? 'en' : 'ar']).trim();
      if (text) return text.split('\n')[0]!.slice(0, 80);
    }
  }
  const first = sectionTexts(section)[0]?.value;
  return first ? (first[locale] || first.ar).split('\n')[0]!.slice(0, 80) : '';
}

/** Where a section is: its page and position. */
export function findSection(document: SiteDocument, sectionId: string) {
  for (const page of document.pages) {
    const index = page.sections.findIndex((section) => section.id === sectionId);
    if (index >= 0) return { page, index, section: page.sections[index]! };
  }
  return null;
}

/** A publish check in plain words, naming the page and the section. */
export function problemText(i18n: Translator, document: SiteDocument, problem: Problem): string {
  const { t, locale } = i18n;
  const page = document.pages.find((p) => p.id === problem.pageId);
  const pageTitle = page ? page.title[locale] || page.title.ar || page.path : '';
  const found = problem.sectionId ? findSection(document, problem.sectionId) : null;
  const where = found
    ? t('builder.problem.where', { section: sectionName(t, found.section.type), page: pageTitle })
    : page
      ? t('builder.problem.pageOnly', { page: pageTitle })
      : t('builder.problem.business');
  const language = problem.locale ? t(`builder.problem.in.${problem.locale}`) : '';
  if (problem.code === 'page_empty') return t('builder.problem.page_empty', { page: pageTitle });
  return t(`builder.problem.${problem.code}`, { where, language });
}

const SOURCE_KEY = 'kwq8-builder-source:';

/** Remembers that the draft `draftId` (made by a restore) shows the content of `sourceId`, so Undo can go one step further. */
export function rememberSource(draftId: string, sourceId: string): void {
  try {
    sessionStorage.setItem(SOURCE_KEY + draftId, sourceId);
  } catch {
    // Private windows may refuse storage: Undo then undoes the restore itself.
  }
}

function rememberedSource(draftId: string): string | null {
  try {
    return sessionStorage.getItem(SOURCE_KEY + draftId);
  } catch {
    return null;
  }
}

/**
 * The version Undo goes back to: the one the current content was made from. A draft made by an
 * edit, a template or the AI came from its parent; a restore shows an older version's content, so
 * Undo goes to that version's parent when this tab knows which version it was, else undoes the restore.
 */
export function undoTarget(draft: Draft | null, versions: readonly Version[]): Version | null {
  if (!draft) return null;
  const byId = new Map(versions.map((version) => [version.id, version]));
  let contentOf: { parentId: string | null } = draft;
  if (draft.madeBy === 'restore') {
    const source = rememberedSource(draft.id);
    const known = source ? byId.get(source) : undefined;
    if (known) contentOf = known;
  }
  return contentOf.parentId ? (byId.get(contentOf.parentId) ?? null) : null;
}
