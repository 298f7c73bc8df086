/** Days the project takes no bookings (holidays): add one or remove one; each change saves the whole list, as the API takes it. */
import { useState, type SubmitEvent } from 'react';
import { formatDate } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { useApi } from './data';
import { Field } from './Field';

export function BookingClosedDates({ projectId, initial }: { projectId: string; initial: string[] }) {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [dates, setDates] = useState(initial);
  const [day, setDay] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);

  async function save(next: string[], success: string) {
    setBusy(true);
    const saved = await calm(
      async () => (await api.api.projects[':id']['closed-dates'].$put({ param: { id: projectId }, json: { dates: next } })).json(),
      () => success,
    );
    if (saved) setDates(saved.dates);
    setBusy(false);
    return saved;
  }

  async function add(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(day);
    setInvalid(!ok);
    if (!ok) return;
    const next = [...new Set([...dates, day])].sort();
    if (await save(next, t('setup.closedAdded', { date: formatDate(locale, day) }))) setDay('');
  }

  return (
    <section className="setup-section" aria-labelledby={`${projectId}-closed`}>
      <h4 id={`${projectId}-closed`}>{t('setup.closedDates')}</h4>
      <p className="hint">{t('setup.closedDatesHint')}</p>
      {dates.length === 0 ? (
        <p>{t('setup.noClosed')}</p>
      ) : (
        <ul className="closed-list" data-testid="closed-dates">
          {dates.map((date) => (
            <li key={date}>
              <span>{formatDate(locale, date)}</span>
              <button
                type="button"
                className="secondary danger-text"
                disabled={busy}
                aria-label={t('setup.removeClosed', { date: formatDate(locale, date) })}
                onClick={() =>
                  void save(
                    dates.filter((item) => item !== date),
                    t('setup.closedRemoved', { date: formatDate(locale, date) }),
                  )
                }
              >
                {t('setup.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="closed-form" onSubmit={(event) => void add(event)} noValidate>
        <Field
          label={t('setup.closedDate')}
          type="date"
          value={day}
          disabled={busy}
          onChange={(event) => setDay(event.target.value)}
          error={invalid ? t('setup.dateInvalid') : undefined}
        />
        <button type="submit" disabled={busy}>
          {t('setup.addClosed')}
        </button>
      </form>
    </section>
  );
}
