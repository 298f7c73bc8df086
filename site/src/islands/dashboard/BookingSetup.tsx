/**
 * One project's booking setup on the dashboard: the address clients book at, its services,
 * weekly hours, closed dates and settings. Everything is read once when it opens (one retry
 * toast if that fails); each part then saves on its own.
 */
import { useCallback, useEffect, useState } from 'react';
import { isolate } from '../../i18n';
import { localePath } from '../../i18n/locales';
import { useCalm, useI18n } from '../common';
import { BookingClosedDates } from './BookingClosedDates';
import { BookingHours } from './BookingHours';
import { BookingServices } from './BookingServices';
import { BookingSettingsForm } from './BookingSettingsForm';
import { useApi, type BookingSettings, type OpeningHours, type Project, type Service } from './data';

interface Setup {
  services: Service[];
  hours: OpeningHours;
  dates: string[];
  settings: BookingSettings;
}

export function BookingSetup({ project, id }: { project: Project; id: string }) {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [setup, setSetup] = useState<Setup>();
  const page = localePath(locale, `/book/${project.slug}/`);

  const load = useCallback(
    () =>
      calm(async () => {
        const param = { param: { id: project.id } };
        const projects = api.api.projects[':id'];
        const [services, hours, dates, settings] = await Promise.all([
          projects.services.$get(param).then((response) => response.json()),
          projects.hours.$get(param).then((response) => response.json()),
          projects['closed-dates'].$get(param).then((response) => response.json()),
          projects['booking-settings'].$get(param).then((response) => response.json()),
        ]);
        setSetup({ ...services, ...hours, ...dates, ...settings });
      }),
    [api, calm, project.id],
  );

  useEffect(() => void load(), [load]);

  return (
    <div className="booking-setup" id={id}>
      <h3>{t('setup.heading', { name: isolate(project.name) })}</h3>
      <p className="public-link">
        <span>{t('setup.publicLink')}</span>
        <a href={page} data-testid="booking-link">
          <bdi dir="ltr" className="address">
            {`${location.host}${page}`}
          </bdi>
        </a>
      </p>
      {!setup ? (
        <p role="status" className="loading">
          {t('dashboard.loading')}
        </p>
      ) : (
        <>
          <BookingServices projectId={project.id} initial={setup.services} />
          <BookingHours projectId={project.id} initial={setup.hours} timeZone={setup.settings.timeZone} />
          <BookingClosedDates projectId={project.id} initial={setup.dates} />
          <BookingSettingsForm
            projectId={project.id}
            settings={setup.settings}
            onSaved={(settings) => setSetup((current) => current && { ...current, settings })}
          />
        </>
      )}
    </div>
  );
}
