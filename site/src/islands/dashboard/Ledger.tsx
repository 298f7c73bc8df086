/** The credit ledger, newest first, a page at a time: what happened, when, the change and the balance after. */
import { useState, type Dispatch, type SetStateAction } from 'react';
import { CREDIT_ACTIONS, type CreditAction } from '../../../../shared/pricing';
import type { Translator } from '../../i18n';
import { formatDateTime, formatNumber, formatSigned } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { PAGE_SIZE, useApi, type LedgerEntry, type Paged } from './data';

const REASONS = ['spend', 'daily_bonus', 'monthly_grant', 'topup', 'expiry', 'refund', 'plan_change'] as const;

const isAction = (action: string | null): action is CreditAction => CREDIT_ACTIONS.some((known) => known === action);
const isReason = (reason: string): reason is (typeof REASONS)[number] => REASONS.some((known) => known === reason);

function describe(entry: LedgerEntry, { t }: Translator): string {
  if (entry.reason === 'spend' && isAction(entry.action)) return t('reason.spend', { action: t(`action.${entry.action}`) });
  return isReason(entry.reason) ? t(`reason.${entry.reason}`) : entry.reason;
}

export function Ledger({ ledger, setLedger }: { ledger: Paged<LedgerEntry>; setLedger: Dispatch<SetStateAction<Paged<LedgerEntry>>> }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const calm = useCalm();
  const api = useApi();
  const [busy, setBusy] = useState(false);

  async function more() {
    if (!ledger.next) return;
    const cursor = ledger.next;
    setBusy(true);
    await calm(async () => {
      const page = await (await api.api.credits.ledger.$get({ query: { limit: String(PAGE_SIZE), cursor } })).json();
      setLedger((current) => ({ rows: [...current.rows, ...page.entries], next: page.nextCursor }));
    });
    setBusy(false);
  }

  return (
    <section className="card" aria-labelledby="ledger-title">
      <h2 id="ledger-title">{t('ledger.heading')}</h2>
      {ledger.rows.length === 0 ? (
        <p>{t('ledger.empty')}</p>
      ) : (
        <table className="ledger" data-testid="ledger">
          <thead>
            <tr>
              <th scope="col">{t('ledger.what')}</th>
              <th scope="col">{t('ledger.change')}</th>
              <th scope="col">{t('ledger.after')}</th>
            </tr>
          </thead>
          <tbody>
            {ledger.rows.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <span className="what">{describe(entry, i18n)}</span>
                  <time dateTime={entry.createdAt}>{formatDateTime(locale, entry.createdAt)}</time>
                </td>
                <td className={entry.delta.total < 0 ? 'change minus' : 'change plus'}>
                  <bdi>{formatSigned(locale, entry.delta.total)}</bdi>
                </td>
                <td>
                  <bdi>{formatNumber(locale, entry.balanceAfter)}</bdi>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ledger.next && (
        <button type="button" className="secondary" onClick={() => void more()} disabled={busy}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}
