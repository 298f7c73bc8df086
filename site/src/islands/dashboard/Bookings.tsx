/**
 * One project's bookings, newest first, a page at a time: when, who, and the status (a hold says
 * until when), and what became of the client's payment (paid, refund needed, refunded). A held
 * or confirmed booking can be cancelled after a confirmation; cancelling a confirmed one flags
 * what the client paid for a refund (cancel_booking in SQL), which the row then says.
 */
import { useCallback, useEffect, useState } from 'react';
import { isolate } from '../../i18n';
import { formatDateTime, formatDateTimeRange } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { ConfirmDialog } from './ConfirmDialog';
import { PAGE_SIZE, useApi, type Booking, type Paged, type Project } from './data';

const STATUSES = ['held', 'confirmed', 'cancelled', 'expired'] as const;
const isStatus = (status: string): status is (typeof STATUSES)[number] => STATUSES.some((known) => known === status);
const cancellable = (booking: Booking) => booking.status === 'held' || booking.status === 'confirmed';

export function Bookings({ project, id }: { project: Project; id: string }) {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [bookings, setBookings] = useState<Paged<Booking>>();
  const [busy, setBusy] = useState(false);
  const [cancelling, setCancelling] = useState<Booking>();

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

  const cancel = (booking: Booking) =>
    calm(
      async () => {
        const param = { id: project.id, bookingId: booking.id };
        const { booking: cancelled } = await (await api.api.projects[':id'].bookings[':bookingId'].cancel.$post({ param })).json();
        setBookings((current) => current && { ...current, rows: current.rows.map((row) => (row.id === cancelled.id ? cancelled : row)) });
        return cancelled;
      },
      (cancelled) =>
        cancelled.status === 'cancelled' ? t('bookings.cancelledToast', { name: isolate(cancelled.client.name) }) : undefined,
    );

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
            <li key={booking.id} data-status={booking.status}>
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
              {booking.paymentStatus === 'succeeded' && <span className="muted">{t('bookings.paid')}</span>}
              {booking.paymentStatus === 'refunded' && <span className="muted">{t('bookings.refunded')}</span>}
              {booking.paymentStatus === 'refund_required' && <span className="notice">{t('bookings.refundNeeded')}</span>}
              {cancellable(booking) && (
                <div className="actions">
                  <button type="button" className="secondary danger-text" onClick={() => setCancelling(booking)}>
                    {t('bookings.cancel')}
                  </button>
                </div>
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
      {cancelling && (
        <ConfirmDialog
          title={t('bookings.cancelTitle', { name: isolate(cancelling.client.name) })}
          body={t(cancelling.status === 'confirmed' ? 'bookings.cancelConfirmed' : 'bookings.cancelHeld')}
          confirm={t('bookings.cancel')}
          dismiss={t('bookings.keep')}
          onConfirm={() => void cancel(cancelling)}
          onClose={() => setCancelling(undefined)}
        />
      )}
    </div>
  );
}
