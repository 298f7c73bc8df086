/**
 * The project's weekly opening hours: per weekday open or closed, with one or more time ranges in
 * the project's time zone. A closing time of 00:00 stands for midnight (the API's "24:00"). The
 * whole week is saved at once, as the API takes it.
 */
import { useState, type SubmitEvent } from 'react';
import { isolate } from '../../i18n';
import { formatWeekday } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { useApi, type OpeningHours } from './data';
import { Field } from './Field';

interface Range {
  opens: string;
  closes: string;
}
interface Day {
  open: boolean;
  ranges: Range[];
}

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;
const DEFAULT_RANGE: Range = { opens: '09:00', closes: '17:00' };

const toInput = (closes: string) => (closes === '24:00' ? '00:00' : closes);
const toApi = (closes: string) => (closes === '00:00' ? '24:00' : closes);
const valid = (range: Range) => /^\d\d:\d\d$/.test(range.opens) && /^\d\d:\d\d$/.test(range.closes) && toApi(range.closes) > range.opens;

function daysOf(hours: OpeningHours): Day[] {
  return WEEKDAYS.map((weekday) => {
    const ranges = hours
      .filter((range) => range.weekday === weekday)
      .map((range) => ({ opens: range.opens, closes: toInput(range.closes) }));
    return { open: ranges.length > 0, ranges: ranges.length > 0 ? ranges : [DEFAULT_RANGE] };
  });
}

export function BookingHours({ projectId, initial, timeZone }: { projectId: string; initial: OpeningHours; timeZone: string }) {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [days, setDays] = useState(() => daysOf(initial));
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);

  const setDay = (weekday: number, day: Day) => setDays((list) => list.map((item, index) => (index === weekday ? day : item)));
  const setRange = (weekday: number, at: number, range: Range) =>
    setDay(weekday, { ...days[weekday]!, ranges: days[weekday]!.ranges.map((item, index) => (index === at ? range : item)) });

  async function save(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setChecked(true);
    if (days.some((day) => day.open && !day.ranges.every(valid))) return;
    const hours = days.flatMap((day, weekday) =>
      day.open ? day.ranges.map((range) => ({ weekday, opens: range.opens, closes: toApi(range.closes) })) : [],
    );
    setBusy(true);
    const saved = await calm(
      async () => (await api.api.projects[':id'].hours.$put({ param: { id: projectId }, json: { hours } })).json(),
      () => t('setup.hoursSaved'),
    );
    if (saved) {
      setDays(daysOf(saved.hours));
      setChecked(false);
    }
    setBusy(false);
  }

  return (
    <section className="setup-section" aria-labelledby={`${projectId}-hours`}>
      <h4 id={`${projectId}-hours`}>{t('setup.hours')}</h4>
      <p className="hint">{t('setup.hoursHint', { zone: isolate(timeZone) })}</p>
      <form onSubmit={(event) => void save(event)} noValidate>
        <div className="week">
          {days.map((day, weekday) => (
            <fieldset key={weekday} className="day" disabled={busy}>
              <legend>{formatWeekday(locale, weekday)}</legend>
              <label className="check">
                <input type="checkbox" checked={day.open} onChange={(event) => setDay(weekday, { ...day, open: event.target.checked })} />
                <span>{t('setup.open')}</span>
              </label>
              {!day.open ? (
                <p className="muted">{t('setup.closedDay')}</p>
              ) : (
                <>
                  {day.ranges.map((range, at) => (
                    <div className="range" key={at}>
                      <Field
                        label={t('setup.opens')}
                        type="time"
                        step={300}
                        value={range.opens}
                        onChange={(event) => setRange(weekday, at, { ...range, opens: event.target.value })}
                      />
                      <Field
                        label={t('setup.closes')}
                        type="time"
                        step={300}
                        value={range.closes}
                        onChange={(event) => setRange(weekday, at, { ...range, closes: event.target.value })}
                        error={checked && !valid(range) ? t('setup.rangeInvalid') : undefined}
                      />
                      {day.ranges.length > 1 && (
                        <button
                          type="button"
                          className="secondary danger-text"
                          onClick={() => setDay(weekday, { ...day, ranges: day.ranges.filter((_, index) => index !== at) })}
                        >
                          {t('setup.removeRange')}
                        </button>
                      )}
                    </div>
                  ))}
                  <button
                    type="button"
                    className="link"
                    onClick={() => setDay(weekday, { ...day, ranges: [...day.ranges, { opens: '', closes: '' }] })}
                  >
                    {t('setup.addRange')}
                  </button>
                </>
              )}
            </fieldset>
          ))}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('setup.saveHours')}
          </button>
        </div>
      </form>
    </section>
  );
}
