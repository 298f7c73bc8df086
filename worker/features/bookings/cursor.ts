/** Keyset cursor for a project's bookings: the last row's start time and id, opaque to clients. */
import { uuid } from '../../../shared/schemas';
import { AppError } from '../../errors/app-error';

export const bookingCursor = {
  encode: (row: { starts_at: string; id: string }) => btoa(`${row.starts_at}|${row.id}`).replace(/=+$/, ''),
  decode(cursor: string): { startsAt: string; id: string } {
    const [startsAt, id] = atob(cursor).split('|');
    if (!startsAt || !id || Number.isNaN(Date.parse(startsAt)) || !uuid.safeParse(id).success) {
      throw new AppError('REQ_004', { fields: ['cursor'] });
    }
    return { startsAt, id };
  },
};
