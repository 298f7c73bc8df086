-- KWq8 bookings, payments and the service's tables (domains, webhook events, outbox, error log),
-- with the service-only functions the Worker calls with the service_role key.
--
-- Service-only RPC surface (execute granted to service_role only; invoker rights, service_role
-- bypasses RLS; credit writes go through the private helpers):
--   create_booking_hold(p_project_id uuid, p_starts_at timestamptz, p_ends_at timestamptz,
--       p_client_name text, p_client_email text default null, p_client_phone text default null,
--       p_hold_seconds integer default 900) returns jsonb            -- BOOK_001 when taken
--   confirm_booking(p_booking_id uuid) returns jsonb               -- BOOK_002 when the hold lapsed
--   release_booking_hold(p_booking_id uuid) returns jsonb
--   expire_booking_holds(p_project_id uuid default null) returns integer
--   create_payment(p_purpose text, p_provider text, p_provider_ref text, p_amount_fils bigint,
--       p_currency text, p_user_id uuid default null, p_tier text default null,
--       p_credits numeric default null, p_booking_id uuid default null,
--       p_domain_id uuid default null) returns jsonb                -- REQ_006 when the ref is used
--   apply_payment(p_provider text, p_provider_ref text, p_status text, p_amount_fils bigint,
--       p_currency text) returns jsonb                              -- idempotent on the reference
--   record_webhook_event(p_provider text, p_event_id text, p_payload_sha256 text) returns boolean
--   claim_outbox(p_limit integer default 10, p_lease_seconds integer default 60) returns setof outbox
--   mark_outbox(p_id bigint, p_delivered boolean, p_error text default null) returns void
-- The owner-facing project_bookings() is callable by authenticated.

/**
  * -------------------------------------------------------
  * Section - Bookings
  * -------------------------------------------------------
 */

-- Why: paid sessions sold by sites built on the platform; holds keep a slot while the visitor pays.
create table public.bookings (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  slot tstzrange not null check (not isempty(slot) and not lower_inf(slot) and not upper_inf(slot)),
  status text not null default 'held' check (status in ('held', 'confirmed', 'cancelled', 'expired')),
  hold_expires_at timestamptz check (status <> 'held' or hold_expires_at is not null),
  -- Personal data of the site's visitor, readable by the project owner only.
  client_name text not null check (char_length(btrim(client_name)) between 1 and 200),
  client_email text check (char_length(client_email) <= 320 and client_email ~ '^[^@\s]+@[^@\s]+$'),
  client_phone text check (client_phone ~ '^\+?[0-9][0-9 ()-]{5,24}$'),
  confirmed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Held and confirmed bookings of a project never overlap; concurrent holds on a slot get one winner.
  constraint bookings_no_overlap exclude using gist (project_id with =, slot with &&)
    where (status in ('held', 'confirmed'))
);
comment on table public.bookings is
  'Sessions booked on a project''s site: a half-open time slot held while the visitor pays, then confirmed, cancelled (released) or expired. Holds client personal data (name, email, phone) for the project owner.';

create index bookings_project_id_idx on public.bookings (project_id, lower(slot) desc, id desc);

create trigger bookings_set_updated_at before update on public.bookings
  for each row execute function private.set_updated_at();

alter table public.bookings enable row level security;
revoke all on public.bookings from anon, authenticated;
grant select on public.bookings to authenticated;

create policy "project owners can read their projects' bookings" on public.bookings
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));

-- Why: the one JSON shape of a booking in API answers.
create function private.booking_json(p_booking public.bookings)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_booking.id, 'project_id', p_booking.project_id,
    'starts_at', lower(p_booking.slot), 'ends_at', upper(p_booking.slot),
    'status', p_booking.status, 'hold_expires_at', p_booking.hold_expires_at,
    'client_name', p_booking.client_name, 'client_email', p_booking.client_email,
    'client_phone', p_booking.client_phone, 'created_at', p_booking.created_at)
$$;
grant execute on function private.booking_json(public.bookings) to service_role;

-- Why: the owner's view of a project's bookings, newest slot first, keyset by (starts_at, id).
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
    created_at timestamptz
  )
  language plpgsql
  stable
  set search_path = ''
as $$
begin
  if not exists (select 1 from public.projects p where p.id = p_project_id and p.owner_id = private.require_user(false)) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return query
    select b.id, lower(b.slot), upper(b.slot), b.status, b.hold_expires_at,
      b.client_name, b.client_email, b.client_phone, b.created_at
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

/**
  * -------------------------------------------------------
  * Section - Domains, webhook events, outbox, error log
  * -------------------------------------------------------
 */

-- Why: custom domains bought for projects through Namecheap; the Worker drives registration.
create table public.domains (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  name text not null unique check (char_length(name) <= 253 and name ~ '^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$'),
  status text not null default 'pending_payment' check (status in ('pending_payment', 'paid', 'active', 'failed', 'expired')),
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.domains is
  'Custom domains of projects: pending payment, paid (registration due), active, failed or expired. Written by the service; owners read their projects'' domains.';

create index domains_project_id_idx on public.domains (project_id);

create trigger domains_set_updated_at before update on public.domains
  for each row execute function private.set_updated_at();

-- Why: makes each provider event apply once, whatever the provider's retries.
create table public.webhook_events (
  id bigint generated always as identity primary key,
  provider text not null check (provider in ('upayments', 'stripe')),
  event_id text not null check (char_length(event_id) between 1 and 200),
  payload_sha256 text not null check (payload_sha256 ~ '^[0-9a-f]{64}$'),
  received_at timestamptz not null default now(),
  unique (provider, event_id)
);
comment on table public.webhook_events is
  'Payment-provider events already received (provider + event id unique) with a hash of the raw payload, so a redelivered event is applied once. Service only.';

-- Why: outbound events (Make: emails, reminders) written in the transaction of their cause, so
-- nothing is lost when Make is down; the Worker claims, delivers and marks them.
create table public.outbox (
  id bigint generated always as identity primary key,
  topic text not null check (topic ~ '^[a-z_]+\.[a-z_]+$'),
  payload jsonb not null,
  created_at timestamptz not null default now(),
  available_at timestamptz not null default now(),
  attempts integer not null default 0,
  locked_until timestamptz,
  delivered_at timestamptz,
  last_error text
);
comment on table public.outbox is
  'Outbound events for Make, written in the same transaction as the change that causes them; delivered by the Worker with retries. Service only (payloads may hold client contact details).';

create index outbox_pending_idx on public.outbox (available_at, id) where delivered_at is null;

-- Why: errors the Worker answered with SRV_* codes, for diagnosis without a log service.
create table public.error_log (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  request_id text,
  code text not null,
  route text,
  detail text check (char_length(detail) <= 2000)
);
comment on table public.error_log is
  'Server-side errors recorded by the Worker (request id, catalogue code, route, short detail without personal data). Service only.';

create index error_log_created_at_idx on public.error_log (created_at desc);

alter table public.domains enable row level security;
alter table public.webhook_events enable row level security;
alter table public.outbox enable row level security;
alter table public.error_log enable row level security;

revoke all on public.domains, public.webhook_events, public.outbox, public.error_log from anon, authenticated;
grant select on public.domains to authenticated;

create policy "project owners can read their projects' domains" on public.domains
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));

/**
  * -------------------------------------------------------
  * Section - Payments
  * -------------------------------------------------------
 */

-- Why: every payment attempt with a provider, created at checkout and settled once verified.
create table public.payments (
  id uuid primary key default gen_random_uuid(),
  -- The account the payment benefits (for bookings: the project owner). The row outlives a
  -- deleted account for accounting, without the link.
  user_id uuid references public.profiles (id) on delete set null,
  purpose text not null check (purpose in ('subscription', 'topup', 'booking', 'domain')),
  provider text not null check (provider in ('upayments', 'stripe')),
  provider_ref text not null check (char_length(provider_ref) between 1 and 200),
  amount_fils bigint not null check (amount_fils > 0),
  currency text not null check (currency = 'KWD'),
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'cancelled', 'refund_required')),
  tier text references public.tiers (id) check ((purpose = 'subscription') = (tier is not null)),
  credits numeric(12, 1) check (credits > 0 and (purpose = 'topup') = (credits is not null)),
  booking_id uuid references public.bookings (id) on delete set null,
  domain_id uuid references public.domains (id) on delete set null,
  applied_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (provider, provider_ref)
);
comment on table public.payments is
  'Payments with UPayments or Stripe: purpose (subscription, top-up, booking, domain), provider reference (unique), amount in integer fils and currency, status. Written by the service only; users read their own.';

create index payments_user_id_idx on public.payments (user_id, created_at desc);
create index payments_booking_id_idx on public.payments (booking_id);
create index payments_domain_id_idx on public.payments (domain_id);

create trigger payments_set_updated_at before update on public.payments
  for each row execute function private.set_updated_at();

alter table public.credit_ledger
  add constraint credit_ledger_payment_id_fkey foreign key (payment_id) references public.payments (id);
create index credit_ledger_payment_id_idx on public.credit_ledger (payment_id);

alter table public.payments enable row level security;
revoke all on public.payments from anon, authenticated;
grant select on public.payments to authenticated;

create policy "users can read their own payments" on public.payments
  for select to authenticated using (user_id = (select auth.uid()));

/**
  * -------------------------------------------------------
  * Section - Service functions: bookings
  * -------------------------------------------------------
 */

-- Why: holds expire by time; marking them frees their slots for the exclusion constraint.
create function public.expire_booking_holds(p_project_id uuid default null)
  returns integer
  language sql
  set search_path = ''
as $$
  with expired as (
    update public.bookings set status = 'expired'
    where status = 'held' and hold_expires_at <= private.clock()
      and (p_project_id is null or project_id = p_project_id)
    returning 1
  )
  select count(*)::integer from expired
$$;

-- Why: serialises, per project, the changes that can make bookings overlap (new holds and
-- confirmations). Without it, concurrent conflicting inserts wait on each other under the
-- exclusion constraint and Postgres breaks the cycle with deadlock errors after deadlock_timeout
-- (seen with 100 holds on one slot); with it, each sees the committed winner and gets BOOK_001.
create function private.lock_project_bookings(p_project_id uuid)
  returns void
  language sql
  set search_path = ''
as $$
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_project_id::text, 0))
$$;
grant execute on function private.lock_project_bookings(uuid) to service_role;

-- Why: holds a slot while the visitor pays. Stale holds of the project expire first; the
-- exclusion constraint then picks one winner among concurrent holds (the others get BOOK_001).
create function public.create_booking_hold(
  p_project_id uuid,
  p_starts_at timestamptz,
  p_ends_at timestamptz,
  p_client_name text,
  p_client_email text default null,
  p_client_phone text default null,
  p_hold_seconds integer default 900
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  if not (p_ends_at > p_starts_at and p_hold_seconds between 60 and 3600) then
    perform private.fail('REQ_004', 'invalid slot or hold duration');
  end if;
  if not exists (select 1 from public.projects where id = p_project_id) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  perform private.lock_project_bookings(p_project_id);
  perform public.expire_booking_holds(p_project_id);

  insert into public.bookings (project_id, slot, hold_expires_at, client_name, client_email, client_phone)
  values (p_project_id, tstzrange(p_starts_at, p_ends_at), private.clock() + make_interval(secs => p_hold_seconds),
    btrim(p_client_name), p_client_email, p_client_phone)
  returning * into v_booking;
  return private.booking_json(v_booking);
exception
  when exclusion_violation then
    perform private.fail('BOOK_001', 'slot overlaps a held or confirmed booking');
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid booking fields');
end;
$$;

-- Why: the one way a booking becomes confirmed: the status change and its Make event (outbox)
-- in the same transaction. Raises exclusion_violation when the slot is no longer free.
create function private.confirm_booking_row(p_booking_id uuid)
  returns public.bookings
  language plpgsql
  set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  perform private.lock_project_bookings(b.project_id) from public.bookings b where b.id = p_booking_id;
  update public.bookings set status = 'confirmed', confirmed_at = private.clock()
  where id = p_booking_id
  returning * into strict v_booking;
  insert into public.outbox (topic, payload)
  values ('booking.confirmed', private.booking_json(v_booking));
  return v_booking;
end;
$$;
grant execute on function private.confirm_booking_row(uuid) to service_role;

-- Why: confirms a live hold without a payment (e.g. a free session); a confirmed booking is
-- returned as is; a lapsed, released or expired hold is BOOK_002.
create function public.confirm_booking(p_booking_id uuid)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  select * into v_booking from public.bookings where id = p_booking_id for update;
  if not found then
    perform private.fail('NOT_FOUND_002', 'booking not found');
  end if;
  if v_booking.status = 'held' and v_booking.hold_expires_at > private.clock() then
    v_booking := private.confirm_booking_row(p_booking_id);
  elsif v_booking.status <> 'confirmed' then
    perform private.fail('BOOK_002', 'hold expired or released');
  end if;
  return private.booking_json(v_booking);
end;
$$;

-- Why: frees a held slot when the visitor abandons or the payment fails; other statuses stay.
create function public.release_booking_hold(p_booking_id uuid)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  update public.bookings set status = case when status = 'held' then 'cancelled' else status end
  where id = p_booking_id
  returning * into v_booking;
  if not found then
    perform private.fail('NOT_FOUND_002', 'booking not found');
  end if;
  return private.booking_json(v_booking);
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Service functions: payments
  * -------------------------------------------------------
 */

-- Why: records a checkout before the visitor is sent to the provider, with what it pays for;
-- amounts are checked against the price list where one exists. A reused reference is REQ_006.
create function public.create_payment(
  p_purpose text,
  p_provider text,
  p_provider_ref text,
  p_amount_fils bigint,
  p_currency text,
  p_user_id uuid default null,
  p_tier text default null,
  p_credits numeric default null,
  p_booking_id uuid default null,
  p_domain_id uuid default null
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_user_id uuid := p_user_id;
  v_payment public.payments;
begin
  if p_purpose = 'booking' then
    select p.owner_id into v_user_id from public.bookings b join public.projects p on p.id = b.project_id where b.id = p_booking_id;
  elsif p_purpose = 'domain' then
    select p.owner_id into v_user_id from public.domains d join public.projects p on p.id = d.project_id where d.id = p_domain_id;
  elsif p_purpose = 'subscription'
    and p_amount_fils is distinct from (select t.price_fils from public.tiers t where t.id = p_tier) then
    perform private.fail('REQ_004', 'amount differs from the plan price');
  end if;
  if v_user_id is null then
    perform private.fail('NOT_FOUND_002', 'user, booking or domain not found');
  end if;

  insert into public.payments (user_id, purpose, provider, provider_ref, amount_fils, currency, tier, credits, booking_id, domain_id)
  values (v_user_id, p_purpose, p_provider, p_provider_ref, p_amount_fils, p_currency, p_tier, p_credits, p_booking_id, p_domain_id)
  returning * into v_payment;
  return to_jsonb(v_payment);
exception
  when unique_violation then
    perform private.fail('REQ_006', 'provider reference already recorded');
  when check_violation or not_null_violation or foreign_key_violation then
    perform private.fail('REQ_004', 'invalid payment fields');
end;
$$;

-- Why: applies a provider-verified outcome once per provider reference (a repeat returns the
-- stored result with replayed = true). Success: subscription -> plan + monthly allowance,
-- topup -> purchased credits, booking -> confirmation (a late payment whose slot was taken is
-- flagged refund_required), domain -> paid. Failure or cancellation releases a held booking.
-- Amount and currency must match the checkout (PAY_001).
create function public.apply_payment(
  p_provider text,
  p_provider_ref text,
  p_status text,
  p_amount_fils bigint,
  p_currency text
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_payment public.payments;
  v_status text := p_status;
  v_tier public.tiers;
  v_period_start timestamptz;
  v_period_end timestamptz;
begin
  if p_status not in ('succeeded', 'failed', 'cancelled') then
    perform private.fail('REQ_004', 'status must be succeeded, failed or cancelled');
  end if;
  select * into v_payment from public.payments
  where provider = p_provider and provider_ref = p_provider_ref
  for update;
  if not found then
    perform private.fail('NOT_FOUND_002', 'payment not found');
  end if;
  if v_payment.status <> 'pending' then
    return to_jsonb(v_payment) || jsonb_build_object('replayed', true);
  end if;
  if p_status = 'succeeded' and (p_amount_fils is distinct from v_payment.amount_fils or p_currency is distinct from v_payment.currency) then
    perform private.fail('PAY_001', 'amount or currency differs from the checkout');
  end if;

  if p_status <> 'succeeded' then
    if v_payment.purpose = 'booking' then
      update public.bookings set status = 'cancelled' where id = v_payment.booking_id and status = 'held';
    end if;
  elsif v_payment.purpose = 'subscription' then
    -- A renewal of the active plan extends its period; a new or different plan starts now. What
    -- is left of the monthly allowance lapses at the new period end with the fresh grant.
    perform private.lock_balance(v_payment.user_id);
    select t.* into strict v_tier from public.tiers t where t.id = v_payment.tier;
    select case when p.tier = v_tier.id and p.period_end > private.clock() then p.period_end else private.clock() end
      into strict v_period_start
    from public.profiles p where p.id = v_payment.user_id for update;
    v_period_end := v_period_start + interval '1 month';
    update public.profiles set tier = v_tier.id, period_end = v_period_end where id = v_payment.user_id;
    perform private.post_credits(v_payment.user_id, 'monthly_grant', 0, v_tier.monthly_credits, 0,
      p_payment_id => v_payment.id, p_monthly_expires_at => v_period_end);
  elsif v_payment.purpose = 'topup' then
    perform private.lock_balance(v_payment.user_id);
    perform private.post_credits(v_payment.user_id, 'topup', 0, 0, v_payment.credits, p_payment_id => v_payment.id);
  elsif v_payment.purpose = 'booking' then
    perform 1 from public.bookings where id = v_payment.booking_id and status = 'confirmed';
    if not found then
      begin
        perform private.confirm_booking_row(v_payment.booking_id);
      exception
        when exclusion_violation or no_data_found then
          v_status := 'refund_required';
      end;
    end if;
  elsif v_payment.purpose = 'domain' then
    update public.domains set status = 'paid' where id = v_payment.domain_id and status = 'pending_payment';
  end if;

  update public.payments set status = v_status, applied_at = private.clock()
  where id = v_payment.id
  returning * into v_payment;
  return to_jsonb(v_payment) || jsonb_build_object('replayed', false);
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Service functions: webhooks and outbox
  * -------------------------------------------------------
 */

-- Why: true the first time a provider event is seen, false on a redelivery; the same event id
-- with a different payload is REQ_006 (a replay with altered content).
create function public.record_webhook_event(p_provider text, p_event_id text, p_payload_sha256 text)
  returns boolean
  language plpgsql
  set search_path = ''
as $$
declare
  v_hash text;
begin
  insert into public.webhook_events (provider, event_id, payload_sha256)
  values (p_provider, p_event_id, p_payload_sha256)
  on conflict (provider, event_id) do nothing;
  if found then
    return true;
  end if;
  select payload_sha256 into v_hash from public.webhook_events where provider = p_provider and event_id = p_event_id;
  if v_hash <> p_payload_sha256 then
    perform private.fail('REQ_006', 'event id seen with a different payload');
  end if;
  return false;
exception
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid webhook event fields');
end;
$$;

-- Why: hands the Worker a batch of due outbox rows under a lease; concurrent claimers skip each
-- other's rows, and a lease that runs out makes the row claimable again.
create function public.claim_outbox(p_limit integer default 10, p_lease_seconds integer default 60)
  returns setof public.outbox
  language sql
  set search_path = ''
as $$
  with due as (
    select o.id from public.outbox o
    where o.delivered_at is null and o.available_at <= private.clock()
      and (o.locked_until is null or o.locked_until <= private.clock())
    order by o.available_at, o.id
    limit greatest(1, least(coalesce(p_limit, 10), 100))
    for update skip locked
  )
  update public.outbox o
  set attempts = o.attempts + 1,
      locked_until = private.clock() + make_interval(secs => greatest(1, coalesce(p_lease_seconds, 60)))
  from due
  where o.id = due.id
  returning o.*
$$;

-- Why: records a delivery, or a failure with exponential backoff (1 min doubling, at most 6 h).
create function public.mark_outbox(p_id bigint, p_delivered boolean, p_error text default null)
  returns void
  language plpgsql
  set search_path = ''
as $$
begin
  update public.outbox
  set delivered_at = case when p_delivered then private.clock() end,
      last_error = case when p_delivered then null else left(p_error, 500) end,
      available_at = case when p_delivered then available_at
        else private.clock() + least(interval '6 hours', interval '1 minute' * power(2, least(attempts, 20))) end,
      locked_until = null
  where id = p_id and delivered_at is null;
  if not found then
    perform private.fail('NOT_FOUND_002', 'outbox row not found or already delivered');
  end if;
end;
$$;

revoke execute on function
  public.expire_booking_holds(uuid),
  public.create_booking_hold(uuid, timestamptz, timestamptz, text, text, text, integer),
  public.confirm_booking(uuid),
  public.release_booking_hold(uuid),
  public.create_payment(text, text, text, bigint, text, uuid, text, numeric, uuid, uuid),
  public.apply_payment(text, text, text, bigint, text),
  public.record_webhook_event(text, text, text),
  public.claim_outbox(integer, integer),
  public.mark_outbox(bigint, boolean, text)
from public, anon, authenticated;
grant execute on function
  public.expire_booking_holds(uuid),
  public.create_booking_hold(uuid, timestamptz, timestamptz, text, text, text, integer),
  public.confirm_booking(uuid),
  public.release_booking_hold(uuid),
  public.create_payment(text, text, text, bigint, text, uuid, text, numeric, uuid, uuid),
  public.apply_payment(text, text, text, bigint, text),
  public.record_webhook_event(text, text, text),
  public.claim_outbox(integer, integer),
  public.mark_outbox(bigint, boolean, text)
to service_role;

revoke execute on all functions in schema private from public;
