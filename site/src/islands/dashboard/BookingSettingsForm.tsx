/**
 * A project's booking settings: its time zone (hours and closed dates are read in it), how long a
 * slot is held while the client pays, its own Make webhook (with the signing secret the owner puts
 * in Make, and a way to make a new one) and its Google Calendar.
 */
import { useId, useMemo, useState, type SubmitEvent } from 'react';
import { bookingSettingsBody } from '../../../../shared/booking';
import type { TextKey } from '../../i18n';
import { useCalm, useI18n } from '../common';
import { useApi, type BookingSettings } from './data';
import { Field, invalidFields, wholeNumber } from './Field';

/** The Gulf's zones first, then every zone the browser knows. */
const GULF_ZONES = ['Asia/Kuwait', 'Asia/Riyadh', 'Asia/Bahrain', 'Asia/Qatar', 'Asia/Dubai', 'Asia/Muscat'];

const MESSAGES: Record<string, TextKey> = {
  timeZone: 'setup.zoneInvalid',
  holdMinutes: 'setup.holdInvalid',
  makeWebhookUrl: 'setup.urlInvalid',
  googleCalendarId: 'setup.calendarInvalid',
};

export function BookingSettingsForm({
  projectId,
  settings,
  onSaved,
}: {
  projectId: string;
  settings: BookingSettings;
  onSaved: (settings: BookingSettings) => void;
}) {
  const { t } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const zonesId = useId();
  const zones = useMemo(() => [...new Set([...GULF_ZONES, ...Intl.supportedValuesOf('timeZone')])], []);
  const [draft, setDraft] = useState({
    timeZone: settings.timeZone,
    hold: String(settings.holdMinutes),
    makeUrl: settings.makeWebhookUrl ?? '',
    calendarId: settings.googleCalendarId ?? '',
    rotate: false,
  });
  const [invalid, setInvalid] = useState(new Set<string>());
  const [busy, setBusy] = useState(false);
  const error = (key: string) => (invalid.has(key) ? t(MESSAGES[key]!) : undefined);
  const text = (key: 'timeZone' | 'hold' | 'makeUrl' | 'calendarId') => ({
    value: draft[key],
    disabled: busy,
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value }),
  });

  async function save(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = bookingSettingsBody().safeParse({
      timeZone: draft.timeZone.trim(),
      holdMinutes: wholeNumber(draft.hold),
      makeWebhookUrl: draft.makeUrl.trim() || null,
      googleCalendarId: draft.calendarId.trim() || null,
      rotateMakeSecret: draft.rotate,
    });
    setInvalid(checked.success ? new Set() : invalidFields(checked.error.issues));
    if (!checked.success) return;
    setBusy(true);
    const saved = await calm(
      async () => (await api.api.projects[':id']['booking-settings'].$put({ param: { id: projectId }, json: checked.data })).json(),
      () => t('setup.settingsSaved'),
    );
    if (saved) {
      onSaved(saved.settings);
      setDraft((current) => ({ ...current, rotate: false }));
    }
    setBusy(false);
  }

  return (
    <section className="setup-section" aria-labelledby={`${projectId}-settings`}>
      <h4 id={`${projectId}-settings`}>{t('setup.settings')}</h4>
      <form onSubmit={(event) => void save(event)} noValidate>
        <div className="field-grid">
          <Field label={t('setup.timeZone')} dir="ltr" list={zonesId} autoComplete="off" {...text('timeZone')} error={error('timeZone')} />
          <datalist id={zonesId}>
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          <Field label={t('setup.holdMinutes')} inputMode="numeric" dir="ltr" {...text('hold')} error={error('holdMinutes')} />
        </div>
        <Field
          label={t('setup.makeUrl')}
          hint={t('setup.makeHint')}
          type="url"
          dir="ltr"
          placeholder="https://hook.eu1.make.com/…"
          {...text('makeUrl')}
          error={error('makeWebhookUrl')}
        />
        {settings.makeWebhookSecret && (
          <div className="field">
            <span className="label">{t('setup.makeSecret')}</span>
            <code className="secret" dir="ltr" data-testid="make-secret">
              {settings.makeWebhookSecret}
            </code>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.rotate}
                disabled={busy}
                onChange={(event) => setDraft({ ...draft, rotate: event.target.checked })}
              />
              <span>{t('setup.rotateSecret')}</span>
            </label>
          </div>
        )}
        <Field
          label={t('setup.calendarId')}
          hint={t('setup.calendarHint')}
          dir="ltr"
          {...text('calendarId')}
          error={error('googleCalendarId')}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('setup.saveSettings')}
          </button>
        </div>
      </form>
    </section>
  );
}
