/**
 * Typed calls to the booking functions in SQL (supabase/migrations/*_bookings_payments.sql) and
 * the owner's view of a booking, the only one that carries the client's contact details.
 */
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';

export interface DbBooking {
  id: string;
  starts_at: string;
  ends_at: string;
  status: string;
  hold_expires_at: string | null;
  client_name: string;
  client_email: string | null;
  client_phone: string | null;
  created_at: string;
}

export const toOwnerBooking = (row: DbBooking) => ({
  id: row.id,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  status: row.status,
  holdExpiresAt: row.hold_expires_at,
  client: { name: row.client_name, email: row.client_email, phone: row.client_phone },
  createdAt: row.created_at,
});

export async function projectBookingsPage(
  env: Bindings,
  user: AuthUser,
  input: { projectId: string; limit: number; before: { startsAt: string; id: string } | null },
) {
  return rpc<DbBooking[]>(
    env,
    'project_bookings',
    {
      p_project_id: input.projectId,
      p_limit: input.limit,
      p_before_starts_at: input.before?.startsAt ?? null,
      p_before_id: input.before?.id ?? null,
    },
    user,
  );
}

/** Marks held bookings whose hold ran out as expired, freeing their slots; returns how many. */
export async function expireBookingHolds(env: Bindings): Promise<{ expired: number }> {
  return { expired: await rpc<number>(env, 'expire_booking_holds', {}, 'service') };
}
