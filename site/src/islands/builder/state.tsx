/**
 * The builder's shared state: the project, the site answer (pointers, draft, publish checks), the
 * versions, the balance, and what the owner has chosen (page, section, preview language and
 * width, panel). Every change to the draft goes through `save` or `restore`, which send the draft
 * the owner saw as `baseVersionId`; when it moved meanwhile (SITE_002) they reload and say so, and
 * a failure the network or the server caused keeps its toast with a retry (useCalm).
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import type { SiteOperation } from '../../../../shared/site/operations';
import { ApiError } from '../../lib/api';
import { formatNumber } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { useApi, type Me, type Project } from '../dashboard/data';
import { balanceTotal, rememberSource, undoTarget, type Locale, type SiteAnswer, type Version } from './data';

export type Tab = 'chat' | 'edit' | 'history' | 'publish';
export type Width = 'phone' | 'desktop';

export interface Builder {
  project: Project;
  answer: SiteAnswer;
  versions: Version[];
  balance: number;
  /** The owner's plan (basic, pro, premium, enterprise), or null without one. */
  tier: string | null;
  setBalance: (balance: unknown) => void;
  refreshMe: () => Promise<void>;
  /** The site and its versions again, from the API. */
  refresh: () => Promise<void>;
  /** Applies operations to the draft as one new version (free); true once saved. */
  save: (operations: SiteOperation[], summary?: string) => Promise<boolean>;
  /** Makes an older version the draft again (free); true once restored. */
  restore: (version: Version) => Promise<boolean>;
  /** The version Undo would go back to, if any. */
  undoTo: Version | null;
  /** Goes back one step (a restore, so free); reads the state as it is when called. */
  undo: () => Promise<void>;
  /** Runs a draft change with the stale-draft handling: SITE_002 reloads and says why. */
  guarded: <T>(work: (baseVersionId: string | null) => Promise<T>) => Promise<T | 'stale'>;
  pageId: string;
  setPageId: (id: string) => void;
  sectionId: string | null;
  selectSection: (id: string | null) => void;
  previewLocale: Locale;
  setPreviewLocale: (locale: Locale) => void;
  width: Width;
  setWidth: (width: Width) => void;
  tab: Tab;
  setTab: (tab: Tab) => void;
  /** On a phone: the panel or the preview. */
  view: 'panel' | 'preview';
  setView: (view: 'panel' | 'preview') => void;
}

const Context = createContext<Builder | null>(null);

export function useBuilder(): Builder {
  const builder = useContext(Context);
  if (!builder) throw new Error('useBuilder outside BuilderProvider');
  return builder;
}

export function BuilderProvider({
  project,
  initial,
  me,
  children,
}: {
  project: Project;
  initial: { answer: SiteAnswer; versions: Version[] };
  me: Me;
  children: ReactNode;
}) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const calm = useCalm();
  const api = useApi();
  const [answer, setAnswer] = useState(initial.answer);
  const [versions, setVersions] = useState(initial.versions);
  const [balance, setBalanceState] = useState(me.credits.total);
  const [pageId, setPageId] = useState(initial.answer.draft?.document?.pages[0]?.id ?? 'home');
  const [sectionId, setSectionId] = useState<string | null>(null);
  const [previewLocale, setPreviewLocale] = useState<Locale>(locale);
  const [width, setWidth] = useState<Width>('phone');
  const [tab, setTab] = useState<Tab>(initial.answer.draft ? 'edit' : 'chat');
  const [view, setView] = useState<'panel' | 'preview'>('panel');
  // The draft the owner last saw: what a save or a retried save sends as its base.
  const base = useRef(initial.answer.site.draftVersionId);
  base.current = answer.site.draftVersionId;

  const param = useMemo(() => ({ param: { id: project.id } }), [project.id]);

  const refresh = useCallback(async () => {
    const site = api.api.projects[':id'].site;
    const [next, list] = await Promise.all([
      site.$get(param).then((response) => response.json()),
      site.versions.$get({ ...param, query: {} }).then((response) => response.json()),
    ]);
    base.current = next.site.draftVersionId;
    setAnswer(next);
    setVersions(list.versions);
    const pages = next.draft?.document?.pages ?? [];
    setPageId((current) => (pages.some((page) => page.id === current) ? current : (pages[0]?.id ?? 'home')));
    setSectionId((current) => (current && pages.some((page) => page.sections.some((s) => s.id === current)) ? current : null));
  }, [api, param]);

  const refreshMe = useCallback(async () => {
    const next = await (await api.api.me.$get()).json();
    setBalanceState(next.credits.total);
  }, [api]);

  const setBalance = useCallback((value: unknown) => {
    const total = balanceTotal(value);
    if (total !== null) setBalanceState(total);
  }, []);

  const guarded = useCallback(
    async <T,>(work: (baseVersionId: string | null) => Promise<T>): Promise<T | 'stale'> => {
      try {
        return await work(base.current);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'SITE_002') throw error;
        await refresh();
        toast.warning(t('builder.stale'), { duration: 12_000, closeButton: true });
        return 'stale';
      }
    },
    [refresh, t],
  );

  const save = useCallback(
    async (operations: SiteOperation[], summary?: string) => {
      const done = await calm(() =>
        guarded(async (baseVersionId) => {
          await api.api.projects[':id'].site.draft.$put({ ...param, json: { baseVersionId, operations, ...(summary ? { summary } : {}) } });
          await refresh();
          return true;
        }),
      );
      return done === true;
    },
    [api, calm, guarded, param, refresh],
  );

  const restore = useCallback(
    async (version: Version) => {
      const done = await calm(() =>
        guarded(async (baseVersionId) => {
          const restored = await (
            await api.api.projects[':id'].site.versions[':versionId'].restore.$post({
              param: { id: project.id, versionId: version.id },
              json: { baseVersionId },
            })
          ).json();
          rememberSource(restored.version.id, version.id);
          await refresh();
          return true;
        }),
      );
      return done === true;
    },
    [api, calm, guarded, project.id, refresh],
  );

  const latest = useRef({ answer, versions });
  latest.current = { answer, versions };
  const undoTo = undoTarget(answer.draft, versions);
  const undo = useCallback(async () => {
    const target = undoTarget(latest.current.answer.draft, latest.current.versions);
    if (target && (await restore(target))) toast.success(t('builder.undone', { number: formatNumber(locale, target.number) }));
  }, [locale, restore, t]);

  const selectSection = useCallback((id: string | null) => {
    setSectionId(id);
    if (id) setTab('edit');
  }, []);

  const value: Builder = {
    project,
    answer,
    versions,
    balance,
    tier: me.plan.tier,
    setBalance,
    refreshMe,
    refresh,
    save,
    restore,
    undoTo,
    undo,
    guarded,
    pageId,
    setPageId,
    sectionId,
    selectSection,
    previewLocale,
    setPreviewLocale,
    width,
    setWidth,
    tab,
    setTab,
    view,
    setView,
  };
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
