/**
 * The AI's side of the builder: POST /api/projects/:id/site/generations answers Server-Sent
 * Events (progress, each valid section as soon as it is complete, then done or error). Sections
 * are shown in the live preview as they arrive, rendered in the browser by the same renderer as
 * the server's preview; `done` reloads the draft and shows the new balance; an error or Stop says
 * the credits were returned and leaves the draft as it was. Errors before the stream are JSON
 * (CREDIT_001, GEN_002). Until the endpoint exists it answers 404 (NOT_FOUND_001): the builder
 * then shows "coming soon" and keeps the template path (found on the first request, not probed).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { publicAssetPath } from '../../../../shared/assets';
import { errorMessage, isErrorCode } from '../../../../shared/errors';
import { CREDIT_COSTS, type CreditAction } from '../../../../shared/pricing';
import type { SiteDocument, SiteSection } from '../../../../shared/site/document';
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
  /** null while unknown, false when the endpoint is not there yet (404). */
  available: boolean | null;
  running: boolean;
  stage: string | null;
  /** Sections received so far in this run. */
  received: number;
  /** The draft with the sections received so far, while a run streams. */
  live: SiteDocument | null;
  log: ChatEntry[];
  run: (request: GenerationRequest) => Promise<boolean>;
  stop: () => void;
}

const MISSING_KEY = 'kwq8-builder-generations-missing';

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

/** The document with `section` placed at `index` of page `pageId` (the page added when new). */
function withSection(document: SiteDocument, pageId: string, index: number, section: SiteSection): SiteDocument {
  const pages = [...document.pages];
  let p = pages.findIndex((page) => page.id === pageId);
  if (p < 0) {
    pages.push({
      id: pageId,
      path: pages.length === 0 ? '/' : `/${pageId}`,
      title: { ar: '', en: '' },
      description: { ar: '', en: '' },
      sections: [],
    });
    p = pages.length - 1;
  }
  const page = pages[p]!;
  const sections = [...page.sections];
  const at = sections.findIndex((s) => s.id === section.id);
  if (at >= 0) sections[at] = section;
  else sections.splice(Math.min(index, sections.length), 0, section);
  pages[p] = { ...page, sections };
  return { ...document, pages };
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

export function useGenerations(): Generations {
  const i18n = useI18n();
  const { t, plural, locale } = i18n;
  const builder = useBuilder();
  const { project, refresh, refreshMe, setBalance } = builder;
  const draft = builder.answer.draft?.document ?? null;
  const [available, setAvailable] = useState<boolean | null>(null);
  const [running, setRunning] = useState(false);
  const [stage, setStage] = useState<string | null>(null);
  const [received, setReceived] = useState(0);
  const [live, setLive] = useState<SiteDocument | null>(null);
  const [log, setLog] = useState<ChatEntry[]>([]);
  const abort = useRef<AbortController | null>(null);
  const generationId = useRef<string | null>(null);
  const stopped = useRef(false);
  const entry = useRef(0);
  const url = `/api/projects/${project.id}/site/generations`;

  const say = useCallback((from: ChatEntry['from'], text: string, tone?: ChatEntry['tone']) => {
    setLog((current) => [...current, { id: ++entry.current, from, text, ...(tone ? { tone } : {}) }]);
  }, []);

  // Not probed ahead (a refused probe would still show as a failed request in the console): the
  // first request finds out, and this tab remembers an endpoint that is not there yet.
  useEffect(() => {
    try {
      if (sessionStorage.getItem(MISSING_KEY) === '1') setAvailable(false);
    } catch {
      // Storage refused: the next request finds out again.
    }
  }, []);
  const missing = useCallback(() => {
    setAvailable(false);
    try {
      sessionStorage.setItem(MISSING_KEY, '1');
    } catch {
      // As above.
    }
  }, []);

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
      let document = draft ?? skeleton(project.name);
      let finished = false;
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
          toast.error(t('common.networkError'), { action: retry, duration: Infinity, closeButton: true });
          return false;
        }
        if (!response.ok || !response.body) {
          const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
          const code = body?.error?.code;
          if (response.status === 404 && code === 'NOT_FOUND_001') {
            missing();
            setLog((current) => current.slice(0, -1));
            toast.info(draft ? t('builder.chat.soon') : t('builder.start.soon'));
            return false;
          }
          if (code === 'CREDIT_001') {
            toast.error(errorMessage('CREDIT_001', locale), {
              action: { label: t('builder.buyCredits'), onClick: () => location.assign(localePath(locale, '/pricing/')) },
              closeButton: true,
            });
          } else if (code === 'GEN_002') {
            toast.error(t('builder.chat.needsPremium'), { closeButton: true });
          } else {
            const message = body?.error?.message ?? (isErrorCode(code) ? errorMessage(code, locale) : errorMessage('SRV_001', locale));
            const again = response.status >= 500 || response.status === 429;
            toast.error(message, { ...(again ? { action: retry, duration: Infinity } : {}), closeButton: true });
          }
          say('ai', body?.error?.message ?? t('builder.preview.failed'), 'failed');
          return false;
        }
        setAvailable(true);
        for await (const message of events(response.body)) {
          const data = JSON.parse(message.data) as Record<string, unknown>;
          if (message.event === 'progress') {
            if (typeof data.generationId === 'string') generationId.current = data.generationId;
            if (typeof data.stage === 'string') setStage(data.stage);
          } else if (message.event === 'section') {
            document = withSection(document, String(data.pageId), Number(data.index) || 0, data.section as SiteSection);
            setLive(document);
            setReceived((n) => n + 1);
            if (typeof data.pageId === 'string') builder.setPageId(data.pageId);
          } else if (message.event === 'done') {
            finished = true;
            setBalance(data.balance);
            await refresh();
            const spent = typeof data.cost === 'number' ? data.cost : cost;
            const total = balanceTotal(data.balance);
            const summary = t('builder.chat.done', {
              cost: plural('unit.credits', spent),
              balance: total === null ? '' : plural('unit.credits', total),
            });
            say('ai', typeof data.answer === 'string' && data.answer ? data.answer : summary, 'done');
            toast.success(summary);
            return true;
          } else if (message.event === 'error') {
            finished = true;
            const refunded = typeof data.refunded === 'number' ? data.refunded : cost;
            const text = t('builder.chat.failed', { cost: plural('unit.credits', refunded) });
            say('ai', text, 'failed');
            toast.error(text, { action: retry, duration: Infinity, closeButton: true });
            return false;
          }
        }
        return false;
      } catch (error) {
        if (!stopped.current) {
          // The stream was cut: the Worker refunds a generation that does not finish.
          reportClientError(error);
          const text = t('builder.chat.failed', { cost: plural('unit.credits', cost) });
          say('ai', text, 'failed');
          toast.error(text, { action: retry, duration: Infinity, closeButton: true });
        }
        return false;
      } finally {
        if (stopped.current && !finished) {
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
    [builder, draft, locale, missing, plural, project.name, refresh, refreshMe, say, setBalance, t, url],
  );

  const stop = useCallback(() => {
    stopped.current = true;
    const id = generationId.current;
    if (id) {
      void authHeaders(locale).then((headers) =>
        fetch(`${url}/${encodeURIComponent(id)}/cancel`, { method: 'POST', headers }).catch(() => {}),
      );
    }
    abort.current?.abort();
  }, [locale, url]);

  return { available, running, stage, received, live, log, run, stop };
}
