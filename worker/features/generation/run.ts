/**
 * One generation's model work, after the charge: the provider streams the action's JSON answer,
 * each section is validated and handed on as soon as it is complete, the whole answer becomes
 * the new draft through the action's plan, and an answer that cannot be used gets one repair
 * turn. It reports how it ended; the caller stores the version or refunds. A heartbeat keeps the
 * generation from the stale-refund cron and notices when the owner cancelled (the database says
 * the generation is no longer running), which aborts the provider call.
 */
import * as z from 'zod/mini';
import { siteSection } from '../../../shared/site/catalogue';
import type { SiteDocument, SiteSection } from '../../../shared/site/document';
import type { Bindings } from '../../env';
import { AiProviderError, type TextMessage, type TextProvider } from '../../providers/ai';
import { ActionError, type ActionPlan, type GenerationInput } from './actions';
import { touchGeneration } from './db';
import { ownerMessage, repairMessage, systemPrompt } from './prompt';
import { createJsonStream, JsonStreamError, type JsonPath } from './stream-json';

const CALL_TIMEOUT_MS = 90_000;
const HEARTBEAT_MS = 5_000;

export interface StreamedSection {
  /** Where it sits in the answer, e.g. ['pages', 0, 'sections', 2]. */
  path: JsonPath;
  section: SiteSection;
}

export type RunOutcome =
  | { ok: true; document: SiteDocument | null; answer?: string; summary: string; usage: RunUsage }
  | { ok: false; reason: string; usage: RunUsage };

export interface RunUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

/** A failure that a second answer could fix (its reason is told to the model). */
class Unusable extends Error {}

export async function runGeneration(
  env: Bindings,
  input: { generationId: string; request: GenerationInput; plan: ActionPlan; provider: TextProvider },
  onSection: (streamed: StreamedSection) => void,
): Promise<RunOutcome> {
  const { plan, provider, request } = input;
  const started = Date.now();
  const usage: RunUsage = { model: provider.model, inputTokens: 0, outputTokens: 0, latencyMs: 0 };
  const abort = new AbortController();
  let cancelled = false;
  const heartbeat = setInterval(() => {
    touchGeneration(env, input.generationId).then(
      (generation) => {
        if (generation.status !== 'running') {
          cancelled = true;
          abort.abort();
        }
      },
      () => {},
    );
  }, HEARTBEAT_MS);

  const messages: TextMessage[] = [{ role: 'user', content: ownerMessage(request, plan.context) }];
  const sent = new Set<string>();
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      let text = '';
      try {
        const json = createJsonStream({
          paths: plan.streamPaths,
          onElement: ({ path, value }) => {
            const section = z.safeParse(siteSection(), value);
            // Invalid sections are not shown; the whole answer is judged at the end.
            if (section.success && !sent.has(JSON.stringify(path))) {
              sent.add(JSON.stringify(path));
              onSection({ path, section: section.data as SiteSection });
            }
          },
        });
        let finish: 'stop' | 'length' | 'safety' | 'refusal' | undefined;
        for await (const event of provider.stream({
          system: systemPrompt(request.action),
          messages,
          schema: plan.schema,
          maxOutputTokens: plan.maxOutputTokens,
          signal: abort.signal,
          timeoutMs: CALL_TIMEOUT_MS,
        })) {
          if (event.type === 'text') {
            text += event.text;
            json.write(event.text);
          } else {
            finish = event.reason;
            usage.model = event.model || usage.model;
            usage.inputTokens += event.usage.inputTokens;
            usage.outputTokens += event.usage.outputTokens;
          }
        }
        if (finish === 'safety' || finish === 'refusal') return { ok: false, reason: finish === 'safety' ? 'PROVIDER_SAFETY' : 'PROVIDER_REFUSAL', usage };
        if (finish === 'length') throw new Unusable('the answer was cut at the length limit');
        let answer: unknown;
        try {
          answer = json.end();
        } catch (error) {
          if (error instanceof JsonStreamError) throw new Unusable('the answer was not valid JSON');
          throw error;
        }
        try {
          const result = plan.apply(answer);
          return { ok: true, ...result, usage };
        } catch (error) {
          if (error instanceof ActionError) throw new Unusable(error.message);
          throw error;
        }
      } catch (error) {
        if (error instanceof JsonStreamError) error = new Unusable('the answer was not valid JSON');
        if (!(error instanceof Unusable)) throw error;
        if (attempt === 1) return { ok: false, reason: 'INVALID_OUTPUT', usage };
        messages.push({ role: 'assistant', content: text.slice(0, 20_000) || '{}' }, { role: 'user', content: repairMessage(error.message) });
      }
    }
    return { ok: false, reason: 'INVALID_OUTPUT', usage };
  } catch (error) {
    if (error instanceof AiProviderError) return { ok: false, reason: cancelled ? 'CANCELLED' : `PROVIDER_${error.kind.toUpperCase()}`, usage };
    throw error;
  } finally {
    clearInterval(heartbeat);
    usage.latencyMs = Date.now() - started;
  }
}
