/**
 * The signed-in home: credits per bucket and the daily bonus (GET /api/me), buying a plan or
 * credits, the credit ledger, and the owner's projects with their bookings. Visitors without a session go to the sign-in
 * page; if the first load fails the page says so calmly and offers a retry.
 */
import { useCallback, useEffect, useState } from 'react';
import { localePath, type SiteLocale } from '../i18n/locales';
import { supabase } from '../lib/api';
import { IslandRoot, useCalm, useI18n } from './common';
import { Billing } from './dashboard/Billing';
import { Credits } from './dashboard/Credits';
import { PAGE_SIZE, useApi, type LedgerEntry, type Me, type Paged, type Project } from './dashboard/data';
import { Ledger } from './dashboard/Ledger';
import { Projects } from './dashboard/Projects';

function DashboardBody() {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [me, setMe] = useState<Me>();
  const [ledger, setLedger] = useState<Paged<LedgerEntry>>({ rows: [], next: null });
  const [projects, setProjects] = useState<Project[]>([]);

  /** The balance and the newest ledger page, again (after the bonus, for instance). */
  const refreshCredits = useCallback(async () => {
    const [meResponse, ledgerResponse] = await Promise.all([
      api.api.me.$get(),
      api.api.credits.ledger.$get({ query: { limit: String(PAGE_SIZE) } }),
    ]);
    const page = await ledgerResponse.json();
    setMe(await meResponse.json());
    setLedger({ rows: page.entries, next: page.nextCursor });
  }, [api]);

  const load = useCallback(async () => {
    setState('loading');
    const loaded = await calm(async () => {
      const { data } = await (await supabase()).auth.getSession();
      if (!data.session) {
        location.replace(localePath(locale, '/signin/'));
        return false;
      }
      const [list] = await Promise.all([api.api.projects.$get().then((response) => response.json()), refreshCredits()]);
      setProjects(list.projects);
      setState('ready');
      return true;
    });
    if (loaded === undefined) setState('failed');
  }, [api, calm, locale, refreshCredits]);

  useEffect(() => void load(), [load]);

  async function signOut() {
    await calm(async () => {
      await (await supabase()).auth.signOut();
      location.assign(localePath(locale, '/'));
    });
  }

  if (state === 'failed') {
    return (
      <div className="card calm" role="alert">
        <p>{t('dashboard.loadFailed')}</p>
        <button type="button" onClick={() => void load()}>
          {t('common.retry')}
        </button>
      </div>
    );
  }
  if (!me)
    return (
      <p role="status" className="loading">
        {t('dashboard.loading')}
      </p>
    );

  return (
    <div className="dashboard">
      <div className="dashboard-side">
        <Credits me={me} onClaimed={() => calm(refreshCredits)} />
        <Billing onSettled={refreshCredits} />
      </div>
      <div className="dashboard-main">
        <Projects projects={projects} setProjects={setProjects} />
        <Ledger ledger={ledger} setLedger={setLedger} />
      </div>
      <button type="button" className="link sign-out" onClick={() => void signOut()}>
        {t('dashboard.signOut')}
      </button>
    </div>
  );
}

export default function Dashboard({ locale }: { locale: SiteLocale }) {
  return (
    <IslandRoot locale={locale}>
      <DashboardBody />
    </IslandRoot>
  );
}
