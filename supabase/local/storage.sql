-- Supabase Storage's schema: what Storage's server creates in every Supabase project before the
-- project's migrations run, reproduced for the local stack and the tests (only the tables,
-- columns and functions the product and the local Storage endpoint use). Migrations must not
-- create any of this themselves; they add buckets and policies to it, as on Supabase.
-- Loaded after platform.sql, and into an existing local database that predates it.

create schema storage;
grant usage on schema storage to anon, authenticated, service_role;
-- Storage's defaults: the API roles may use what is created here, and RLS decides which rows.
alter default privileges in schema storage grant all on tables to anon, authenticated, service_role;
alter default privileges in schema storage grant all on functions to anon, authenticated, service_role;
alter default privileges in schema storage grant all on sequences to anon, authenticated, service_role;

-- Why: a bucket groups objects under one set of limits; `public` buckets are readable by anyone
-- through /object/public/, without RLS. file_size_limit is in bytes; null means Storage's global limit.
create table storage.buckets (
  id text primary key,
  name text not null,
  owner uuid,
  owner_id text,
  public boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
create unique index bname on storage.buckets (name);

-- Why: one row per stored file. `name` is the path inside the bucket; `metadata` is what Storage
-- records after the upload (size, mimetype, eTag, cacheControl, lastModified); `version` names the
-- bytes on disk, so a replaced file never overwrites the bytes a reader may still be sending.
create table storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  metadata jsonb,
  user_metadata jsonb,
  version text,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now()
);
create unique index bucketid_objname on storage.objects (bucket_id, name);
create index name_prefix_search on storage.objects (name text_pattern_ops);

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

-- Why: policies pick objects by folder: foldername('a/b/c.png') = {a,b}.
create function storage.foldername(name text)
  returns text[]
  language plpgsql
  immutable
as $$
declare
  _parts text[] := string_to_array(name, '/');
begin
  return _parts[1 : array_length(_parts, 1) - 1];
end
$$;

-- Why: the last path segment: filename('a/b/c.png') = 'c.png'.
create function storage.filename(name text)
  returns text
  language plpgsql
  immutable
as $$
declare
  _parts text[] := string_to_array(name, '/');
begin
  return _parts[array_length(_parts, 1)];
end
$$;

-- Why: what follows the file name's last dot: extension('a/b/c.png') = 'png'.
create function storage.extension(name text)
  returns text
  language plpgsql
  immutable
as $$
declare
  _parts text[] := string_to_array(name, '/');
begin
  return reverse(split_part(reverse(_parts[array_length(_parts, 1)]), '.', 1));
end
$$;

-- Why: the request's Storage operation (e.g. 'storage.object.upload'), set per request by the
-- Storage server, for policies that distinguish operations.
create function storage.operation()
  returns text
  language sql
  stable
as $$
  select current_setting('storage.operation', true)
$$;

-- Why: the list endpoint (`POST /object/list/<bucket>`): the entries one level below `prefix`
-- (names relative to the prefix; a deeper path shows as its folder, with a null id), optionally
-- narrowed to names starting with `search`, sorted and paged. Security invoker, so the caller
-- lists only the objects the select policies show them. `levels` is kept for Storage's signature.
create function storage.search(
  prefix text,
  bucketname text,
  limits int default 100,
  levels int default 1,
  offsets int default 0,
  search text default '',
  sortcolumn text default 'name',
  sortorder text default 'asc'
)
  returns table (name text, id uuid, updated_at timestamptz, created_at timestamptz, last_accessed_at timestamptz, metadata jsonb)
  language plpgsql
  stable
  security invoker
as $$
declare
  v_match text := lower(coalesce(prefix, '') || coalesce(search, ''));
  v_start int := coalesce(array_length(string_to_array(coalesce(prefix, ''), '/'), 1), 1);
  v_depth int := coalesce(array_length(string_to_array(coalesce(prefix, '') || coalesce(search, ''), '/'), 1), 1);
  v_column text := case lower(coalesce(sortcolumn, 'name'))
    when 'updated_at' then 'updated_at' when 'created_at' then 'created_at'
    when 'last_accessed_at' then 'last_accessed_at' else 'name' end;
  v_order text := case when lower(coalesce(sortorder, 'asc')) = 'desc' then 'desc' else 'asc' end;
begin
  return query execute format(
    $sql$
    with matching as (
      select o.* from storage.objects o
      where o.bucket_id = $1 and left(lower(o.name), length($2)) = $2
    ), entries as (
      select distinct array_to_string(m.path_tokens[$3:$4], '/') as name, null::uuid as id,
             null::timestamptz as updated_at, null::timestamptz as created_at,
             null::timestamptz as last_accessed_at, null::jsonb as metadata
      from matching m where array_length(m.path_tokens, 1) > $4
      union all
      select array_to_string(m.path_tokens[$3:$4], '/'), m.id, m.updated_at, m.created_at, m.last_accessed_at, m.metadata
      from matching m where array_length(m.path_tokens, 1) = $4
    )
    select * from entries
    order by %s
    limit $5 offset $6
    $sql$,
    case when v_column = 'name' then format('lower(entries.name) collate "C" %s', v_order)
         else format('entries.id is not null, entries.%I %s, entries.name', v_column, v_order) end
  ) using bucketname, v_match, v_start, v_depth, least(coalesce(limits, 100), 1500), coalesce(offsets, 0);
end
$$;

-- Why: updated_at follows every change of a row, whoever makes it.
create function storage.update_updated_at_column()
  returns trigger
  language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
create trigger update_objects_updated_at before update on storage.objects
  for each row execute function storage.update_updated_at_column();

-- Why: deleting rows directly would orphan the stored bytes, so Storage refuses deletes unless the
-- statement runs where `storage.allow_delete_query` is 'true' (its own requests set it; so must a
-- migration's function that removes objects, knowing the bytes stay behind).
create function storage.protect_delete()
  returns trigger
  language plpgsql
as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using hint = 'This prevents accidental data loss from orphaned objects.', errcode = '42501';
  end if;
  return null;
end
$$;
create trigger protect_buckets_delete before delete on storage.buckets
  for each statement execute function storage.protect_delete();
create trigger protect_objects_delete before delete on storage.objects
  for each statement execute function storage.protect_delete();
