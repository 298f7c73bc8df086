-- KWq8 paid bookings: what an owner sells (services) and when (weekly opening hours and closed
-- dates in the project's time zone), the per-project booking settings (hold time, Make webhook,
-- Google calendar), availability computed here from all of that and the live bookings, the
-- visitor's hold with its pending payment in one transaction, the owner's cancellation, and an
-- outbox that keeps order per booking, backs off and parks what keeps failing.
--
-- RPC surface added or changed here (named arguments, as PostgREST passes them):
--   anon, authenticated and service_role (no personal data in the answers):
--     public_booking_page(p_slug text) returns jsonb                 -- NOT_FOUND_002
--     booking_availability(p_slug text, p_service_id uuid, p_date date) returns jsonb
--   authenticated, the project's owner only (registered users: AUTH_005 for anonymous sign-ins):
--     booking_setup(p_project_id uuid) returns jsonb
--     save_service(p_project_id uuid, p_name_ar text, p_name_en text, p_duration_minutes integer,
--         p_price_fils bigint, p_buffer_minutes integer default 0, p_active boolean default true,
--         p_service_id uuid default null) returns jsonb                -- BOOK_004 past 50 services
--     set_opening_hours(p_project_id uuid, p_hours jsonb) returns jsonb
--     set_closed_dates(p_project_id uuid, p_days date[]) returns jsonb
--     set_booking_settings(p_project_id uuid, p_time_zone text, p_hold_minutes integer,
--         p_make_webhook_url text default null, p_google_calendar_id text default null,
--         p_rotate_make_secret boolean default false) returns jsonb
--     cancel_booking(p_project_id uuid, p_booking_id uuid) returns jsonb
--   service_role (the Worker, after its rate limit, honeypot and signed form token):
--     create_public_booking_hold(p_slug text, p_service_id uuid, p_starts_at timestamptz,
--         p_client_name text, p_client_email text default null, p_client_phone text default null,
--         p_provider text default 'upayments', p_method text default 'knet',
--         p_request_key text default null) returns jsonb           -- BOOK_001 when not free
--     public_booking(p_booking_id uuid) returns jsonb              -- no contact details
--     set_booking_calendar_event(p_booking_id uuid, p_calendar_id text, p_event_id text) returns jsonb
--     claim_outbox(p_limit integer default 10, p_lease_seconds integer default 60) returns table
--         (now the oldest undelivered event of each aggregate only, with its delivery targets)
--     mark_outbox(p_id bigint, p_delivered boolean, p_error text default null,
--         p_permanent boolean default false) returns jsonb   (now dead-letters after 10 attempts)
--
-- The visitor's hold is service-only on purpose: it writes personal data, and the anon key is
-- public, so the Worker (rate limit per IP, honeypot, signed form token) is its only door.
--
-- Outbox topics: booking.held, booking.confirmed, booking.released (a hold freed: failure,
-- expiry, release, owner), booking.cancelled (a confirmed booking cancelled by its owner) are
-- written by a trigger on bookings, in the transaction of the change; payment.* and refund.needed
-- by the billing functions (20261122000200_billing.sql) and by cancel_booking. calendar.create and
-- calendar.delete are internal rows for the Google Calendar step. Events of one booking share an
-- aggregate and are delivered in order; calendar rows have their own aggregate, so a Calendar
-- outage never holds back Make.

/**
  * -------------------------------------------------------
  * Section - Project booking settings
  * -------------------------------------------------------
 */

-- Why: a project's time zone must be an IANA name (Area/City, or UTC) that Postgres knows, so the
-- availability arithmetic and the browser's Intl agree on it.
create function private.is_time_zone(p_zone text)
  returns boolean
  language plpgsql
  stable
  set search_path = ''
as $$
begin
  if p_zone is null or p_zone !~ '^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$' or char_length(p_zone) > 64 then
    return false;
  end if;
  perform pg_catalog.now() at time zone p_zone;
  return true;
exception
  when invalid_parameter_value then
    return false;
end;
$$;
grant execute on function private.is_time_zone(text) to service_role;

alter table public.projects
  add column time_zone text not null default 'Asia/Kuwait' check (private.is_time_zone(time_zone)),
  add column booking_hold_minutes integer not null default 15 check (booking_hold_minutes between 5 and 60),
  add column make_webhook_url text check (char_length(make_webhook_url) <= 2000 and make_webhook_url ~ '^https?://[^\s]+$'),
  add column make_webhook_secret text check (make_webhook_secret ~ '^whsec_[A-Za-z0-9+/]{40,90}={0,2}$'),
  add column google_calendar_id text check (char_length(google_calendar_id) between 1 and 1024 and google_calendar_id !~ '[\s/]'),
  add constraint projects_make_webhook_pair check ((make_webhook_url is null) = (make_webhook_secret is null));

comment on column public.projects.time_zone is 'IANA zone of the opening hours and closed dates (default Asia/Kuwait). Written by the owner through set_booking_settings.';
comment on column public.projects.booking_hold_minutes is 'How long a visitor''s slot is held while they pay (5 to 60). Written by the owner through set_booking_settings.';
comment on column public.projects.make_webhook_url is 'The owner''s own Make webhook for this project''s events; null sends them to the platform''s MAKE_WEBHOOK_URL. Written by the owner.';
comment on column public.projects.make_webhook_secret is 'whsec_ secret signing this project''s Make events, generated by the database, shown only to the owner. Written by set_booking_settings.';
comment on column public.projects.google_calendar_id is 'Calendar (shared with the platform''s service account) for this project''s sessions; null uses GOOGLE_CALENDAR_ID. Written by the owner.';

/**
  * -------------------------------------------------------
  * Section - Services, opening hours, closed dates
  * -------------------------------------------------------
 */

-- Why: what a project sells: a session of a fixed length at a price, with a pause after it.
create table public.services (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  name_ar text not null check (private.is_project_name(name_ar)),
  name_en text not null check (private.is_project_name(name_en)),
  duration_minutes integer not null check (duration_minutes between 5 and 480 and duration_minutes % 5 = 0),
  -- Stripe takes KWD only in multiples of 10 fils; 10 000 KWD is far above any session.
  price_fils bigint not null check (price_fils between 10 and 10000000 and price_fils % 10 = 0),
  currency text not null default 'KWD' check (currency = 'KWD'),
  -- Time after each session in which no other session of the project may start.
  buffer_minutes integer not null default 0 check (buffer_minutes between 0 and 240 and buffer_minutes % 5 = 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.services is
  'Sessions a project sells: Arabic and English name, duration, price in fils, buffer after each session, active flag. Written by the owner through save_service; visitors read active ones through public_booking_page.';

create index services_project_id_idx on public.services (project_id, created_at);

create trigger services_set_updated_at before update on public.services
  for each row execute function private.set_updated_at();

-- Why: when a project takes bookings, per weekday in its own time zone (a day may have several
-- ranges, e.g. a split shift); closes_at may be 24:00 for a range that runs to midnight.
create table public.opening_hours (
  project_id uuid not null references public.projects (id) on delete cascade,
  -- 0 = Sunday … 6 = Saturday, as extract(dow) counts.
  weekday smallint not null check (weekday between 0 and 6),
  opens_at time not null,
  closes_at time not null check (closes_at > opens_at),
  primary key (project_id, weekday, opens_at)
);
comment on table public.opening_hours is
  'Weekly opening hours of a project in its time zone: weekday (0 Sunday) and a local time range. Written by the owner through set_opening_hours (whole week at once); visitors read them through public_booking_page.';

-- Why: days a project does not take bookings (holidays, leave), as local dates in its time zone.
create table public.closed_dates (
  project_id uuid not null references public.projects (id) on delete cascade,
  day date not null check (isfinite(day)),
  primary key (project_id, day)
);
comment on table public.closed_dates is
  'Local dates on which a project takes no bookings. Written by the owner through set_closed_dates; visitors read upcoming ones through public_booking_page.';

alter table public.services enable row level security;
alter table public.opening_hours enable row level security;
alter table public.closed_dates enable row level security;
revoke all on public.services, public.opening_hours, public.closed_dates from anon, authenticated;
grant select on public.services, public.opening_hours, public.closed_dates to authenticated;

create policy "project owners can read their projects' services" on public.services
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));
create policy "project owners can read their projects' opening hours" on public.opening_hours
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));
create policy "project owners can read their projects' closed dates" on public.closed_dates
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));

/**
  * -------------------------------------------------------
  * Section - Bookings: services, buffers, owner cancellation, calendar
  * -------------------------------------------------------
 */

alter table public.bookings
  add column service_id uuid references public.services (id) on delete set null,
  add column buffer_minutes integer not null default 0 check (buffer_minutes between 0 and 240),
  add column blocked tstzrange,
  add column cancelled_by_owner_at timestamptz,
  add column calendar_id text check (char_length(calendar_id) <= 1024),
  add column calendar_event_id text check (char_length(calendar_event_id) <= 1024);

comment on column public.bookings.service_id is 'The service booked (null for bookings made without one). Written when the hold is created.';
comment on column public.bookings.buffer_minutes is 'The service''s buffer at booking time: nothing else may start before it ends. Written when the hold is created.';
comment on column public.bookings.blocked is 'The slot plus its buffer: what the exclusion constraint keeps apart. Written by a trigger only.';
comment on column public.bookings.cancelled_by_owner_at is 'Set when the owner cancelled; such a booking is never confirmed again (a late payment is flagged for refund). Written by cancel_booking.';
comment on column public.bookings.calendar_id is 'Calendar holding this booking''s event. Written by the Worker (set_booking_calendar_event).';
comment on column public.bookings.calendar_event_id is 'Google Calendar event of this confirmed booking. Written by the Worker (set_booking_calendar_event).';

create index bookings_service_id_idx on public.bookings (service_id);

-- Why: the range the exclusion constraint compares is the slot with its buffer, derived here so
-- no writer can get it wrong.
create function private.set_booking_blocked()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.blocked := tstzrange(lower(new.slot), upper(new.slot) + make_interval(mins => new.buffer_minutes));
  return new;
end;
$$;

create trigger bookings_set_blocked before insert or update of slot, buffer_minutes on public.bookings
  for each row execute function private.set_booking_blocked();

update public.bookings set buffer_minutes = 0;
alter table public.bookings alter column blocked set not null;

-- Held and confirmed bookings of a project never overlap, buffers included: one session's
-- buffer is time another session cannot start in. Replaces the slot-only constraint.
alter table public.bookings drop constraint bookings_no_overlap;
alter table public.bookings add constraint bookings_no_overlap exclude using gist (project_id with =, blocked with &&)
  where (status in ('held', 'confirmed'));

-- Why: a booking the owner cancelled stays cancelled: a late payment must not bring it back, so
-- the confirmation fails the way a lost slot does (settle_success then flags a refund).
create function private.guard_booking_confirmation()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.status = 'confirmed' and old.status <> 'confirmed' and old.cancelled_by_owner_at is not null then
    raise exception using errcode = 'no_data_found', message = 'BOOK_001', detail = 'cancelled by its owner';
  end if;
  return new;
end;
$$;

create trigger bookings_guard_confirmation before update of status on public.bookings
  for each row execute function private.guard_booking_confirmation();

/**
  * -------------------------------------------------------
  * Section - Outbox: aggregates, targets, dead letters
  * -------------------------------------------------------
 */

alter table public.outbox
  -- Sent as webhook-id: stable across retries, unique across deployments.
  add column event_id uuid not null default gen_random_uuid(),
  add column aggregate text check (char_length(aggregate) <= 200),
  add column project_id uuid references public.projects (id) on delete set null,
  add column dead_at timestamptz;

comment on column public.outbox.available_at is 'When the next delivery attempt may start (exponential backoff after a failure). Written by mark_outbox.';
comment on column public.outbox.aggregate is 'Events of one aggregate (booking:<id>, calendar:<booking id>, payment:<id>) are delivered oldest first, one at a time. Written at insert (trigger).';
comment on column public.outbox.project_id is 'The project whose Make webhook and calendar receive the event; null for platform events. Written at insert (trigger).';
comment on column public.outbox.dead_at is 'Set when delivery was given up (a permanent refusal, or 10 failed attempts); last_error says why. Such rows no longer hold back their aggregate.';

drop index public.outbox_pending_idx;
create index outbox_pending_idx on public.outbox (available_at, id) where delivered_at is null and dead_at is null;
create index outbox_aggregate_idx on public.outbox (aggregate, id) where delivered_at is null and dead_at is null;
create index outbox_project_id_idx on public.outbox (project_id);

-- Why: every outbox row gets its aggregate and project whoever writes it (the billing functions
-- write payment events without them), so ordering and routing cannot be forgotten.
create function private.route_outbox_row()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_booking_id uuid;
begin
  if new.aggregate is null then
    v_booking_id := case
      when new.topic like 'booking.%' and new.payload ->> 'id' ~ '^[0-9a-f-]{36}$' then (new.payload ->> 'id')::uuid
      when new.payload ->> 'booking_id' ~ '^[0-9a-f-]{36}$' then (new.payload ->> 'booking_id')::uuid
    end;
    new.aggregate := case
      when v_booking_id is not null then 'booking:' || v_booking_id
      when new.payload ->> 'payment_id' is not null then 'payment:' || (new.payload ->> 'payment_id')
    end;
  end if;
  if new.project_id is null and v_booking_id is not null then
    select b.project_id into new.project_id from public.bookings b where b.id = v_booking_id;
  end if;
  return new;
end;
$$;

create trigger outbox_route before insert on public.outbox
  for each row execute function private.route_outbox_row();

-- Why: the one JSON shape of a booking in outbound events: the owner's view (contact details
-- included: Make sends the visitor's e-mails) with the service and the local time.
create function private.booking_event_json(p_booking public.bookings)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.booking_json(p_booking) || jsonb_build_object(
    'service_id', p_booking.service_id,
    'service_name_ar', s.name_ar, 'service_name_en', s.name_en,
    'project_slug', p.slug, 'project_name', p.name, 'time_zone', p.time_zone,
    'local_starts_at', to_char(lower(p_booking.slot) at time zone p.time_zone, 'YYYY-MM-DD"T"HH24:MI'),
    'local_ends_at', to_char(upper(p_booking.slot) at time zone p.time_zone, 'YYYY-MM-DD"T"HH24:MI'))
  from public.projects p
  left join public.services s on s.id = p_booking.service_id
  where p.id = p_booking.project_id
$$;

-- Why: booking events are written in the transaction of the status change, whatever made it
-- (a hold, a payment, the expiry job, the owner), so none is ever missed or written twice.
create function private.booking_status_event()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_topic text;
  v_calendar text;
  v_payload jsonb;
begin
  if tg_op = 'INSERT' then
    v_topic := case new.status when 'held' then 'booking.held' when 'confirmed' then 'booking.confirmed' end;
  elsif old.status = new.status then
    return null;
  elsif new.status = 'confirmed' then
    v_topic := 'booking.confirmed';
  elsif old.status = 'held' and new.status in ('cancelled', 'expired') then
    v_topic := 'booking.released';
  elsif old.status = 'confirmed' and new.status = 'cancelled' then
    v_topic := 'booking.cancelled';
  end if;
  if v_topic is null then
    return null;
  end if;

  v_payload := private.booking_event_json(new);
  insert into public.outbox (topic, payload, aggregate, project_id, created_at, available_at)
  values (v_topic, v_payload, 'booking:' || new.id, new.project_id, private.clock(), private.clock());
  v_calendar := case v_topic when 'booking.confirmed' then 'calendar.create' when 'booking.cancelled' then 'calendar.delete' end;
  if v_calendar is not null then
    insert into public.outbox (topic, payload, aggregate, project_id, created_at, available_at)
    values (v_calendar, v_payload || jsonb_build_object('booking_id', new.id), 'calendar:' || new.id, new.project_id,
      private.clock(), private.clock());
  end if;
  return null;
end;
$$;

create trigger bookings_status_event after insert or update of status on public.bookings
  for each row execute function private.booking_status_event();

-- Why: the one way a booking becomes confirmed; its events now come from the status trigger.
-- Raises exclusion_violation when the slot is no longer free, no_data_found when the owner
-- cancelled it.
create or replace function private.confirm_booking_row(p_booking_id uuid)
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
  return v_booking;
end;
$$;

grant execute on function private.booking_event_json(public.bookings) to service_role;

/**
  * -------------------------------------------------------
  * Section - Private helpers: slots and contacts
  * -------------------------------------------------------
 */

-- Why: how far ahead visitors may book; availability beyond it is empty.
create function private.booking_window_days()
  returns integer
  language sql
  immutable
  set search_path = ''
as $$
  select 180
$$;

-- Why: the slots a service offers on one local day, from the opening hours and closed dates
-- alone: starts every duration + buffer from each range's opening, ending by its closing; local
-- times are turned into instants in the project's zone (so a day's slots may span two UTC dates).
create function private.service_slots(p_project public.projects, p_service public.services, p_day date)
  returns table (starts_at timestamptz, ends_at timestamptz)
  language sql
  stable
  set search_path = ''
as $$
  select local_start at time zone p_project.time_zone,
    (local_start at time zone p_project.time_zone) + make_interval(mins => p_service.duration_minutes)
  from public.opening_hours h
  -- A day outside 2000-2200 (or infinity) gives a null series, i.e. no slots, never an overflow.
  cross join (select case when p_day between '2000-01-01' and '2200-01-01' then p_day end as day) d
  cross join lateral pg_catalog.generate_series(
    d.day + h.opens_at,
    d.day + h.closes_at - make_interval(mins => p_service.duration_minutes),
    make_interval(mins => p_service.duration_minutes + p_service.buffer_minutes)) as local_start
  where h.project_id = p_project.id
    and h.weekday = extract(dow from p_day)
    and not exists (select 1 from public.closed_dates c where c.project_id = p_project.id and c.day = p_day)
  order by 1
$$;

-- Why: the slots a visitor may take now: offered, in the future, within the booking window, and
-- not overlapping (buffers included) a confirmed booking or a hold that has not lapsed.
create function private.free_slots(p_project public.projects, p_service public.services, p_day date)
  returns table (starts_at timestamptz, ends_at timestamptz)
  language sql
  stable
  set search_path = ''
as $$
  select s.starts_at, s.ends_at
  from private.service_slots(p_project, p_service, p_day) s
  where s.starts_at > private.clock()
    and p_day <= (private.clock() at time zone p_project.time_zone)::date + private.booking_window_days()
    and not exists (
      select 1 from public.bookings b
      where b.project_id = p_project.id
        and (b.status = 'confirmed' or (b.status = 'held' and b.hold_expires_at > private.clock()))
        and b.blocked && tstzrange(s.starts_at, s.ends_at + make_interval(mins => p_service.buffer_minutes)))
$$;

-- Why: a visitor's phone as stored: Kuwaiti numbers (8 digits starting 2, 5, 6 or 9, with or
-- without +965 / 00965, spaces, dashes, brackets, Arabic-Indic digits) become +965XXXXXXXX;
-- other international numbers must be + and 8 to 15 digits. Null when it is neither.
create function private.normalize_phone(p_phone text)
  returns text
  language sql
  immutable
  set search_path = ''
as $$
  with digits as (
    select pg_catalog.regexp_replace(
      pg_catalog.translate(p_phone, '٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹', '01234567890123456789'), '[\s().-]', '', 'g') as d
  )
  select case
    when d ~ '^(\+965|00965)?[2569][0-9]{7}$' then '+965' || right(d, 8)
    when d ~ '^(\+965|00965)' then null
    when d ~ '^(\+|00)[1-9][0-9]{7,14}$' then '+' || pg_catalog.regexp_replace(d, '^(\+|00)', '')
  end
  from digits
  where char_length(p_phone) <= 40
$$;

-- Why: the visitor's view of a booking: no contact details, whoever asks.
create function private.public_booking_json(p_booking public.bookings)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_booking.id, 'status', p_booking.status,
    'starts_at', lower(p_booking.slot), 'ends_at', upper(p_booking.slot),
    'hold_expires_at', case when p_booking.status = 'held' then p_booking.hold_expires_at end,
    'local_date', to_char(lower(p_booking.slot) at time zone p.time_zone, 'YYYY-MM-DD'),
    'local_time', to_char(lower(p_booking.slot) at time zone p.time_zone, 'HH24:MI'),
    'time_zone', p.time_zone,
    'project', jsonb_build_object('slug', p.slug, 'name', p.name),
    'service', case when s.id is not null then jsonb_build_object('id', s.id, 'name_ar', s.name_ar, 'name_en', s.name_en,
      'duration_minutes', s.duration_minutes) end)
  from public.projects p
  left join public.services s on s.id = p_booking.service_id
  where p.id = p_booking.project_id
$$;

-- Why: one JSON shape of a service for owners and visitors.
create function private.service_json(p_service public.services)
  returns jsonb
  language sql
  immutable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_service.id, 'name_ar', p_service.name_ar, 'name_en', p_service.name_en,
    'duration_minutes', p_service.duration_minutes, 'price_fils', p_service.price_fils, 'currency', p_service.currency,
    'buffer_minutes', p_service.buffer_minutes, 'active', p_service.active)
$$;

-- Why: a project's weekly hours in the API's shape, ordered by weekday and opening time.
create function private.opening_hours_json(p_project_id uuid)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
      'weekday', h.weekday, 'opens', to_char(h.opens_at, 'HH24:MI'),
      'closes', case when h.closes_at = '24:00' then '24:00' else to_char(h.closes_at, 'HH24:MI') end)
    order by h.weekday, h.opens_at), '[]'::jsonb)
  from public.opening_hours h where h.project_id = p_project_id
$$;

-- Why: the project a public slug names (look-alike letters folded, as slugs are stored).
create function private.project_by_slug(p_slug text)
  returns public.projects
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_project public.projects;
begin
  if p_slug is not null and char_length(p_slug) <= 200 then
    select * into v_project from public.projects where slug = private.fold_slug_letters(p_slug);
  end if;
  if v_project.id is null then
    perform private.fail('NOT_FOUND_002', 'no project with this slug');
  end if;
  return v_project;
end;
$$;

-- Why: the caller's project for an owner function: registered users only (AUTH_005), anyone but
-- the owner gets NOT_FOUND_002 as for a project that does not exist.
create function private.owned_project(p_project_id uuid)
  returns public.projects
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_project public.projects;
begin
  select * into v_project from public.projects where id = p_project_id and owner_id = v_user_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return v_project;
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Public functions (visitors, no account)
  * -------------------------------------------------------
 */

-- Why: what a booking page needs: the project's name, active services, weekly hours and
-- upcoming closed dates. Definer: visitors cannot read these tables.
create function private.public_booking_page(p_slug text)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.project_by_slug(p_slug);
  v_today date := (private.clock() at time zone v_project.time_zone)::date;
begin
  return jsonb_build_object(
    'project', jsonb_build_object('slug', v_project.slug, 'name', v_project.name, 'time_zone', v_project.time_zone,
      'hold_minutes', v_project.booking_hold_minutes),
    'today', v_today,
    'booking_window_days', private.booking_window_days(),
    'services', (select coalesce(jsonb_agg(private.service_json(s) - 'active' - 'buffer_minutes' order by s.created_at, s.id), '[]'::jsonb)
      from public.services s where s.project_id = v_project.id and s.active),
    'hours', private.opening_hours_json(v_project.id),
    'closed_dates', (select coalesce(jsonb_agg(c.day order by c.day), '[]'::jsonb) from public.closed_dates c
      where c.project_id = v_project.id and c.day between v_today and v_today + private.booking_window_days()));
end;
$$;

-- Why: the free slots of one active service on one local day of the project, as instants and
-- local labels. Past days and days beyond the booking window have none. Definer: visitors cannot
-- read bookings; only free slot times leave this function.
create function private.booking_availability(p_slug text, p_service_id uuid, p_date date)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.project_by_slug(p_slug);
  v_service public.services;
begin
  select * into v_service from public.services where id = p_service_id and project_id = v_project.id and active;
  if not found then
    perform private.fail('NOT_FOUND_002', 'no such service');
  end if;
  if p_date is null or not isfinite(p_date) then
    perform private.fail('REQ_004', 'date required');
  end if;
  return jsonb_build_object(
    'date', p_date,
    'time_zone', v_project.time_zone,
    'service_id', v_service.id,
    'slots', (select coalesce(jsonb_agg(jsonb_build_object(
        'starts_at', f.starts_at, 'ends_at', f.ends_at,
        'label', to_char(f.starts_at at time zone v_project.time_zone, 'HH24:MI'),
        'ends_label', to_char(f.ends_at at time zone v_project.time_zone, 'HH24:MI')) order by f.starts_at), '[]'::jsonb)
      from private.free_slots(v_project, v_service, p_date) f));
end;
$$;

-- Why: a visitor takes a slot: it must be one availability offers, the hold (the service's
-- duration and buffer, the project's hold time) and its pending booking payment (the service's
-- price, the project owner's account) are created in one transaction, and booking.held is written
-- with them. Concurrent holds on a slot get one winner (BOOK_001 for the rest). A repeated
-- p_request_key returns the first answer (replayed), REQ_006 when it was used for another slot.
-- Definer: the Worker calls it with the service key, but bookings are written only here.
create function private.create_public_booking_hold(
  p_slug text,
  p_service_id uuid,
  p_starts_at timestamptz,
  p_client_name text,
  p_client_email text,
  p_client_phone text,
  p_provider text,
  p_method text,
  p_request_key text
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.project_by_slug(p_slug);
  v_service public.services;
  v_name text := private.trim_js(p_client_name);
  v_email text := nullif(lower(private.trim_js(p_client_email)), '');
  v_phone text := nullif(private.trim_js(p_client_phone), '');
  v_key text := case when p_request_key is not null then 'booking:' || p_request_key end;
  v_booking public.bookings;
  v_payment public.payments;
begin
  if not coalesce((p_provider = 'upayments' and p_method in ('knet', 'card')) or (p_provider = 'stripe' and p_method is null), false) then
    perform private.fail('REQ_004', 'provider must be upayments with method knet or card, or stripe without a method');
  end if;
  if v_name is null or char_length(v_name) not between 1 and 120 or v_name ~ '[\u0001-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]'
    or (v_email is null and v_phone is null)
    or (v_email is not null and (char_length(v_email) > 254 or v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'))
    or (v_phone is not null and private.normalize_phone(v_phone) is null)
    or (p_request_key is not null and p_request_key !~ '^[A-Za-z0-9_.:-]{8,128}$') then
    perform private.fail('REQ_004', 'invalid contact details or request key');
  end if;
  v_phone := private.normalize_phone(v_phone);

  select * into v_service from public.services where id = p_service_id and project_id = v_project.id and active;
  if not found then
    perform private.fail('NOT_FOUND_002', 'no such service');
  end if;

  if v_key is not null then
    select * into v_payment from public.payments where user_id = v_project.owner_id and idempotency_key = v_key;
    if found then
      select * into strict v_booking from public.bookings where id = v_payment.booking_id;
      if v_booking.service_id is distinct from v_service.id or lower(v_booking.slot) <> p_starts_at then
        perform private.fail('REQ_006', 'request key already used for another slot');
      end if;
      return jsonb_build_object('booking', private.public_booking_json(v_booking), 'payment', private.payment_json(v_payment),
        'replayed', true);
    end if;
  end if;

  perform private.lock_project_bookings(v_project.id);
  perform public.expire_booking_holds(v_project.id);
  if p_starts_at is null or not exists (
    select 1 from private.free_slots(v_project, v_service, (p_starts_at at time zone v_project.time_zone)::date) f
    where f.starts_at = p_starts_at) then
    perform private.fail('BOOK_001', 'not a free slot of this service');
  end if;

  begin
    insert into public.bookings (project_id, service_id, slot, buffer_minutes, hold_expires_at, client_name, client_email, client_phone)
    values (v_project.id, v_service.id, tstzrange(p_starts_at, p_starts_at + make_interval(mins => v_service.duration_minutes)),
      v_service.buffer_minutes, private.clock() + make_interval(mins => v_project.booking_hold_minutes), v_name, v_email, v_phone)
    returning * into v_booking;
  exception
    when exclusion_violation then
      perform private.fail('BOOK_001', 'slot overlaps a held or confirmed booking');
    when check_violation or not_null_violation then
      perform private.fail('REQ_004', 'invalid booking fields');
  end;

  v_payment := private.insert_payment(v_project.owner_id, 'booking', p_provider, p_method, v_service.price_fils, v_service.currency,
    p_booking_id => v_booking.id, p_idempotency_key => v_key);
  if v_payment.id is null then
    -- The same key won a race a moment ago; this hold goes back with it.
    perform private.fail('REQ_006', 'request key already used');
  end if;
  return jsonb_build_object('booking', private.public_booking_json(v_booking), 'payment', private.payment_json(v_payment),
    'replayed', false);
end;
$$;

-- Why: the confirmation page's view of a booking and its payment (the Worker checks the signed
-- link first); never the contact details.
create function private.public_booking(p_booking_id uuid)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_payment public.payments;
begin
  select * into v_booking from public.bookings where id = p_booking_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'booking not found');
  end if;
  select * into v_payment from public.payments where booking_id = p_booking_id order by created_at desc, id limit 1;
  return jsonb_build_object('booking', private.public_booking_json(v_booking),
    'payment', case when v_payment.id is not null then jsonb_build_object(
      'id', v_payment.id, 'status', v_payment.status, 'provider', v_payment.provider, 'method', v_payment.method,
      'amount_fils', v_payment.amount_fils, 'currency', v_payment.currency,
      'checkout_url', case when v_payment.status = 'pending' then v_payment.checkout_url end) end);
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Owner functions
  * -------------------------------------------------------
 */

-- Why: everything the owner's booking screens show for one project: settings (the Make secret
-- included: it is theirs to paste into Make), services, weekly hours and closed dates.
create function private.booking_setup(p_project_id uuid)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
begin
  return jsonb_build_object(
    'settings', jsonb_build_object(
      'time_zone', v_project.time_zone, 'hold_minutes', v_project.booking_hold_minutes,
      'make_webhook_url', v_project.make_webhook_url, 'make_webhook_secret', v_project.make_webhook_secret,
      'google_calendar_id', v_project.google_calendar_id),
    'services', (select coalesce(jsonb_agg(private.service_json(s) order by s.created_at, s.id), '[]'::jsonb)
      from public.services s where s.project_id = v_project.id),
    'hours', private.opening_hours_json(v_project.id),
    'closed_dates', (select coalesce(jsonb_agg(c.day order by c.day), '[]'::jsonb) from public.closed_dates c
      where c.project_id = v_project.id));
end;
$$;

-- Why: creates a service (p_service_id null) or replaces one of the project's services. A project
-- has at most 50 services (BOOK_004); names follow the project name rule. Definer: owners cannot
-- write services directly.
create function private.save_service(
  p_project_id uuid,
  p_name_ar text,
  p_name_en text,
  p_duration_minutes integer,
  p_price_fils bigint,
  p_buffer_minutes integer,
  p_active boolean,
  p_service_id uuid
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_service public.services;
begin
  begin
    if p_service_id is null then
      perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('services:' || v_project.id::text, 0));
      if (select count(*) from public.services where project_id = v_project.id) >= 50 then
        perform private.fail('BOOK_004', 'service quota reached');
      end if;
      insert into public.services (project_id, name_ar, name_en, duration_minutes, price_fils, buffer_minutes, active)
      values (v_project.id, private.trim_js(p_name_ar), private.trim_js(p_name_en), p_duration_minutes, p_price_fils,
        coalesce(p_buffer_minutes, 0), coalesce(p_active, true))
      returning * into v_service;
    else
      update public.services
      set name_ar = private.trim_js(p_name_ar), name_en = private.trim_js(p_name_en), duration_minutes = p_duration_minutes,
        price_fils = p_price_fils, buffer_minutes = coalesce(p_buffer_minutes, 0), active = coalesce(p_active, true)
      where id = p_service_id and project_id = v_project.id
      returning * into v_service;
      if not found then
        perform private.fail('NOT_FOUND_002', 'service not found');
      end if;
    end if;
  exception
    when check_violation or not_null_violation then
      perform private.fail('REQ_004', 'invalid service fields');
  end;
  return private.service_json(v_service);
end;
$$;

-- Why: replaces the project's whole week: p_hours is [{weekday 0-6, opens "HH:MM", closes
-- "HH:MM" or "24:00"}], at most 28 ranges, none overlapping another on its day. Definer: owners
-- cannot write opening hours directly.
create function private.set_opening_hours(p_project_id uuid, p_hours jsonb)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
begin
  if jsonb_typeof(p_hours) is distinct from 'array' then
    perform private.fail('REQ_004', 'hours must be an array');
  end if;
  if jsonb_array_length(p_hours) > 28 or exists (
    select 1 from jsonb_array_elements(p_hours) e
    where jsonb_typeof(e) <> 'object'
      or coalesce(e ->> 'weekday', '') !~ '^[0-6]$'
      or coalesce(e ->> 'opens', '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
      or coalesce(e ->> 'closes', '') !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
      or (select count(*) from jsonb_object_keys(e)) <> 3) then
    perform private.fail('REQ_004', 'hours must be [{weekday, opens, closes}]');
  end if;
  delete from public.opening_hours where project_id = v_project.id;
  begin
    insert into public.opening_hours (project_id, weekday, opens_at, closes_at)
    select v_project.id, (e ->> 'weekday')::smallint, (e ->> 'opens')::time, (e ->> 'closes')::time
    from jsonb_array_elements(p_hours) e;
  exception
    when check_violation or unique_violation then
      perform private.fail('REQ_004', 'a range closes before it opens, or two start together');
  end;
  if exists (
    select 1 from public.opening_hours a join public.opening_hours b
      on a.project_id = b.project_id and a.weekday = b.weekday and a.opens_at < b.opens_at and b.opens_at < a.closes_at
    where a.project_id = v_project.id) then
    perform private.fail('REQ_004', 'ranges of one day overlap');
  end if;
  return private.opening_hours_json(v_project.id);
end;
$$;

-- Why: replaces the project's closed dates (at most 366, finite). Definer: owners cannot write
-- closed dates directly.
create function private.set_closed_dates(p_project_id uuid, p_days date[])
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
begin
  if p_days is null or coalesce(cardinality(p_days), 0) > 366 or exists (select 1 from unnest(p_days) d where d is null or not isfinite(d)) then
    perform private.fail('REQ_004', 'days must be at most 366 dates');
  end if;
  delete from public.closed_dates where project_id = v_project.id;
  insert into public.closed_dates (project_id, day) select distinct v_project.id, d from unnest(p_days) d;
  return (select coalesce(jsonb_agg(c.day order by c.day), '[]'::jsonb) from public.closed_dates c where c.project_id = v_project.id);
end;
$$;

-- Why: the project's booking settings. A Make webhook URL gets a signing secret generated here
-- (kept while the URL is set, new on p_rotate_make_secret); removing the URL removes it.
-- Definer: owners cannot update projects directly.
create function private.set_booking_settings(
  p_project_id uuid,
  p_time_zone text,
  p_hold_minutes integer,
  p_make_webhook_url text,
  p_google_calendar_id text,
  p_rotate_make_secret boolean
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_url text := nullif(private.trim_js(p_make_webhook_url), '');
begin
  if p_time_zone is null or not private.is_time_zone(p_time_zone) then
    perform private.fail('REQ_004', 'unknown time zone');
  end if;
  update public.projects
  set time_zone = p_time_zone,
      booking_hold_minutes = p_hold_minutes,
      make_webhook_url = v_url,
      make_webhook_secret = case
        when v_url is null then null
        when make_webhook_secret is null or coalesce(p_rotate_make_secret, false)
          then 'whsec_' || encode(extensions.gen_random_bytes(32), 'base64')
        else make_webhook_secret end,
      google_calendar_id = nullif(private.trim_js(p_google_calendar_id), '')
  where id = v_project.id
  returning * into v_project;
  return jsonb_build_object(
    'time_zone', v_project.time_zone, 'hold_minutes', v_project.booking_hold_minutes,
    'make_webhook_url', v_project.make_webhook_url, 'make_webhook_secret', v_project.make_webhook_secret,
    'google_calendar_id', v_project.google_calendar_id);
exception
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid booking settings');
end;
$$;

-- Why: the owner cancels a booking. A hold is released at once (its unpaid checkout cancelled);
-- a confirmed booking is cancelled and what was paid for it flagged for refund (refund.needed),
-- with booking.cancelled and the calendar deletion in the outbox. Either way the booking is never
-- confirmed again. A booking already cancelled or expired is returned as it is.
create function private.cancel_booking(p_project_id uuid, p_booking_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_booking public.bookings;
  v_payment public.payments;
begin
  perform private.lock_project_bookings(v_project.id);
  select * into v_booking from public.bookings where id = p_booking_id and project_id = v_project.id for update;
  if not found then
    perform private.fail('NOT_FOUND_002', 'booking not found');
  end if;
  if v_booking.status not in ('held', 'confirmed') then
    return private.booking_json(v_booking);
  end if;

  update public.bookings set status = 'cancelled', cancelled_by_owner_at = private.clock()
  where id = v_booking.id
  returning * into v_booking;
  for v_payment in
    select * from public.payments where booking_id = v_booking.id and status in ('pending', 'succeeded') for update
  loop
    if v_payment.status = 'pending' then
      update public.payments set status = 'cancelled', applied_at = private.clock()
      where id = v_payment.id returning * into strict v_payment;
      perform private.payment_event('payment.cancelled', v_payment);
    else
      update public.payments
      set status = 'refund_required', review_reason = 'booking_cancelled', flagged_at = private.clock()
      where id = v_payment.id returning * into strict v_payment;
      perform private.payment_event('refund.needed', v_payment);
    end if;
  end loop;
  return private.booking_json(v_booking);
end;
$$;

-- Visitors (anon) reach the two definer bodies of the public booking page; nothing else in private
-- is executable by anon (every migration revokes PUBLIC's execute there).
grant usage on schema private to anon;
grant execute on function private.public_booking_page(text), private.booking_availability(text, uuid, date)
  to anon, authenticated, service_role;
grant execute on function private.booking_setup(uuid), private.save_service(uuid, text, text, integer, bigint, integer, boolean, uuid),
  private.set_opening_hours(uuid, jsonb), private.set_closed_dates(uuid, date[]),
  private.set_booking_settings(uuid, text, integer, text, text, boolean), private.cancel_booking(uuid, uuid)
  to authenticated;
grant execute on function private.create_public_booking_hold(text, uuid, timestamptz, text, text, text, text, text, text),
  private.public_booking(uuid), private.normalize_phone(text)
  to service_role;

-- A booking cancelled by its owner after payment waits for a refund like a lost slot.
alter table public.payments drop constraint payments_review_reason_check;
alter table public.payments add constraint payments_review_reason_check check (review_reason in (
  'amount_mismatch', 'currency_mismatch', 'user_deleted', 'slot_taken', 'duplicate_charge',
  'partial_refund', 'refund_mismatch', 'refund_shortfall', 'plan_superseded', 'booking_cancelled'));

/**
  * -------------------------------------------------------
  * Section - API entry points
  * -------------------------------------------------------
 */

-- Why: the API entry point for a booking page; see private.public_booking_page.
create function public.public_booking_page(p_slug text)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.public_booking_page(p_slug)
$$;

-- Why: the API entry point for a service's free slots on a day; see private.booking_availability.
create function public.booking_availability(p_slug text, p_service_id uuid, p_date date)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.booking_availability(p_slug, p_service_id, p_date)
$$;

-- Why: the API entry point for the owner's booking setup; see private.booking_setup.
create function public.booking_setup(p_project_id uuid)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.booking_setup(p_project_id)
$$;

-- Why: the API entry point for creating or replacing a service; see private.save_service.
create function public.save_service(
  p_project_id uuid,
  p_name_ar text,
  p_name_en text,
  p_duration_minutes integer,
  p_price_fils bigint,
  p_buffer_minutes integer default 0,
  p_active boolean default true,
  p_service_id uuid default null
)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.save_service(p_project_id, p_name_ar, p_name_en, p_duration_minutes, p_price_fils, p_buffer_minutes, p_active, p_service_id)
$$;

-- Why: the API entry point for the weekly hours; see private.set_opening_hours.
create function public.set_opening_hours(p_project_id uuid, p_hours jsonb)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.set_opening_hours(p_project_id, p_hours)
$$;

-- Why: the API entry point for closed dates; see private.set_closed_dates.
create function public.set_closed_dates(p_project_id uuid, p_days date[])
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.set_closed_dates(p_project_id, p_days)
$$;

-- Why: the API entry point for booking settings; see private.set_booking_settings.
create function public.set_booking_settings(
  p_project_id uuid,
  p_time_zone text,
  p_hold_minutes integer,
  p_make_webhook_url text default null,
  p_google_calendar_id text default null,
  p_rotate_make_secret boolean default false
)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.set_booking_settings(p_project_id, p_time_zone, p_hold_minutes, p_make_webhook_url, p_google_calendar_id, p_rotate_make_secret)
$$;

-- Why: the API entry point for the owner's cancellation; see private.cancel_booking.
create function public.cancel_booking(p_project_id uuid, p_booking_id uuid)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.cancel_booking(p_project_id, p_booking_id)
$$;

-- Why: the Worker's entry point for a visitor's hold; see private.create_public_booking_hold.
create function public.create_public_booking_hold(
  p_slug text,
  p_service_id uuid,
  p_starts_at timestamptz,
  p_client_name text,
  p_client_email text default null,
  p_client_phone text default null,
  p_provider text default 'upayments',
  p_method text default 'knet',
  p_request_key text default null
)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.create_public_booking_hold(p_slug, p_service_id, p_starts_at, p_client_name, p_client_email, p_client_phone,
    p_provider, p_method, p_request_key)
$$;

-- Why: the Worker's entry point for the confirmation page; see private.public_booking.
create function public.public_booking(p_booking_id uuid)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.public_booking(p_booking_id)
$$;

-- Why: records the Calendar event the Worker created for a confirmed booking (first one stays),
-- so a cancellation deletes that event in that calendar.
create function public.set_booking_calendar_event(p_booking_id uuid, p_calendar_id text, p_event_id text)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  update public.bookings
  set calendar_id = coalesce(calendar_id, p_calendar_id), calendar_event_id = coalesce(calendar_event_id, p_event_id)
  where id = p_booking_id
  returning * into v_booking;
  if not found then
    perform private.fail('NOT_FOUND_002', 'booking not found');
  end if;
  return jsonb_build_object('id', v_booking.id, 'calendar_id', v_booking.calendar_id, 'calendar_event_id', v_booking.calendar_event_id);
exception
  when check_violation then
    perform private.fail('REQ_004', 'invalid calendar or event id');
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Outbox delivery
  * -------------------------------------------------------
 */

drop function public.claim_outbox(integer, integer);
drop function public.mark_outbox(bigint, boolean, text);

-- Why: delivery is given up after this many failed attempts (about 17 hours of backoff).
create function private.outbox_max_attempts()
  returns integer
  language sql
  immutable
  set search_path = ''
as $$
  select 10
$$;
grant execute on function private.outbox_max_attempts() to service_role;

-- Why: hands the Worker a batch of due events under a lease; only the oldest undelivered event of
-- each aggregate is due, so one booking's events arrive in order even with concurrent deliverers.
-- Each row comes with where it goes: the project's Make webhook (or null for the platform's), its
-- calendar and time zone, and for calendar rows the booking's stored event.
create function public.claim_outbox(p_limit integer default 10, p_lease_seconds integer default 60)
  returns table (
    id bigint,
    event_id uuid,
    topic text,
    payload jsonb,
    created_at timestamptz,
    attempts integer,
    aggregate text,
    project_id uuid,
    make_webhook_url text,
    make_webhook_secret text,
    google_calendar_id text,
    time_zone text,
    booking_calendar_id text,
    booking_calendar_event_id text
  )
  language sql
  set search_path = ''
as $$
  with heads as (
    select distinct on (o.aggregate) o.id from public.outbox o
    where o.delivered_at is null and o.dead_at is null and o.aggregate is not null
    order by o.aggregate, o.id
  ),
  due as (
    select o.id from public.outbox o
    where o.delivered_at is null and o.dead_at is null
      and (o.aggregate is null or o.id in (select h.id from heads h))
      and o.available_at <= private.clock()
      and (o.locked_until is null or o.locked_until <= private.clock())
    order by o.available_at, o.id
    limit greatest(1, least(coalesce(p_limit, 10), 100))
    for update of o skip locked
  ),
  claimed as (
    update public.outbox o
    set attempts = o.attempts + 1,
        locked_until = private.clock() + make_interval(secs => greatest(1, least(coalesce(p_lease_seconds, 60), 3600)))
    from due
    where o.id = due.id
    returning o.*
  )
  select c.id, c.event_id, c.topic, c.payload, c.created_at, c.attempts, c.aggregate, c.project_id,
    p.make_webhook_url, p.make_webhook_secret, p.google_calendar_id, p.time_zone, b.calendar_id, b.calendar_event_id
  from claimed c
  left join public.projects p on p.id = c.project_id
  left join public.bookings b on c.topic like 'calendar.%' and b.id::text = c.payload ->> 'booking_id'
  order by c.id
$$;

-- Why: records one delivery attempt. Success marks the row delivered; a failure keeps the error
-- and schedules the next attempt with exponential backoff (2, 4, 8 … minutes, at most 6 hours);
-- a permanent refusal or the 10th failure parks it (dead_at) for a person, with its last error.
create function public.mark_outbox(p_id bigint, p_delivered boolean, p_error text default null, p_permanent boolean default false)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_row public.outbox;
begin
  update public.outbox
  set delivered_at = case when p_delivered then private.clock() end,
      last_error = case when p_delivered then null else left(coalesce(p_error, 'failed'), 500) end,
      dead_at = case when not p_delivered and (coalesce(p_permanent, false) or attempts >= private.outbox_max_attempts())
        then private.clock() end,
      available_at = case when p_delivered then available_at
        else private.clock() + least(interval '6 hours', interval '1 minute' * power(2, least(attempts, 20))) end,
      locked_until = null
  where id = p_id and delivered_at is null and dead_at is null and p_delivered is not null
  returning * into v_row;
  if not found then
    perform private.fail('NOT_FOUND_002', 'outbox row not found, delivered or dead');
  end if;
  return jsonb_build_object('id', v_row.id, 'delivered', v_row.delivered_at is not null, 'dead', v_row.dead_at is not null,
    'attempts', v_row.attempts, 'next_attempt_at', case when v_row.delivered_at is null and v_row.dead_at is null then v_row.available_at end);
end;
$$;

revoke execute on function
  public.public_booking_page(text),
  public.booking_availability(text, uuid, date),
  public.booking_setup(uuid),
  public.save_service(uuid, text, text, integer, bigint, integer, boolean, uuid),
  public.set_opening_hours(uuid, jsonb),
  public.set_closed_dates(uuid, date[]),
  public.set_booking_settings(uuid, text, integer, text, text, boolean),
  public.cancel_booking(uuid, uuid),
  public.create_public_booking_hold(text, uuid, timestamptz, text, text, text, text, text, text),
  public.public_booking(uuid),
  public.set_booking_calendar_event(uuid, text, text),
  public.claim_outbox(integer, integer),
  public.mark_outbox(bigint, boolean, text, boolean)
from public, anon, authenticated, service_role;
grant execute on function public.public_booking_page(text), public.booking_availability(text, uuid, date)
  to anon, authenticated, service_role;
grant execute on function
  public.booking_setup(uuid),
  public.save_service(uuid, text, text, integer, bigint, integer, boolean, uuid),
  public.set_opening_hours(uuid, jsonb),
  public.set_closed_dates(uuid, date[]),
  public.set_booking_settings(uuid, text, integer, text, text, boolean),
  public.cancel_booking(uuid, uuid)
to authenticated;
grant execute on function
  public.create_public_booking_hold(text, uuid, timestamptz, text, text, text, text, text, text),
  public.public_booking(uuid),
  public.set_booking_calendar_event(uuid, text, text),
  public.claim_outbox(integer, integer),
  public.mark_outbox(bigint, boolean, text, boolean)
to service_role;

revoke execute on all functions in schema private from public;
