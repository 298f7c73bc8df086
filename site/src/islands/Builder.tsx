/**
 * The builder of one project's site (/dashboard/builder/?project=<id>): a side panel (start, or
 * chat, edit by hand, versions, publish) beside the live preview on a wide screen; on a phone the
 * two are views one tap apart. The header keeps the balance, the publish state and Undo in
 * reach. Visitors without a session go to the sign-in page; a failed first load says so calmly
 * and offers a retry.
 */
import { useCallback, useEffect, useId, useState, type KeyboardEvent } from 'react';
import { localePath, type SiteLocale } from '../i18n/locales';
import { ApiError, supabase } from '../lib/api';
import { IslandRoot, useCalm, useI18n } from './common';
import { Chat } from './builder/Chat';
import type { SiteAnswer, Version } from './builder/data';
import { EditPanel } from './builder/Edit';
import { useGenerations } from './builder/generation';
import { History } from './builder/History';
import { Preview, Segmented } from './builder/Preview';
import { Publish } from './builder/Publish';
import { Start } from './builder/Start';
import { BuilderProvider, useBuilder, type Tab } from './builder/state';
import { useApi, type Me, type Project } from './dashboard/data';

const TABS: readonly Tab[] = ['chat', 'edit', 'history', 'publish'];

function Header() {
  const { t, plural, locale } = useI18n();
  const builder = useBuilder();
  const { site, draft } = builder.answer;
  const published = site.publishedVersionId !== null;
  const state = !published ? 'draft' : site.publishedVersionId === site.draftVersionId ? 'live' : 'unpublished';
  return (
    <div className="builder-head">
      <a className="back" href={localePath(locale, '/dashboard/')}>
        <span aria-hidden="true" className="arrow back-arrow" />
        {t('builder.back')}
      </a>
      <div className="builder-project">
        <p className="builder-name">
          <bdi>{builder.project.name}</bdi>
        </p>
        <div className="builder-facts">
          <span className="chip-fact" data-testid="builder-balance">
            {t('builder.balance', { credits: plural('unit.credits', builder.balance) })}
          </span>
          {draft && (
            <button
              type="button"
              className={`chip-fact state-${state}`}
              onClick={() => {
                builder.setTab('publish');
                builder.setView('panel');
              }}
              data-testid="builder-state"
            >
              {t(`builder.status.${state}`)}
            </button>
          )}
          {draft && (
            <button type="button" className="secondary small" disabled={!builder.undoTo} onClick={() => void builder.undo()}>
              <span aria-hidden="true" className="arrow undo" />
              {t('builder.undo')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

function Tabs() {
  const { t } = useI18n();
  const builder = useBuilder();
  const id = useId();
  // Arrow keys move between tabs (in reading order, so they follow the page's direction).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const rtl = getComputedStyle(event.currentTarget).direction === 'rtl';
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
    if (!step) return;
    const next = TABS[(TABS.indexOf(builder.tab) + step + TABS.length) % TABS.length]!;
    builder.setTab(next);
    document.getElementById(`${id}-${next}`)?.focus();
    event.preventDefault();
  };
  return (
    <div className="tabs" role="tablist" aria-label={t('builder.tabs')} onKeyDown={onKeyDown}>
      {TABS.map((tab) => (
        <button
          key={tab}
          id={`${id}-${tab}`}
          type="button"
          role="tab"
          aria-selected={builder.tab === tab}
          aria-controls="builder-tabpanel"
          tabIndex={builder.tab === tab ? 0 : -1}
          onClick={() => builder.setTab(tab)}
        >
          {t(`builder.tab.${tab}`)}
        </button>
      ))}
    </div>
  );
}

function Workspace() {
  const { t } = useI18n();
  const builder = useBuilder();
  const generations = useGenerations();
  const hasDraft = builder.answer.draft !== null;

  return (
    <div className="builder" data-view={builder.view}>
      <Header />
      <Segmented
        className="view-switch"
        label={t('builder.views')}
        value={builder.view}
        onChange={builder.setView}
        options={[
          { value: 'panel', label: hasDraft ? t('builder.view.panel') : t('builder.start.heading') },
          { value: 'preview', label: t('builder.view.preview') },
        ]}
      />
      <div className="builder-grid">
        <div className="builder-panel card">
          {hasDraft ? (
            <>
              <Tabs />
              <div id="builder-tabpanel" role="tabpanel" aria-label={t(`builder.tab.${builder.tab}`)}>
                {builder.tab === 'chat' && <Chat generations={generations} />}
                {builder.tab === 'edit' && <EditPanel />}
                {builder.tab === 'history' && <History />}
                {builder.tab === 'publish' && <Publish />}
              </div>
            </>
          ) : (
            <Start generations={generations} />
          )}
        </div>
        <div className="builder-preview">
          <Preview generations={generations} />
        </div>
      </div>
    </div>
  );
}

interface Loaded {
  me: Me;
  project: Project;
  answer: SiteAnswer;
  versions: Version[];
}

function BuilderBody() {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [state, setState] = useState<'loading' | 'ready' | 'failed' | 'missing'>('loading');
  const [loaded, setLoaded] = useState<Loaded>();

  const load = useCallback(async () => {
    setState('loading');
    const projectId = new URLSearchParams(location.search).get('project') ?? '';
    if (!/^[0-9a-f-]{36}$/i.test(projectId)) {
      setState('missing');
      return;
    }
    const { data } = await (await supabase()).auth.getSession().catch(() => ({ data: { session: null } }));
    if (!data.session) {
      location.replace(localePath(locale, '/signin/'));
      return;
    }
    let missing = false;
    const result = await calm(async () => {
      const param = { param: { id: projectId } };
      try {
        const [me, project, answer, versions] = await Promise.all([
          api.api.me.$get().then((response) => response.json()),
          api.api.projects[':id'].$get(param).then((response) => response.json()),
          api.api.projects[':id'].site.$get(param).then((response) => response.json()),
          api.api.projects[':id'].site.versions.$get({ ...param, query: {} }).then((response) => response.json()),
        ]);
        return { me, project: project.project, answer, versions: versions.versions };
      } catch (error) {
        if (error instanceof ApiError && (error.code === 'NOT_FOUND_002' || error.status === 404 || error.status === 422)) {
          missing = true;
          return undefined;
        }
        throw error;
      }
    });
    if (result) {
      setLoaded(result);
      setState('ready');
    } else setState(missing ? 'missing' : 'failed');
  }, [api, calm, locale]);

  useEffect(() => void load(), [load]);
  // The header's language switch is static HTML: give it this page's ?project= so it opens the same project.
  useEffect(() => {
    for (const link of document.querySelectorAll<HTMLAnchorElement>('a.lang-switch')) link.search = location.search;
  }, []);

  if (state === 'missing' || state === 'failed') {
    return (
      <div className="card calm" role="alert">
        <p>{state === 'missing' ? t('builder.noProject') : t('builder.loadFailed')}</p>
        <div className="actions">
          {state === 'failed' && (
            <button type="button" onClick={() => void load()}>
              {t('common.retry')}
            </button>
          )}
          <a className="button secondary" href={localePath(locale, '/dashboard/')}>
            {t('builder.back')}
          </a>
        </div>
      </div>
    );
  }
  if (state === 'loading' || !loaded) {
    return (
      <p role="status" className="loading">
        {t('dashboard.loading')}
      </p>
    );
  }
  return (
    <BuilderProvider project={loaded.project} initial={loaded} me={loaded.me}>
      <Workspace />
    </BuilderProvider>
  );
}

export default function Builder({ locale }: { locale: SiteLocale }) {
  return (
    <IslandRoot locale={locale}>
      <BuilderBody />
    </IslandRoot>
  );
}
