-- KWq8 project images in Supabase Storage: two buckets, the policies on storage.objects that keep
-- each project's files to its owner, a per-project quota, and files removed with their project.
--
--   * Layout: `<project_id>/<file>` in one of two buckets. `project-assets` is private: files are
--     read with the owner's token or a signed URL. `project-public` is a public bucket: anyone
--     reads its files at /storage/v1/object/public/project-public/<project_id>/<file>, with no
--     token, which is what a published site's <img> needs (a private bucket cannot serve an
--     untokened URL, whatever its policies say). Writing, listing and deleting in either bucket is
--     for the project's owner only. The Worker names files `logo` (public) or a UUID.
--   * Limits: PNG, JPEG and WebP only (SVG refused: it can carry scripts), at most 5 MB a file, in
--     the bucket settings, so Storage refuses anything else before writing; the Worker checks the
--     type again by the file's first bytes. At most 50 files and 50 MB per project over both
--     buckets (private.asset_limits), enforced by a trigger on storage.objects.
--   * Deleting a project deletes its rows in storage.objects (trigger). On Supabase that leaves the
--     bytes in Storage's object store, so the Worker deletes the files through the Storage API
--     first (which removes rows and bytes) and the trigger removes whatever is left.
--
-- On Supabase the storage schema exists before migrations run; the local stack creates the same
-- (supabase/local/storage.sql). This file only adds rows, functions, triggers and policies to it.

/**
  * -------------------------------------------------------
  * Section - Buckets and limits
  * -------------------------------------------------------
 */

-- Why: project images a published site does not show (drafts, uploads in progress): private.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('project-assets', 'project-assets', false, 5242880, array['image/png', 'image/jpeg', 'image/webp']);

-- Why: project images a published site shows (logo, gallery): readable by anyone through
-- Storage's public route; every write still passes the owner policies below.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('project-public', 'project-public', true, 5242880, array['image/png', 'image/jpeg', 'image/webp']);

-- Why: how much one project may keep over both buckets (operators change it with SQL:
-- `update private.asset_limits set ...`). One row; read by private.enforce_asset_quota only.
create table private.asset_limits (
  id boolean primary key default true check (id),
  files_per_project integer not null default 50 check (files_per_project between 1 and 100000),
  bytes_per_project bigint not null default 52428800 check (bytes_per_project between 1 and 1099511627776)
);
comment on table private.asset_limits is
  'Per-project quota of the project-assets and project-public buckets together: files and bytes. One row, changed by operators with SQL.';
insert into private.asset_limits default values;
alter table private.asset_limits enable row level security;
revoke all on private.asset_limits from public, anon, authenticated, service_role;

/**
  * -------------------------------------------------------
  * Section - Policies
  * -------------------------------------------------------
 */

-- Why: the project an object belongs to, from the first folder of its name; null when that folder
-- is not a UUID (so policies compare instead of failing on a bad cast).
create function private.asset_project_id(p_name text)
  returns uuid
  language sql
  immutable
  set search_path = ''
as $$
  select case when f[1] ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then f[1]::uuid end
  from (select storage.foldername(p_name) as f) folders
$$;

-- Why: the one rule of the policies: the object lies in the folder of a project the caller owns.
-- Invoker: it reads projects under the caller's own RLS (owners read their projects).
create function private.owns_asset_folder(p_name text)
  returns boolean
  language sql
  stable
  set search_path = ''
as $$
  select exists (
    select 1 from public.projects p
    where p.id = private.asset_project_id(p_name) and p.owner_id = (select auth.uid())
  )
$$;
grant execute on function private.asset_project_id(text), private.owns_asset_folder(text) to authenticated, service_role;

create policy "project owners add project images" on storage.objects
  for insert to authenticated
  with check (bucket_id in ('project-assets', 'project-public') and private.owns_asset_folder(name));
create policy "project owners read and list project images" on storage.objects
  for select to authenticated
  using (bucket_id in ('project-assets', 'project-public') and private.owns_asset_folder(name));
create policy "project owners replace project images" on storage.objects
  for update to authenticated
  using (bucket_id in ('project-assets', 'project-public') and private.owns_asset_folder(name))
  with check (bucket_id in ('project-assets', 'project-public') and private.owns_asset_folder(name));
create policy "project owners delete project images" on storage.objects
  for delete to authenticated
  using (bucket_id in ('project-assets', 'project-public') and private.owns_asset_folder(name));

/**
  * -------------------------------------------------------
  * Section - Quota
  * -------------------------------------------------------
 */

-- Why: an object's size as Storage records it: `size` once stored, the declared `contentLength`
-- while Storage tests an upload's permission before writing it.
create function private.asset_size(p_metadata jsonb)
  returns bigint
  language sql
  immutable
  set search_path = ''
as $$
  select coalesce(
    case when jsonb_typeof(p_metadata -> 'size') = 'number' then floor((p_metadata ->> 'size')::numeric)::bigint end,
    case when jsonb_typeof(p_metadata -> 'contentLength') = 'number' then floor((p_metadata ->> 'contentLength')::numeric)::bigint end,
    0
  )
$$;

-- Why: a project keeps at most files_per_project files and bytes_per_project bytes over
-- both buckets, whoever writes (Storage writes the final row as itself, past the policies). One
-- project's writes take turns, so concurrent uploads cannot all pass. Raised as 42501 (not
-- P0001): Storage passes only privilege errors' messages through to the client, so the Worker
-- and supabase-js see `ASSET_003` as a 403. Fires during Storage's permission test too, so an
-- upload over the quota is refused before its bytes are stored. Definer: it counts the project's
-- objects whoever the caller is.
create function private.enforce_asset_quota()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project_id uuid := private.asset_project_id(new.name);
  v_limits private.asset_limits;
  v_files bigint;
  v_bytes bigint;
begin
  if new.bucket_id not in ('project-assets', 'project-public') or v_project_id is null then
    return new;
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('project_assets:' || v_project_id::text, 0));
  select * into strict v_limits from private.asset_limits;
  select count(*), coalesce(sum(private.asset_size(o.metadata)), 0) into v_files, v_bytes
  from storage.objects o
  where o.bucket_id in ('project-assets', 'project-public')
    and o.name like v_project_id::text || '/%'
    and (o.bucket_id, o.name) is distinct from (new.bucket_id, new.name);
  if v_files + 1 > v_limits.files_per_project or v_bytes + private.asset_size(new.metadata) > v_limits.bytes_per_project then
    raise exception using errcode = '42501', message = 'ASSET_003', detail = 'project file quota reached';
  end if;
  return new;
end;
$$;

create trigger enforce_asset_quota before insert or update of bucket_id, name, metadata on storage.objects
  for each row execute function private.enforce_asset_quota();

/**
  * -------------------------------------------------------
  * Section - Deleting a project
  * -------------------------------------------------------
 */

-- Why: no file row outlives its project, however the project goes (delete_project, or a deleted
-- account's cascade). Storage refuses direct deletes unless storage.allow_delete_query is set: the
-- bytes stay in Storage's object store, which is why the Worker deletes through the Storage API
-- first; this is the guarantee for rows it could not reach. Definer: the deleting user has no
-- rights on other rows of storage.objects, and the setting is restored afterwards.
create function private.remove_project_assets()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_allow text := current_setting('storage.allow_delete_query', true);
begin
  perform pg_catalog.set_config('storage.allow_delete_query', 'true', true);
  delete from storage.objects
  where bucket_id in ('project-assets', 'project-public') and name like old.id::text || '/%';
  perform pg_catalog.set_config('storage.allow_delete_query', coalesce(v_allow, ''), true);
  return old;
end;
$$;

create trigger remove_project_assets after delete on public.projects
  for each row execute function private.remove_project_assets();

-- Why: the rule for deleting a project, shared by delete_project and the check the Worker makes
-- before it deletes the project's files: the caller owns it (NOT_FOUND_002) and no confirmed
-- booking is still to come (PROJ_004). Takes the project's bookings lock, so no confirmation lands
-- between the check and a delete in the same transaction. Definer: bookings are read for the rule.
create function private.assert_project_deletable(p_project_id uuid, p_user_id uuid)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if not exists (select 1 from public.projects where id = p_project_id and owner_id = p_user_id) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  perform private.lock_project_bookings(p_project_id);
  if exists (
    select 1 from public.bookings
    where project_id = p_project_id and status = 'confirmed' and upper(slot) > private.clock()
  ) then
    perform private.fail('PROJ_004', 'the project has confirmed bookings still to come');
  end if;
end;
$$;

-- Why: deletes one of a registered caller's projects and, by cascade and trigger, its bookings,
-- domains and file rows, under private.assert_project_deletable's rule. Definer: users cannot
-- delete projects directly.
create or replace function private.delete_project(p_project_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
begin
  perform private.assert_project_deletable(p_project_id, v_user_id);
  delete from public.projects where id = p_project_id and owner_id = v_user_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return jsonb_build_object('id', p_project_id);
end;
$$;

-- Why: lets a registered owner ask whether delete_project would succeed, without deleting (the
-- Worker asks before removing the project's files, so a refused deletion keeps them).
create function private.check_project_deletable(p_project_id uuid)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform private.assert_project_deletable(p_project_id, private.require_user(true));
end;
$$;
grant execute on function private.check_project_deletable(uuid) to authenticated;

-- Why: the API entry point of private.check_project_deletable.
create function public.check_project_deletable(p_project_id uuid)
  returns void
  language sql
  set search_path = ''
as $$
  select private.check_project_deletable(p_project_id)
$$;
revoke execute on function public.check_project_deletable(uuid) from public, anon, service_role;

revoke execute on all functions in schema private from public;
