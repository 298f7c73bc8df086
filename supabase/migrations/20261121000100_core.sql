-- KWq8 core schema: the private schema and its helpers, the price lists (tiers, credit costs),
-- profiles created at sign-up, and projects.
--
-- Conventions for every migration in this folder:
--   * Runs unchanged on a Supabase project (`supabase db push`) and on the local platform layer
--     (supabase/local/platform.sql); it never creates what Supabase provides (auth schema, roles).
--   * RLS is enabled on every table in `public`; Supabase's default grants are revoked wherever a
--     role must not have them, so grants and policies say the same thing.
--   * Errors are raised as `raise exception using errcode = 'P0001', message = '<CODE>', detail = ...`
--     where <CODE> is a key of shared/errors.ts. PostgREST answers HTTP 400
--     {"code":"P0001","message":"<CODE>","details":...}; the Worker maps message -> catalogue entry.
--   * `security definer` functions live in `private` (not exposed by PostgREST) with
--     `set search_path = ''` and schema-qualified names; `public` holds thin invoker wrappers.
--   * Every function reads the time from private.clock(), so tests can move the clock.

/**
  * -------------------------------------------------------
  * Section - Private schema and helpers
  * -------------------------------------------------------
 */

-- Functions PostgREST must not expose: security definer bodies and internal helpers.
create schema if not exists private;
grant usage on schema private to authenticated, service_role;
-- Postgres grants execute on every new function to PUBLIC; each migration ends by revoking that
-- in private, so a private function is callable only by the roles granted below it.

create extension if not exists btree_gist with schema extensions;

-- Why: one clock for every function. Tests move it with `set_config('kwq8.now', ...)`; PostgREST
-- callers cannot set that setting, so in production this is now().
create function private.clock()
  returns timestamptz
  language sql
  stable
  set search_path = ''
as $$
  select coalesce(nullif(current_setting('kwq8.now', true), '')::timestamptz, pg_catalog.now())
$$;
grant execute on function private.clock() to authenticated, service_role;

-- Why: one way to raise a catalogue error, so the convention cannot drift between functions.
create function private.fail(p_code text, p_detail text)
  returns void
  language plpgsql
  immutable
  set search_path = ''
as $$
begin
  raise exception using errcode = 'P0001', message = p_code, detail = p_detail;
end;
$$;
grant execute on function private.fail(text, text) to authenticated, service_role;

-- Why: the caller's user id, refusing requests without one (AUTH_004) and, for functions that
-- spend or grant credits, anonymous sign-ins (AUTH_005: anonymous users are not paying users).
create function private.require_user(p_paid boolean)
  returns uuid
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := auth.uid();
begin
  if v_user_id is null then
    perform private.fail('AUTH_004', 'no signed-in user');
  end if;
  if p_paid and coalesce((auth.jwt() ->> 'is_anonymous')::boolean, false) then
    perform private.fail('AUTH_005', 'anonymous users cannot use paid functions');
  end if;
  return v_user_id;
end;
$$;
grant execute on function private.require_user(boolean) to authenticated;

-- Why: keeps updated_at honest without every caller remembering it.
create function private.set_updated_at()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.updated_at := private.clock();
  return new;
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Health
  * -------------------------------------------------------
 */

-- Why: lets the Worker and uptime checks prove the API can reach the database, for any key.
create function public.health_check()
  returns text
  language sql
  stable
  set search_path = ''
as $$
  select 'ok'::text
$$;
revoke execute on function public.health_check() from public;
grant execute on function public.health_check() to anon, authenticated, service_role;

/**
  * -------------------------------------------------------
  * Section - Price lists
  * -------------------------------------------------------
 */

-- Why: the plans a user can buy; the database copy of shared/pricing.ts TIERS (a test keeps them equal).
create table public.tiers (
  id text primary key,
  price_fils bigint not null check (price_fils > 0),
  currency text not null default 'KWD' check (currency ~ '^[A-Z]{3}$'),
  monthly_credits numeric(12, 1) not null check (monthly_credits > 0),
  daily_bonus numeric(12, 1) not null check (daily_bonus > 0),
  sort_order smallint not null unique
);
comment on table public.tiers is
  'Plans a user can buy: monthly price in fils, monthly credits and the daily bonus. Public price list; mirrors shared/pricing.ts.';

-- Why: what each credit-priced action costs and which plans may use it; mirrors shared/pricing.ts CREDIT_COSTS.
create table public.credit_costs (
  action text primary key check (action ~ '^[a-z][a-z_]*$'),
  credits numeric(12, 1) not null check (credits > 0),
  allowed_tiers text[] check (allowed_tiers <@ array['basic', 'pro', 'premium', 'enterprise'])
);
comment on table public.credit_costs is
  'Credit cost of each action spend_credits accepts; allowed_tiers null means every plan. Public price list; mirrors shared/pricing.ts.';

insert into public.tiers (id, price_fils, monthly_credits, daily_bonus, sort_order) values
  ('basic', 23000, 100, 5, 1),
  ('pro', 38000, 200, 8, 2),
  ('premium', 59000, 350, 12, 3),
  ('enterprise', 75000, 500, 15, 4);

insert into public.credit_costs (action, credits, allowed_tiers) values
  ('chat_message', 1, null),
  ('simple_edit', 0.5, null),
  ('component_generation', 2, null),
  ('page_generation', 3, null),
  ('template_customization', 2, null),
  ('complex_feature', 4, null),
  ('banana_image', 2.5, array['premium', 'enterprise']),
  ('database_setup', 2.5, null),
  ('deployment', 1, null);

alter table public.tiers enable row level security;
alter table public.credit_costs enable row level security;

-- Prices change only through migrations, for every role.
revoke all on public.tiers, public.credit_costs from anon, authenticated, service_role;
grant select on public.tiers, public.credit_costs to anon, authenticated, service_role;

create policy "anyone can read the plans" on public.tiers
  for select to anon, authenticated using (true);
create policy "anyone can read the credit costs" on public.credit_costs
  for select to anon, authenticated using (true);

/**
  * -------------------------------------------------------
  * Section - Profiles
  * -------------------------------------------------------
 */

-- Why: product data about a user that auth.users (GoTrue's) does not hold.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  locale text not null default 'ar' check (locale in ('ar', 'en')),
  tier text references public.tiers (id),
  period_end timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((tier is null) = (period_end is null))
);
comment on table public.profiles is
  'One row per auth.users row, created by a trigger at sign-up: interface locale and the paid plan (tier, end of the paid period; the plan is active while period_end is in the future).';

create trigger profiles_set_updated_at before update on public.profiles
  for each row execute function private.set_updated_at();

alter table public.profiles enable row level security;
-- Profiles come and go with auth.users rows (trigger, cascade), never by a direct insert or delete.
revoke all on public.profiles from anon, authenticated;
revoke insert, delete, truncate on public.profiles from service_role;
-- A user may change their locale; the plan changes only through a verified payment.
grant select, update (locale) on public.profiles to authenticated;

create policy "users can read their own profile" on public.profiles
  for select to authenticated using (id = (select auth.uid()));
create policy "users can update their own profile" on public.profiles
  for update to authenticated using (id = (select auth.uid())) with check (id = (select auth.uid()));

-- Why: every auth.users row gets its profile at sign-up, whatever signs the user up. Definer: the
-- trigger runs as GoTrue's role, which has no rights on public.profiles.
create function private.handle_new_user()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  insert into public.profiles (id, locale)
  values (new.id, case when new.raw_user_meta_data ->> 'locale' = 'en' then 'en' else 'ar' end);
  return new;
end;
$$;

create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();

/**
  * -------------------------------------------------------
  * Section - Projects
  * -------------------------------------------------------
 */

-- Why: a website a user builds; its slug is its public address, so it is unique platform-wide.
create table public.projects (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.profiles (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 120),
  -- Lowercase a-z, digits and Arabic letters in words joined by single hyphens (the Worker slugifies).
  slug text not null unique check (char_length(slug) <= 48 and slug ~ '^[a-z0-9\u0621-\u064a]+(-[a-z0-9\u0621-\u064a]+)*$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.projects is
  'Websites users build. Owned by one user; the slug is the site''s public address and unique across the platform.';

create index projects_owner_id_idx on public.projects (owner_id, created_at desc);

create trigger projects_set_updated_at before update on public.projects
  for each row execute function private.set_updated_at();

alter table public.projects enable row level security;
revoke all on public.projects from anon, authenticated;
grant select, delete on public.projects to authenticated;
grant insert (owner_id, name, slug), update (name) on public.projects to authenticated;

create policy "owners can read their own projects" on public.projects
  for select to authenticated using (owner_id = (select auth.uid()));
create policy "users can create projects they own" on public.projects
  for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "owners can rename their own projects" on public.projects
  for update to authenticated using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy "owners can delete their own projects" on public.projects
  for delete to authenticated using (owner_id = (select auth.uid()));

-- Why: the one JSON shape of a project the API returns.
create function private.project_json(p_project public.projects)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_project.id, 'name', p_project.name, 'slug', p_project.slug,
    'created_at', p_project.created_at, 'updated_at', p_project.updated_at)
$$;
grant execute on function private.project_json(public.projects) to authenticated;

-- Why: the caller's projects, newest first, in the shape of private.project_json.
create function public.list_projects()
  returns table (id uuid, name text, slug text, created_at timestamptz, updated_at timestamptz)
  language sql
  stable
  set search_path = ''
as $$
  select p.id, p.name, p.slug, p.created_at, p.updated_at from public.projects p
  where p.owner_id = private.require_user(false)
  order by p.created_at desc, p.id desc
$$;

-- Why: creates a project owned by the caller; a taken slug is PROJ_001, a malformed one REQ_004.
create function public.create_project(p_name text, p_slug text)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_project public.projects;
begin
  insert into public.projects (owner_id, name, slug)
  values (private.require_user(false), btrim(p_name), p_slug)
  returning * into v_project;
  return private.project_json(v_project);
exception
  when unique_violation then
    perform private.fail('PROJ_001', 'slug already taken');
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid project name or slug');
end;
$$;

-- Why: one of the caller's projects, NOT_FOUND_002 when it is not theirs.
create function public.get_project(p_project_id uuid)
  returns jsonb
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_project public.projects;
begin
  select * into v_project from public.projects where id = p_project_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return private.project_json(v_project);
end;
$$;

-- Why: renames one of the caller's projects (the slug stays: it is the site's address).
create function public.rename_project(p_project_id uuid, p_name text)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_project public.projects;
begin
  update public.projects set name = btrim(p_name) where id = p_project_id returning * into v_project;
  if not found then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return private.project_json(v_project);
exception
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid project name');
end;
$$;

-- Why: deletes one of the caller's projects and, by cascade, its bookings and domains.
create function public.delete_project(p_project_id uuid)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  delete from public.projects where id = p_project_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return jsonb_build_object('id', p_project_id);
end;
$$;

revoke execute on function public.list_projects(), public.create_project(text, text), public.get_project(uuid),
  public.rename_project(uuid, text), public.delete_project(uuid) from public, anon, service_role;
grant execute on function public.list_projects(), public.create_project(text, text), public.get_project(uuid),
  public.rename_project(uuid, text), public.delete_project(uuid) to authenticated;

revoke execute on all functions in schema private from public;
