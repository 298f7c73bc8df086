/**
 * The AI's side of the builder: POST /api/projects/:id/site/generations answers Server-Sent
 * Events (progress, each valid section as soon as it is complete, then done or error). Sections
 * are shown in the live preview as they arrive, rendered in the browser by the same renderer as
 * the server's preview; `done` reloads the draft and shows the new balance; an error or Stop says
 * the credits were returned and leaves the draft as it was. Errors before the stream are JSON
 * (CREDIT_001, GEN_002, GEN_004–6, REQ_004). Each streamed section is placed by its path (a first
 * site's `['pages', p, 'sections', i]`, a new page's `['page', 'sections', i]`, one section's
 * `['section']` or a chat answer's `['edit']`); a repair turn (`progress stage: repairing`) drops
 * what was streamed. Stop cancels the generation (refunded at once) and aborts the stream. A Worker
 * without an AI provider answers SRV_004: the panels then say the AI is not available right now
 * and the hand-made paths remain.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { publicAssetPath } from '../../../../shared/assets';
import { errorMessage, isErrorCode } from '../../../../shared/errors';
import { CREDIT_COSTS, type CreditAction } from '../../../../shared/pricing';
import type { SiteDocument, SitePage, SiteSection } from '../../../../shared/site/document';
import { renderSitePage } from '../../../../shared/site/render';
import { localePath } from '../../i18n/locales';
import { publicConfig, supabase } from '../../lib/api';
import { reportClientError } from '../../lib/client-errors';
import { useI18n } from '../common';
import { balanceTotal, previewPath, type Locale } from './data';
import { useBuilder } from './state';

export interface GenerationRequest {
  action: CreditAction;
  prompt: string;
  pageId?: string;
  sectionId?: string;
}

export interface ChatEntry {
  id: number;
  from: 'owner' | 'ai';
  text: string;
  tone?: 'done' | 'failed';
}

export interface Generations {
  /** false once the Worker said the AI is not configured (SRV_004), for this visit. */
  available: boolean;
  running: boolean;
  stage: string | null;
  /** Sections received so far in this run. */
  received: number;
  /** The draft with the sections received so far, while a run streams. */
  live: SiteDocument | null;
  /** The page the streamed sections are on (a new page while one is generated). */
  livePageId: string | null;
  log: ChatEntry[];
  run: (request: GenerationRequest) => Promise<boolean>;
  stop: () => void;
}

async function authHeaders(locale: Locale): Promise<Record<string, string>> {
  const { data } = await (await supabase()).auth.getSession();
  const token = data.session?.access_token;
  return { 'Accept-Language': locale, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

/** Splits a text/event-stream into `{event, data}` messages. */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) yield { event, data: data.join('\n') };
    }
  }
}

/** A skeleton document for sections that arrive before there is a draft (a first site). */
function skeleton(name: string): SiteDocument {
  return {
    schemaVersion: 1,
    business: {
      name: { ar: name, en: name },
      type: 'other',
      tagline: null,
      phone: null,
      whatsapp: null,
      email: null,
      address: null,
      city: null,
      logo: null,
    },
    theme: { palette: 'pearl', fonts: 'kufi', radius: 'soft' },
    languages: ['ar', 'en'],
    pages: [],
  };
}

/** The page a generated new page is previewed as, until `done` brings its real id. */
export const NEW_PAGE_ID = 'kwq8-new-page';

type JsonPath = ReadonlyArray<string | number>;
export interface Streamed {
  path: JsonPath;
  section: SiteSection;
}

const blankPage = (id: string, path: string): SitePage => ({
  id,
  path,
  title: { ar: '', en: '' },
  description: { ar: '', en: '' },
  sections: [],
});

/**
 * The document as it would be with the sections streamed so far placed by their paths, and the
 * page they are on. Rebuilt from `base` each time, so a repair turn simply starts from an empty list.
 */
export function placeStreamed(
  base: SiteDocument,
  request: GenerationRequest,
  streamed: readonly Streamed[],
): { document: SiteDocument; pageId: string | null } {
  let pages = base.pages.map((page) => ({ ...page, sections: [...page.sections] }));
  let pageId: string | null = null;
  const first = request.action === 'page_generation' && base.pages.length === 0;
  const slots: SiteSection[][] = [];
  for (const { path, section } of streamed) {
    const [head, a, b, c] = path;
    if (first && head === 'pages' && typeof a === 'number' && b === 'sections' && typeof c === 'number') {
      (slots[a] ??= [])[c] = section;
    } else if (head === 'page' && a === 'sections' && typeof b === 'number') {
      (slots[0] ??= [])[b] = section;
    } else if (head === 'section' || head === 'edit') {
      const target = request.sectionId ? pages.find((page) => page.sections.some((s) => s.id === request.sectionId)) : undefined;
      if (target) {
        // An edit of one section: it keeps its place and id.
        target.sections = target.sections.map((s) => (s.id === request.sectionId ? ({ ...section, id: s.id } as SiteSection) : s));
        pageId = target.id;
      } else {
        const page = pages.find((p) => p.id === request.pageId) ?? pages[0];
        if (!page) continue;
        const footer = page.sections.findIndex((s) => s.type === 'footer');
        page.sections.splice(footer >= 0 ? footer : page.sections.length, 0, section);
        pageId = page.id;
      }
    }
  }
  if (first) {
    pages = slots.map((sections, p) => ({
      ...blankPage(p === 0 ? 'home' : `page-${p}`, p === 0 ? '/' : `/page-${p}`),
      sections: sections.filter(Boolean),
    }));
    pageId = pages[0]?.id ?? null;
  } else if (request.action === 'page_generation' && slots[0]) {
    pages.push({ ...blankPage(NEW_PAGE_ID, `/${NEW_PAGE_ID}`), sections: slots[0].filter(Boolean) });
    pageId = NEW_PAGE_ID;
  }
  return { document: { ...base, pages }, pageId };
}

/** The live preview's HTML: the renderer the server uses, run here on the streamed document. */
export async function renderLive(document: SiteDocument, projectId: string, pagePath: string, locale: Locale): Promise<string | null> {
  try {
    const { supabaseUrl } = await publicConfig();
    const page = renderSitePage(document, {
      path: previewPath(pagePath, locale),
      context: {
        origin: location.origin,
        imageUrl: (path) => `${supabaseUrl}${publicAssetPath(projectId, encodeURIComponent(path))}`,
        assetBase: '/_kwq8',
        bookingHref: (l) => `${l === 'en' ? '/en' : ''}/book/`,
        services: [],
        formAction: '/_kwq8/form',
        preview: true,
      },
    });
    return page.html;
  } catch (error) {
    reportClientError(error);
    return null;
  }
}

type ErrorBody = { error?: { code?: string; message?: string } } | null;

export function useGenerations(): Generations {
  const i18n = useI18n();
  const { t, plural, locale } = i18n;
  const builder = useBuilder();
  const { project, refresh, refreshMe, setBalance, setPageId } = builder;
  const draft = builder.answer.draft?.document ?? null;
  const [available, setAvailable] = useState(true);
  const [running, setRunning] = useState(false);
  const [stage, setStage] = useState<string | null>(null);
  const [received, setReceived] = useState(0);
  const [live, setLive] = useState<{ document: SiteDocument; pageId: string | null } | null>(null);
  const [log, setLog] = useState<ChatEntry[]>([]);
  const abort = useRef<AbortController | null>(null);
  const generationId = useRef<string | null>(null);
  const stopped = useRef(false);
  const entry = useRef(0);
  const pagesBefore = useRef<Set<string> | null>(null);
  const url = `/api/projects/${project.id}/site/generations`;

  const say = useCallback((from: ChatEntry['from'], text: string, tone?: ChatEntry['tone']) => {
    setLog((current) => [...current, { id: ++entry.current, from, text, ...(tone ? { tone } : {}) }]);
  }, []);

  /** Cancels the running generation (the Worker refunds at once) and ends the stream. */
  const cancel = useCallback(
    async (id: string) => {
      try {
        const response = await fetch(`${url}/${encodeURIComponent(id)}/cancel`, { method: 'POST', headers: await authHeaders(locale) });
        const body = (await response.json().catch(() => null)) as { balance?: unknown } | null;
        if (body?.balance !== undefined) setBalance(body.balance);
      } catch {
        // The stream's end refunds too (the heartbeat notices, or the cron's stale refund).
      }
      abort.current?.abort();
    },
    [locale, setBalance, url],
  );

  const run = useCallback(
    async function run(request: GenerationRequest): Promise<boolean> {
      const cost = CREDIT_COSTS[request.action].credits;
      const retry = { label: t('common.retry'), onClick: () => void run(request) };
      const controller = new AbortController();
      abort.current = controller;
      stopped.current = false;
      generationId.current = null;
      setRunning(true);
      setStage(null);
      setReceived(0);
      say('owner', request.prompt);
      const base = draft ?? skeleton(project.name);
      let streamed: Streamed[] = [];
      let finished = false;
      let succeeded = false;
      const failed = (refunded: boolean) => {
        const text = refunded ? t('builder.chat.failed', { cost: plural('unit.credits', cost) }) : t('builder.chat.failedPending');
        say('ai', text, 'failed');
        toast.error(text, { action: retry, duration: Infinity, closeButton: true });
      };
      try {
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { ...(await authHeaders(locale)), 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
            body: JSON.stringify(request),
            signal: controller.signal,
          });
        } catch {
          if (stopped.current) return false;
          setLog((current) => current.slice(0, -1));
          toast.error(t('common.networkError'), { action: retry, duration: Infinity, closeButton: true });
          return false;
        }
        if (!response.ok || !response.body) {
          // Refused before anything was charged.
          finished = true;
          const body = (await response.json().catch(() => null)) as ErrorBody;
          const code = body?.error?.code;
          const message = body?.error?.message ?? (isErrorCode(code) ? errorMessage(code, locale) : errorMessage('SRV_001', locale));
          if (code === 'SRV_004') {
            setAvailable(false);
            setLog((current) => current.slice(0, -1));
            toast.info(t('builder.ai.unavailable'), { closeButton: true });
            return false;
          }
          if (code === 'CREDIT_001') {
            toast.error(message, {
              action: { label: t('builder.buyCredits'), onClick: () => location.assign(localePath(locale, '/pricing/')) },
              closeButton: true,
            });
          } else if (code === 'GEN_002') {
            toast.error(t('builder.ai.needsPlan'), {
              action: { label: t('builder.ai.upgrade'), onClick: () => location.assign(billingHref(locale)) },
              closeButton: true,
            });
          } else {
            const again = response.status >= 500 || response.status === 429 || code === 'GEN_004' || code === 'GEN_005';
            toast.error(message, { ...(again ? { action: retry, duration: Infinity } : {}), closeButton: true });
          }
          say('ai', `${message} ${t('builder.ai.nothingCharged')}`, 'failed');
          return false;
        }
        for await (const message of events(response.body)) {
          const data = JSON.parse(message.data) as Record<string, unknown>;
          if (message.event === 'progress') {
            if (typeof data.generationId === 'string' && !generationId.current) {
              generationId.current = data.generationId;
              // Stop pressed before the generation had an id: cancel it now.
              if (stopped.current) void cancel(data.generationId);
            }
            if (data.balance !== undefined) setBalance(data.balance);
            if (typeof data.stage === 'string') setStage(data.stage);
            if (data.stage === 'repairing') {
              streamed = [];
              setLive(null);
              setReceived(0);
            }
          } else if (message.event === 'section') {
            if (!Array.isArray(data.path) || typeof data.section !== 'object' || data.section === null) continue;
            streamed = [...streamed, { path: data.path as JsonPath, section: data.section as SiteSection }];
            const placed = placeStreamed(base, request, streamed);
            setLive(placed);
            setReceived(streamed.length);
          } else if (message.event === 'done') {
            finished = true;
            succeeded = true;
            setBalance(data.balance);
            await refresh();
            // A new page: shown once the draft has it (the id the old draft did not have).
            if (request.action === 'page_generation' && draft) pagesBefore.current = new Set(draft.pages.map((page) => page.id));
            if (data.balance === undefined) await refreshMe().catch(() => {});
            const spent = typeof data.cost === 'number' ? data.cost : cost;
            const total = balanceTotal(data.balance);
            const summary = t('builder.chat.done', {
              cost: plural('unit.credits', spent),
              balance: plural('unit.credits', total ?? builder.balance),
            });
            const answer = typeof data.answer === 'string' && data.answer.trim() ? data.answer : null;
            say('ai', answer ? `${answer}\n${summary}` : summary, 'done');
            toast.success(summary);
            return true;
          } else if (message.event === 'error') {
            finished = true;
            if (data.balance !== undefined) setBalance(data.balance);
            else await refreshMe().catch(() => {});
            if (!stopped.current) failed(data.refunded !== false);
            return false;
          }
        }
        // The stream ended without an outcome: the Worker still finishes or refunds it.
        if (!stopped.current) failed(true);
        return false;
      } catch (error) {
        if (!stopped.current) {
          // The stream was cut: the Worker refunds a generation that does not finish.
          reportClientError(error);
          failed(true);
        }
        return false;
      } finally {
        if (stopped.current && !succeeded) {
          say('ai', t('builder.chat.stopped'), 'failed');
          toast.info(t('builder.chat.stopped'));
        }
        if (!finished) await refreshMe().catch(() => {});
        abort.current = null;
        setLive(null);
        setStage(null);
        setRunning(false);
      }
    },
    [builder.balance, cancel, draft, locale, plural, project.name, refresh, refreshMe, say, setBalance, t, url],
  );

  useEffect(() => {
    const before = pagesBefore.current;
    if (!before || !draft) return;
    pagesBefore.current = null;
    const fresh = draft.pages.find((page) => !before.has(page.id));
    if (fresh) setPageId(fresh.id);
  }, [draft, setPageId]);

  const stop = useCallback(() => {
    if (stopped.current) return;
    stopped.current = true;
    const id = generationId.current;
    if (id) void cancel(id);
    // Without an id yet, the first progress event cancels (aborting now would leave it running).
  }, [cancel]);

  useEffect(() => () => abort.current?.abort(), []);

  return {
    available,
    running,
    stage,
    received,
    live: live?.document ?? null,
    livePageId: live?.pageId ?? null,
    log,
    run,
    stop,
  };
}

/** The dashboard's billing section, where a plan is upgraded. */
export const billingHref = (locale: Locale) => `${localePath(locale, '/dashboard/')}#billing`;
