-- KWq8 platform rules held by the database itself. Supabase exposes every `public` function (and
-- table grant) to anyone holding the public anon key, so the Worker is not the only door: each
-- function refuses what the Worker refuses.
--   * Callers: a token whose account was deleted is AUTH_007; anonymous sign-ins are refused
--     (AUTH_005) by every function the Worker serves only to registered users (all but get_me).
--   * Projects: written only through the functions (no direct table writes), names and slugs
--     follow shared/schemas.ts and shared/slug.ts (look-alike Arabic letters folded), a per-user
--     quota (PROJ_002) and creation rate (PROJ_003) from private.platform_limits, and a project
--     with confirmed bookings still to come cannot be deleted (PROJ_004).
--   * Numbers: numeric columns refuse NaN (numeric(12, 1) cannot hold an infinity), numeric
--     arguments refuse NaN and infinities; booking slots must have finite ends.
--   * Constraint violations inside functions become catalogue codes, never a raw SQL error.

/**
  * -------------------------------------------------------
  * Section - Callers
  * -------------------------------------------------------
 */

-- Why: the caller's user id, refusing requests without one (AUTH_004), tokens of accounts that
-- no longer exist (AUTH_007: the token outlives a deleted account until it expires) and, where
-- `p_paid`, anonymous sign-ins (AUTH_005), by the token's claim as the Worker reads it or by the
-- account itself. Definer: auth.users is not readable by API roles.
create or replace function private.require_user(p_paid boolean)
  returns uuid
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := auth.uid();
  v_is_anonymous boolean;
begin
  if v_user_id is null then
    perform private.fail('AUTH_004', 'no signed-in user');
  end if;
  select u.is_anonymous into v_is_anonymous from auth.users u where u.id = v_user_id and u.deleted_at is null;
  if not found then
    perform private.fail('AUTH_007', 'the account of this token no longer exists');
  end if;
  if p_paid and (v_is_anonymous or auth.jwt() -> 'is_anonymous' = 'true'::jsonb) then
    perform private.fail('AUTH_005', 'anonymous users cannot use this function');
  end if;
  return v_user_id;
end;
$$;

-- Why: numeric arguments must be real numbers; NaN passes every `> 0` test in Postgres.
create function private.is_finite(p_value numeric)
  returns boolean
  language sql
  immutable
  set search_path = ''
as $$
  select p_value not in ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)
$$;
grant execute on function private.is_finite(numeric) to service_role;

/**
  * -------------------------------------------------------
  * Section - Numbers
  * -------------------------------------------------------
 */

-- NaN is stored by numeric(12, 1) and compares greater than every number, so the existing
-- `>= 0` and `> 0` checks let it through; infinities cannot be stored in these columns.
alter table public.tiers
  add constraint tiers_numbers_not_nan check (monthly_credits <> 'NaN' and daily_bonus <> 'NaN');
alter table public.credit_costs
  add constraint credit_costs_credits_not_nan check (credits <> 'NaN');
alter table public.credit_balances
  add constraint credit_balances_not_nan check (daily <> 'NaN' and monthly <> 'NaN' and purchased <> 'NaN');
alter table public.credit_ledger
  add constraint credit_ledger_not_nan check (
    delta_daily <> 'NaN' and delta_monthly <> 'NaN' and delta_purchased <> 'NaN'
    and balance_daily <> 'NaN' and balance_monthly <> 'NaN' and balance_purchased <> 'NaN');
alter table public.payments
  add constraint payments_credits_not_nan check (credits <> 'NaN');
-- 'infinity' is a valid timestamptz: a slot ending then would hold a project's calendar forever.
alter table public.bookings
  add constraint bookings_slot_finite check (isfinite(lower(slot)) and isfinite(upper(slot)));

-- Why: the one writer of balances and ledger (see the credits migration), now refusing amounts
-- that are not finite before they reach a balance.
create or replace function private.post_credits(
  p_user_id uuid,
  p_reason text,
  p_daily numeric,
  p_monthly numeric,
  p_purchased numeric,
  p_action text default null,
  p_project_id uuid default null,
  p_idempotency_key text default null,
  p_payment_id uuid default null,
  p_daily_expires_at timestamptz default null,
  p_monthly_expires_at timestamptz default null
)
  returns public.credit_ledger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_balance public.credit_balances;
  v_entry public.credit_ledger;
begin
  if not (private.is_finite(p_daily) and private.is_finite(p_monthly) and private.is_finite(p_purchased)) then
    perform private.fail('REQ_004', 'credit amounts must be finite numbers');
  end if;

  update public.credit_balances
  set daily = daily + p_daily,
      daily_expires_at = coalesce(p_daily_expires_at, daily_expires_at),
      monthly = monthly + p_monthly,
      monthly_expires_at = coalesce(p_monthly_expires_at, monthly_expires_at),
      purchased = purchased + p_purchased
  where user_id = p_user_id
  returning * into strict v_balance;

  insert into public.credit_ledger (
    user_id, created_at, reason, action, project_id, payment_id, idempotency_key,
    delta_daily, delta_monthly, delta_purchased, balance_daily, balance_monthly, balance_purchased)
  values (
    p_user_id, private.clock(), p_reason, p_action, p_project_id, p_payment_id, p_idempotency_key,
    p_daily, p_monthly, p_purchased, v_balance.daily, v_balance.monthly, v_balance.purchased)
  returning * into v_entry;
  return v_entry;
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Project names and slugs
  * -------------------------------------------------------
 */

-- Why: trims exactly what JavaScript's String.prototype.trim trims (shared/schemas.ts trims
-- names with it): ASCII whitespace, line and paragraph separators, no-break and other spaces, BOM.
create function private.trim_js(p_text text)
  returns text
  language sql
  immutable
  set search_path = ''
as $$
  select pg_catalog.btrim(p_text,
    E'\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff')
$$;

-- Why: the project name rule of shared/schemas.ts (isProjectName) for a trimmed name: 1 to 80
-- characters; no control characters (U+0000 cannot reach a text value at all, nor can a lone
-- surrogate), no bidi embeddings, overrides or isolates; at least one character that is not
-- whitespace, zero-width, a format character or a filler. Used by checks, so it never raises.
create function private.is_project_name(p_name text)
  returns boolean
  language sql
  immutable
  set search_path = ''
as $$
  select coalesce(
    p_name = private.trim_js(p_name)
    and char_length(p_name) between 1 and 80
    and p_name !~ '[\u0001-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]'
    and p_name !~ '^[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]*$',
    false)
$$;

-- Why: a project name as it is stored (trimmed), or REQ_004.
create function private.project_name(p_name text)
  returns text
  language plpgsql
  immutable
  set search_path = ''
as $$
declare
  v_name text := private.trim_js(p_name);
begin
  if not private.is_project_name(v_name) then
    perform private.fail('REQ_004', 'invalid project name');
  end if;
  return v_name;
end;
$$;

-- Why: shared/slug.ts foldSlugLetters: compatibility forms and marks (diacritics, tatweel, hamza)
-- dropped, look-alike letters (ى ی → ي, ٱ → ا, ک → ك, ة ھ ہ ە → ه) and digits folded, so
-- look-alike slugs are one address.
create function private.fold_slug_letters(p_text text)
  returns text
  language sql
  immutable
  set search_path = ''
as $$
  select pg_catalog.translate(
    pg_catalog.regexp_replace(normalize(normalize(p_text, nfkc), nfd),
      '[\u0300-\u036f\u064b-\u065f\u0670\u0640]', '', 'g'),
    E'\u0649\u06cc\u0671\u06a9\u0629\u06be\u06c1\u06d5\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9',
    E'\u064a\u064a\u0627\u0643\u0647\u0647\u0647\u064701234567890123456789')
$$;

-- Why: the slug pattern of shared/slug.ts (SLUG_PATTERN, at most 48 characters) on folded
-- letters. Used by the projects table's check.
create function private.is_project_slug(p_slug text)
  returns boolean
  language sql
  immutable
  set search_path = ''
as $$
  select coalesce(
    char_length(p_slug) <= 48
    and p_slug ~ '^[a-z0-9\u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a]+(-[a-z0-9\u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a]+)*$',
    false)
$$;

-- Why: a chosen slug as it is stored (letters folded, as shared/schemas.ts projectSlug), or REQ_004.
create function private.project_slug(p_slug text)
  returns text
  language plpgsql
  immutable
  set search_path = ''
as $$
declare
  v_slug text := private.fold_slug_letters(p_slug);
begin
  if not private.is_project_slug(v_slug) then
    perform private.fail('REQ_004', 'invalid project slug');
  end if;
  return v_slug;
end;
$$;

-- Check constraints run with the writer's rights; the service role may write projects directly.
grant execute on function private.trim_js(text), private.is_project_name(text), private.is_project_slug(text) to service_role;

-- NOT VALID: rows written before these rules keep them until they change; every new or changed
-- row is checked. The older, looser checks of the core migration stay and are implied by these.
alter table public.projects
  add constraint projects_name_rule check (private.is_project_name(name)) not valid,
  add constraint projects_slug_rule check (private.is_project_slug(slug)) not valid;

/**
  * -------------------------------------------------------
  * Section - Project limits
  * -------------------------------------------------------
 */

-- Why: how much one user may create, changeable without a migration (`update
-- private.platform_limits set ...`). One row; read by the definer functions only.
create table private.platform_limits (
  id boolean primary key default true check (id),
  projects_per_user integer not null default 20 check (projects_per_user between 1 and 100000),
  project_creations_per_minute integer not null default 10 check (project_creations_per_minute between 1 and 100000)
);
comment on table private.platform_limits is
  'Platform limits per user: how many projects one user may own and how many they may create in any 60 seconds. One row, changed by operators with SQL.';
insert into private.platform_limits default values;

-- Why: the creation rate counts creations, not surviving projects, so deleting a project does not
-- give its creation back. Only the last minute of each user is kept (create_project prunes it).
create table private.project_creations (
  user_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null
);
comment on table private.project_creations is
  'When each user created projects in the last minute, for the creation rate. Written by private.create_project only.';
create index project_creations_user_id_idx on private.project_creations (user_id, created_at);

alter table private.platform_limits enable row level security;
alter table private.project_creations enable row level security;
revoke all on private.platform_limits, private.project_creations from public, anon, authenticated, service_role;

/**
  * -------------------------------------------------------
  * Section - Projects
  * -------------------------------------------------------
 */

-- Projects change only through the functions below, which hold the quota, rate and name rules;
-- direct table writes through the API would skip them.
revoke insert, update, delete on public.projects from authenticated;
drop policy "users can create projects they own" on public.projects;
drop policy "owners can rename their own projects" on public.projects;
drop policy "owners can delete their own projects" on public.projects;

-- Why: creates a project owned by the caller, a registered user under their quota (PROJ_002) and
-- creation rate (PROJ_003), with a valid name and slug (REQ_004); a taken slug, look-alikes
-- included, is PROJ_001. Definer: users cannot write projects or the creation log directly.
create function private.create_project(p_name text, p_slug text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_name text := private.project_name(p_name);
  v_slug text := private.project_slug(p_slug);
  v_limits private.platform_limits;
  v_now timestamptz := private.clock();
  v_project public.projects;
begin
  -- One creation at a time per user, so concurrent calls cannot both pass the quota or the rate.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('create_project:' || v_user_id::text, 0));
  select * into strict v_limits from private.platform_limits;

  if (select count(*) from public.projects where owner_id = v_user_id) >= v_limits.projects_per_user then
    perform private.fail('PROJ_002', 'project quota reached');
  end if;
  delete from private.project_creations where user_id = v_user_id and created_at <= v_now - interval '1 minute';
  if (select count(*) from private.project_creations where user_id = v_user_id) >= v_limits.project_creations_per_minute then
    perform private.fail('PROJ_003', 'too many projects created in the last minute');
  end if;

  begin
    insert into public.projects (owner_id, name, slug) values (v_user_id, v_name, v_slug)
    returning * into v_project;
  exception
    when unique_violation then
      perform private.fail('PROJ_001', 'slug already taken');
    when foreign_key_violation then
      perform private.fail('AUTH_007', 'the account was deleted');
    when check_violation or not_null_violation then
      perform private.fail('REQ_004', 'invalid project name or slug');
  end;
  insert into private.project_creations (user_id, created_at) values (v_user_id, v_now);
  return private.project_json(v_project);
end;
$$;

-- Why: renames one of a registered caller's projects (the slug stays: it is the site's address).
-- Definer: users cannot update projects directly.
create function private.rename_project(p_project_id uuid, p_name text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_name text := private.project_name(p_name);
  v_project public.projects;
begin
  update public.projects set name = v_name
  where id = p_project_id and owner_id = v_user_id
  returning * into v_project;
  if not found then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return private.project_json(v_project);
exception
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid project name');
end;
$$;

-- Why: deletes one of a registered caller's projects and, by cascade, its bookings and domains,
-- unless a confirmed booking has not ended yet (PROJ_004: its client paid for it). The bookings
-- lock keeps a confirmation from landing between the check and the delete. Definer: users cannot
-- delete projects directly.
create function private.delete_project(p_project_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
begin
  if not exists (select 1 from public.projects where id = p_project_id and owner_id = v_user_id) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  perform private.lock_project_bookings(p_project_id);
  if exists (
    select 1 from public.bookings
    where project_id = p_project_id and status = 'confirmed' and upper(slot) > private.clock()
  ) then
    perform private.fail('PROJ_004', 'the project has confirmed bookings still to come');
  end if;
  delete from public.projects where id = p_project_id and owner_id = v_user_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return jsonb_build_object('id', p_project_id);
end;
$$;

grant execute on function private.create_project(text, text), private.rename_project(uuid, text),
  private.delete_project(uuid) to authenticated;

-- Why: the API entry point for creating a project; see private.create_project.
create or replace function public.create_project(p_name text, p_slug text)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.create_project(p_name, p_slug)
$$;

-- Why: the API entry point for renaming a project; see private.rename_project.
create or replace function public.rename_project(p_project_id uuid, p_name text)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.rename_project(p_project_id, p_name)
$$;

-- Why: the API entry point for deleting a project; see private.delete_project.
create or replace function public.delete_project(p_project_id uuid)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.delete_project(p_project_id)
$$;

-- Why: a registered caller's projects, newest first, in the shape of private.project_json. The
-- caller is checked before the query, so an empty table cannot skip the check.
create or replace function public.list_projects()
  returns table (id uuid, name text, slug text, created_at timestamptz, updated_at timestamptz)
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
begin
  return query
    select p.id, p.name, p.slug, p.created_at, p.updated_at from public.projects p
    where p.owner_id = v_user_id
    order by p.created_at desc, p.id desc;
end;
$$;

-- Why: one of a registered caller's projects, NOT_FOUND_002 when it is not theirs.
create or replace function public.get_project(p_project_id uuid)
  returns jsonb
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
  return private.project_json(v_project);
end;
$$;

-- Why: a registered owner's view of a project's bookings, newest slot first, keyset by
-- (starts_at, id); the caller is checked before the project is looked up.
create or replace function public.project_bookings(
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
declare
  v_user_id uuid := private.require_user(true);
begin
  if not exists (select 1 from public.projects p where p.id = p_project_id and p.owner_id = v_user_id) then
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

/**
  * -------------------------------------------------------
  * Section - Credits
  * -------------------------------------------------------
 */

-- Why: the API entry point for spending (see private.spend_credits); a constraint the spend
-- trips on becomes a catalogue code: a missing account row means the account was deleted
-- meanwhile (AUTH_007).
create or replace function public.spend_credits(p_action text, p_idempotency_key text, p_project_id uuid default null)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  return private.spend_credits(p_action, p_idempotency_key, p_project_id);
exception
  when foreign_key_violation then
    perform private.fail('AUTH_007', 'the account was deleted');
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid spend');
end;
$$;

-- Why: the API entry point for the daily bonus (see private.claim_daily_bonus), with the same
-- mapping of constraint errors as public.spend_credits.
create or replace function public.claim_daily_bonus()
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  return private.claim_daily_bonus();
exception
  when foreign_key_violation then
    perform private.fail('AUTH_007', 'the account was deleted');
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid daily bonus');
end;
$$;

-- Why: a registered caller's credit history, newest first, one keyset page at a time
-- (id < p_before_id); the caller is checked before the query.
create or replace function public.credit_ledger(p_limit integer default 20, p_before_id bigint default null)
  returns table (
    id bigint,
    created_at timestamptz,
    reason text,
    action text,
    project_id uuid,
    delta_daily numeric,
    delta_monthly numeric,
    delta_purchased numeric,
    delta_total numeric,
    balance_after numeric
  )
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
begin
  return query
    select l.id, l.created_at, l.reason, l.action, l.project_id,
      l.delta_daily, l.delta_monthly, l.delta_purchased, l.delta_total, l.balance_after
    from public.credit_ledger l
    where l.user_id = v_user_id
      and (p_before_id is null or l.id < p_before_id)
    order by l.id desc
    limit greatest(1, least(coalesce(p_limit, 20), 100));
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Service functions
  * -------------------------------------------------------
 */

-- Why: holds a slot while the visitor pays (see the bookings migration); a project deleted
-- between the check and the insert is NOT_FOUND_002 rather than a raw foreign-key error.
create or replace function public.create_booking_hold(
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
  when foreign_key_violation then
    perform private.fail('NOT_FOUND_002', 'project not found');
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid booking fields');
end;
$$;

revoke execute on all functions in schema private from public;
