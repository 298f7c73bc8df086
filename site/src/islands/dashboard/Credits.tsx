/** The balance with each bucket and when it lapses, the plan, and the daily bonus (claim, or when the next one comes). */
import { useState } from 'react';
import { TIER_IDS, type TierId } from '../../../../shared/pricing';
import { localePath } from '../../i18n/locales';
import { formatDate, formatDateTime } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { useApi, type Me } from './data';

const isTier = (tier: string | null): tier is TierId => TIER_IDS.some((id) => id === tier);

export function Credits({ me, onClaimed }: { me: Me; onClaimed: () => Promise<unknown> }) {
  const { t, plural, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const { credits, plan } = me;
  const pricing = localePath(locale, '/pricing/');

  async function claim() {
    setBusy(true);
    const bonus = await calm(
      async () => (await api.api.credits['daily-bonus'].$post()).json(),
      (result) => t('bonus.claimed', { credits: plural('unit.credits', result.amount) }),
    );
    if (bonus) await onClaimed();
    setBusy(false);
  }

  const lapse = (iso: string | null) => (iso ? t('credits.lapses', { date: formatDateTime(locale, iso) }) : undefined);
  const buckets = [
    { key: 'daily', label: t('credits.daily'), amount: credits.daily, note: lapse(credits.dailyExpiresAt) },
    { key: 'monthly', label: t('credits.monthly'), amount: credits.monthly, note: lapse(credits.monthlyExpiresAt) },
    { key: 'purchased', label: t('credits.purchased'), amount: credits.purchased, note: t('credits.neverLapses') },
  ];

  return (
    <>
      <section className="card credits" aria-labelledby="credits-title">
        <h2 id="credits-title">{t('credits.heading')}</h2>
        <p className="balance" data-testid="credits-total">
          {plural('unit.credits', credits.total)}
        </p>
        <p className="plan-status" data-testid="plan">
          {isTier(plan.tier) && plan.periodEnd ? (
            t('plan.active', { plan: t(`tier.${plan.tier}`), date: formatDate(locale, plan.periodEnd) })
          ) : (
            <>
              {t('plan.none')} <a href={pricing}>{t('plan.choose')}</a>
            </>
          )}
        </p>
        <dl className="buckets" aria-label={t('credits.buckets')}>
          {buckets.map((bucket) => (
            <div key={bucket.key} data-testid={`bucket-${bucket.key}`}>
              <dt>{bucket.label}</dt>
              <dd>{plural('unit.credits', bucket.amount)}</dd>
              {bucket.note && <dd className="muted">{bucket.note}</dd>}
            </div>
          ))}
        </dl>
      </section>
      <section className="card bonus" aria-labelledby="bonus-title">
        <h2 id="bonus-title">{t('bonus.heading')}</h2>
        {credits.bonusAvailable ? (
          <button type="button" onClick={() => void claim()} disabled={busy}>
            {t('bonus.claim')}
          </button>
        ) : credits.nextBonusAt ? (
          <p>{t('bonus.next', { date: formatDateTime(locale, credits.nextBonusAt) })}</p>
        ) : (
          <p>
            {t('bonus.needsPlan')} <a href={pricing}>{t('plan.choose')}</a>
          </p>
        )}
      </section>
    </>
  );
}
