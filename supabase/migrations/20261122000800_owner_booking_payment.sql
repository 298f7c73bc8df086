-- The owner's view of a booking says what became of the client's money: project_bookings gains
-- payment_status (the booking's latest payment: pending, succeeded, refund_required, refunded, …;
-- null when there is none), and so does the answer of cancel_booking. A confirmed booking the
-- owner cancels shows "refund needed" from the database, after a reload too.

-- Why: payments are readable only by their payer (a visitor has no account), so the owner's
-- status comes from a definer function that checks the caller owns the booking's project.
create function private.booking_payment_status(p_booking_id uuid)
  returns text
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select pay.status
  from public.payments pay
  join public.bookings b on b.id = pay.booking_id
  join public.projects p on p.id = b.project_id
  where pay.booking_id = p_booking_id and p.owner_id = (select auth.uid())
  order by pay.created_at desc, pay.id desc
  limit 1
$$;
revoke execute on function private.booking_payment_status(uuid) from public;
grant execute on function private.booking_payment_status(uuid) to authenticated;

-- Why: a registered owner's view of a project's bookings, newest slot first, keyset by
-- (starts_at, id), with each booking's payment status; the caller is checked before the project
-- is looked up. Dropped and created again because its result gains a column.
drop function public.project_bookings(uuid, integer, timestamptz, uuid);
create function public.project_bookings(
  p_project_id uuid,
  p_limit integer default 20,
  p_before_starts_at timestamptz default null,
  p_before_id uuid default null
)
  returns table (
    id uuid,
    starts_at timestamptz,
    ends_at timestamptz,
    status text,
    hold_expires_at timestamptz,
    client_name text,
    client_email text,
    client_phone text,
    created_at timestamptz,
    payment_status text
  )
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
begin
  if not exists (select 1 from public.projects p where p.id = p_project_id and p.owner_id = v_user_id) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return query
    select b.id, lower(b.slot), upper(b.slot), b.status, b.hold_expires_at,
      b.client_name, b.client_email, b.client_phone, b.created_at, private.booking_payment_status(b.id)
    from public.bookings b
    where b.project_id = p_project_id
      and (p_before_starts_at is null
        or lower(b.slot) < p_before_starts_at
        or (lower(b.slot) = p_before_starts_at and b.id < p_before_id))
    order by lower(b.slot) desc, b.id desc
    limit greatest(1, least(coalesce(p_limit, 20), 100));
end;
$$;
revoke execute on function public.project_bookings(uuid, integer, timestamptz, uuid) from public, anon, service_role;
grant execute on function public.project_bookings(uuid, integer, timestamptz, uuid) to authenticated;

-- Why: the API entry point for the owner's cancellation (see private.cancel_booking), answering
-- the booking with what became of its payment. Two statements, so the status is read after the
-- cancellation (one SQL statement would read it from the snapshot taken before).
create or replace function public.cancel_booking(p_project_id uuid, p_booking_id uuid)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_booking jsonb := private.cancel_booking(p_project_id, p_booking_id);
begin
  return v_booking || jsonb_build_object('payment_status', private.booking_payment_status(p_booking_id));
end;
$$;
