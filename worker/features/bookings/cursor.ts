/**
 * Keyset cursor for a project's bookings: the last row's start time and id, opaque to clients.
 * Decoding accepts only what encode() makes (an ISO timestamp as Postgres writes it, with a
 * four-digit year, and a UUID); anything else is REQ_004 naming `cursor`, never its value.
 */
import { uuid } from '../../../shared/schemas';
import { AppError } from '../../errors/app-error';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:\d{2})?)$/;

function invalidCursor(): AppError {
  return new AppError('REQ_004', { fields: ['cursor'] });
}

export const bookingCursor = {
  encode: (row: { starts_at: string; id: string }) => btoa(`${row.starts_at}|${row.id}`).replace(/=+$/, ''),
  decode(cursor: string): { startsAt: string; id: string } {
    let text: string;
    try {
      text = atob(cursor);
    } catch {
      throw invalidCursor();
    }
    const [startsAt, id, ...rest] = text.split('|');
    if (
      rest.length ||
      !startsAt ||
      !id ||
      !TIMESTAMP.test(startsAt) ||
      Number.isNaN(Date.parse(startsAt)) ||
      !uuid().safeParse(id).success
    ) {
      throw invalidCursor();
    }
    return { startsAt, id };
  },
};
