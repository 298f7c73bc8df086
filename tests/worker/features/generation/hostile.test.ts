/**
 * Whatever a model answers, what the builder would store is valid against the catalogue and
 * renders inert: fast-check answers walked from each action's own strict JSON Schema (what the
 * model is sent), with hostile markup, URLs and texts in every field, go through the action's
 * plan; each either is refused (ActionError: the generation refunds) or becomes a document that
 * parseSiteDocument accepts and whose every page, in both languages, carries no script, event
 * handler or unsafe URL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSiteDocument, type SiteDocument } from '../../../../shared/site/document';
import schemas from '../../../../shared/site/json-schema.generated.json';
import { renderSitePage } from '../../../../shared/site/render';
import type { SiteJsonSchemas } from '../../../../shared/site/site-data';
import { ActionError, planAction, type GenerationInput } from '../../../../worker/features/generation/actions';
import { arbitraryForSchema } from '../../../shared/site/arbitrary';
import { context, salon } from '../../../shared/site/fixtures';

/** Text is escaped, so every `<` left in the page opens a tag the renderer wrote: those are what must be safe. */
function expectInert(html: string) {
  const tags = html.replace(/<script type="application\/ld\+json">[\s\S]*?<\/script>/g, '').match(/<[a-z][^>]*>/gi) ?? [];
  for (const tag of tags) {
    // Attribute values are escaped (no raw quote inside), so what is left outside quotes is markup.
    const names = tag.replace(/"[^"]*"/g, '""');
    expect(tag).not.toMatch(/^<(?:script|iframe|object|embed|base|meta http-equiv)/i);
    expect(names).not.toMatch(/\son[a-z]+\s*=/i);
    expect(tag).not.toMatch(/(?:href|src|action|srcset)="\s*(?:javascript|data|vbscript):/i);
    expect(names).not.toMatch(/\sstyle\s*=/i);
  }
}

function checkStored(document: SiteDocument) {
  expect(parseSiteDocument(document).ok).toBe(true);
  for (const page of document.pages) {
    for (const path of [page.path, page.path === '/' ? '/en/' : `/en${page.path}`])
      expectInert(renderSitePage(document, { path, context }).html);
  }
}

const draft = salon();
const hero = draft.pages[0]!.sections[0]!;
const form = draft.pages.flatMap((p) => p.sections).find((s) => s.type === 'contact_form')!;
const INPUTS: Array<[string, GenerationInput, SiteDocument | null]> = [
  ['first site', { action: 'page_generation', prompt: 'x' }, null],
  ['page', { action: 'page_generation', prompt: 'x' }, draft],
  ['component', { action: 'component_generation', prompt: 'x' }, draft],
  ['simple edit', { action: 'simple_edit', prompt: 'x', sectionId: hero.id }, draft],
  ['theme', { action: 'template_customization', prompt: 'x' }, draft],
  ['complex feature', { action: 'complex_feature', prompt: 'x' }, draft],
  ['database setup', { action: 'database_setup', prompt: 'x', sectionId: form.id }, draft],
  ['chat', { action: 'chat_message', prompt: 'x', sectionId: hero.id }, draft],
];

describe('model answers are untrusted', () => {
  it.each(INPUTS)('%s: every answer is refused or stored valid and rendered inert', (_name, input, current) => {
    const plan = planAction(input, current, schemas as unknown as SiteJsonSchemas);
    let stored = 0;
    fc.assert(
      fc.property(arbitraryForSchema(plan.schema.schema as Record<string, unknown>), (answer) => {
        let result;
        try {
          result = plan.apply(answer);
        } catch (error) {
          expect(error).toBeInstanceOf(ActionError);
          return;
        }
        if (result.document) {
          stored += 1;
          checkStored(result.document);
        }
      }),
      { numRuns: 60 },
    );
    // The arbitraries are close enough to the catalogue that some answers get through.
    if (input.action !== 'page_generation' || current) expect(stored).toBeGreaterThan(0);
  });
});
