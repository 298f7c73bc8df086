/** One project's bookings, newest first, a page at a time: when, who, and the status (a hold says until when). */
import { useCallback, useEffect, useState } from 'react';
import { isolate } from '../../i18n';
import { formatDateTime, formatDateTimeRange } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { PAGE_SIZE, useApi, type Booking, type Paged, type Project } from './data';

const STATUSES = ['held', 'confirmed', 'cancelled', 'expired'] as const;
const isStatus = (status: string): status is (typeof STATUSES)[number] => STATUSES.some((known) => known === status);

export function Bookings({ project, id }: { project: Project; id: string }) {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [bookings, setBookings] = useState<Paged<Booking>>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (cursor?: string) => {
      setBusy(true);
      await calm(async () => {
        const query = cursor ? { limit: String(PAGE_SIZE), cursor } : { limit: String(PAGE_SIZE) };
        const page = await (await api.api.projects[':id'].bookings.$get({ param: { id: project.id }, query })).json();
        setBookings((current) => ({ rows: [...(cursor ? (current?.rows ?? []) : []), ...page.bookings], next: page.nextCursor }));
      });
      setBusy(false);
    },
    [api, calm, project.id],
  );

  useEffect(() => void load(), [load]);

  return (
    <div className="bookings" id={id}>
      <h3>{t('bookings.heading', { name: isolate(project.name) })}</h3>
      {!bookings ? (
        <p role="status" className="loading">
          {t('dashboard.loading')}
        </p>
      ) : bookings.rows.length === 0 ? (
        <p>{t('bookings.empty')}</p>
      ) : (
        <ul className="booking-list">
          {bookings.rows.map((booking) => (
            <li key={booking.id}>
              <span className="when">{formatDateTimeRange(locale, booking.startsAt, booking.endsAt)}</span>
              <span className="who">
                <bdi>{booking.client.name}</bdi>
                {booking.client.email && (
                  <>
                    {' '}
                    <bdi dir="ltr" className="address">
                      {booking.client.email}
                    </bdi>
                  </>
                )}
              </span>
              <span className={`status status-${booking.status}`}>
                {isStatus(booking.status) ? t(`bookings.status.${booking.status}`) : booking.status}
              </span>
              {booking.status === 'held' && booking.holdExpiresAt && (
                <span className="muted">{t('bookings.holdUntil', { date: formatDateTime(locale, booking.holdExpiresAt) })}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {bookings?.next && (
        <button type="button" className="secondary" onClick={() => void load(bookings.next ?? undefined)} disabled={busy}>
          {t('common.more')}
        </button>
      )}
    </div>
  );
}
