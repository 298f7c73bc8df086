-- KWq8 sites: one site per project, made of immutable versions of a JSON document (built and
-- validated by shared/site/ in TypeScript); the draft and the published site are pointers to
-- versions; publishing charges the `deployment` action once per idempotency key; visitors of a
-- published site read it by slug or verified domain and send its contact forms to the owner.
--
-- The document: SQL checks only its envelope (a JSON object, schemaVersion 1, a `pages` array,
-- at most 256 KiB as text). Its content is checked by the Worker (zod) before save_site_version,
-- which is why that function is service-only: no key the public holds can store a document the
-- Worker did not validate.
--
-- RPC surface (named arguments, as PostgREST passes them):
--   service_role (the Worker, after validating the document):
--     save_site_version(p_user_id uuid, p_project_id uuid, p_base_version_id uuid, p_document jsonb,
--         p_made_by text, p_summary text default null, p_action text default null,
--         p_generation_id uuid default null) returns jsonb     -- {version, site}
--         -- SITE_002 when p_base_version_id is not the current draft (null: no draft yet),
--         -- SITE_003 for a document outside the envelope, AUTH_005/AUTH_007 for the user,
--         -- NOT_FOUND_002 when the user does not own the project
--     submit_site_form(p_project_id uuid, p_section_id text, p_fields jsonb) returns jsonb   -- {id}
--         -- SITE_001 unless the published document has that contact_form section, REQ_004 for
--         -- fields that are not up to 8 short strings, SITE_005 past the hourly cap
--   anon, authenticated and service_role (a published site is public; no drafts, no personal data):
--     published_site(p_slug text default null, p_domain text default null) returns jsonb | null
--         -- {projectId, slug, versionId, publishedAt}; null when unknown or not published
--     published_site_document(p_version_id uuid) returns jsonb | null
--         -- {projectId, slug, projectName, versionId, publishedAt, document, services}; null
--         -- unless that version is published now
--   authenticated, the project's owner only (registered users: AUTH_005 for anonymous sign-ins;
--   anyone else NOT_FOUND_002, as for a project that does not exist):
--     get_site(p_project_id uuid) returns jsonb             -- site pointers and the draft document
--     list_site_versions(p_project_id uuid, p_limit integer default 50,
--         p_before_number integer default null) returns jsonb    -- array, newest first, no documents
--     get_site_version(p_project_id uuid, p_version_id uuid) returns jsonb   -- with its document
--     restore_site_version(p_project_id uuid, p_version_id uuid, p_base_version_id uuid) returns jsonb
--         -- {version, site}: free; a new draft copying that version (SITE_002 when stale)
--     publish_site(p_project_id uuid, p_version_id uuid, p_idempotency_key text) returns jsonb
--         -- {publish, site, cost, balance, replayed}; charges `deployment` once per key;
--         -- SITE_002 unless p_version_id is the draft, SITE_004 when it is already the published
--         -- version, CREDIT_001 when short (nothing moves), REQ_006 for a key reused otherwise
--     unpublish_site(p_project_id uuid) returns jsonb       -- free
--     site_form_submissions(p_project_id uuid, p_limit integer default 50,
--         p_before timestamptz default null) returns jsonb  -- array, newest first
--     mark_site_form_read(p_project_id uuid, p_submission_id uuid) returns jsonb
--
-- Versions never change: a trigger refuses UPDATE and DELETE for every role, the table owner
-- included, except the cascade of a deleted site (its project deleted) and the quota's pruning
-- (private.prune_site_versions, which sets a transaction-local flag no API caller can set). The
-- submission is service-only, like create_public_booking_hold: it stores a visitor's personal
-- data, and the Worker (rate limit per IP, honeypot) must be its only door.
--
-- Outbox topic: form.submitted {submission_id, project_id, project_slug, project_name,
-- section_id, fields, created_at}, routed to the project's Make webhook like booking events (which
-- carry the client's contact details for the same reason: Make e-mails them to the owner).

/**
  * -------------------------------------------------------
  * Section - Limits and document rules
  * -------------------------------------------------------
 */

-- Why: how much one site may hold, changeable without a migration (`update private.site_limits
-- set ...`). One row; read by the definer functions only.
create table private.site_limits (
  id boolean primary key default true check (id),
  versions_per_project integer not null default 200 check (versions_per_project between 10 and 100000),
  form_submissions_per_hour integer not null default 100 check (form_submissions_per_hour between 1 and 100000)
);
comment on table private.site_limits is
  'Per-project site limits: how many versions are kept (older unpinned ones are pruned) and how many contact-form submissions are accepted in any hour. One row, changed by operators with SQL.';
insert into private.site_limits default values;
alter table private.site_limits enable row level security;
revoke all on private.site_limits from public, anon, authenticated, service_role;

-- Why: the envelope of a site document that SQL can hold without knowing the section catalogue:
-- an object with schemaVersion 1 and a pages array, at most 256 KiB as text. Used by the versions
-- table's check, so it never raises.
create function private.is_site_document(p_document jsonb)
  returns boolean
  language sql
  immutable
  set search_path = ''
as $$
  select coalesce(
    pg_catalog.jsonb_typeof(p_document) = 'object'
    and p_document -> 'schemaVersion' = '1'::jsonb
    and pg_catalog.jsonb_typeof(p_document -> 'pages') = 'array'
    and pg_catalog.octet_length(p_document::text) <= 262144,
    false)
$$;

-- Why: what a visitor may send through a contact form: an object of 1 to 8 fields, each a string
-- of at most 2000 characters under a key of 1 to 64 characters, 8 KiB in all. Used by the
-- submissions table's check, so it never raises.
create function private.is_form_fields(p_fields jsonb)
  returns boolean
  language plpgsql
  immutable
  set search_path = ''
as $$
begin
  if p_fields is null or pg_catalog.jsonb_typeof(p_fields) <> 'object' or pg_catalog.octet_length(p_fields::text) > 8192 then
    return false;
  end if;
  return (select count(*) between 1 and 8
      and bool_and(pg_catalog.jsonb_typeof(e.value) = 'string'
        and char_length(e.value #>> '{}') <= 2000
        and char_length(e.key) between 1 and 64)
    from pg_catalog.jsonb_each(p_fields) e);
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Tables
  * -------------------------------------------------------
 */

-- Why: a project's site: which version is the draft the owner edits and which one visitors see.
create table public.sites (
  project_id uuid primary key references public.projects (id) on delete cascade,
  draft_version_id uuid,
  published_version_id uuid,
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((published_version_id is null) = (published_at is null))
);
comment on table public.sites is
  'One row per project (created with it): pointers to the draft version and the published version. Changed only through the site functions; owners read their own.';
comment on column public.sites.project_id is 'The project; written once, by the trigger that creates the site with its project.';
comment on column public.sites.draft_version_id is 'The version the owner edits; null before the first save. Moved by save_site_version and restore_site_version only.';
comment on column public.sites.published_version_id is 'The version visitors see; null when not published. Moved by publish_site and unpublish_site only.';
comment on column public.sites.published_at is 'When the published version was published; null when not published. Written with published_version_id.';

-- Why: every saved state of a site's document, never changed afterwards, so undo, restore and
-- the published site can always point at exactly what the owner saw.
create table public.site_versions (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.sites (project_id) on delete cascade,
  parent_id uuid,
  number integer not null check (number > 0),
  document jsonb not null check (private.is_site_document(document)),
  made_by text not null check (made_by in ('template', 'owner', 'restore', 'ai')),
  action text references public.credit_costs (action),
  generation_id uuid,
  summary text check (char_length(summary) between 1 and 200),
  -- No foreign key: a deleted account takes its projects (and so these rows) with it anyway.
  created_by uuid not null,
  created_at timestamptz not null default now(),
  unique (project_id, number),
  unique (project_id, id),
  -- The parent is a version of the same site; pruning it leaves the child without one.
  foreign key (project_id, parent_id) references public.site_versions (project_id, id) on delete set null (parent_id),
  check ((made_by = 'ai') = (action is not null)),
  check (generation_id is null or made_by = 'ai')
);
comment on table public.site_versions is
  'Immutable versions of a site document, numbered 1, 2, 3 … per project, each with its parent (the draft it was made from). Written by save_site_version and restore_site_version only; never updated; deleted only with the site or by the quota''s pruning.';
comment on column public.site_versions.project_id is 'The site (project) the version belongs to. Written at insert by the site functions.';
comment on column public.site_versions.parent_id is 'The draft this version was made from; null for the first version or when the parent was pruned. Written at insert (pruning may clear it).';
comment on column public.site_versions.number is 'Position in the site''s history (last + 1). Written at insert by the site functions, under the site row lock.';
comment on column public.site_versions.document is 'The site document (shared/site/), validated by the Worker; SQL checks its envelope. Written at insert only.';
comment on column public.site_versions.made_by is 'template, owner (a manual edit), restore (a copy of an older version) or ai (a generation). Written at insert only.';
comment on column public.site_versions.action is 'The credit action an AI version was charged as (ai versions only). Written at insert by the service.';
comment on column public.site_versions.generation_id is 'The generation that produced an AI version, for its issue trail. Written at insert by the service.';
comment on column public.site_versions.summary is 'What changed, in at most 200 characters. Written at insert only.';
comment on column public.site_versions.created_by is 'The user the version was saved for (the project''s owner). Written at insert only.';

create index site_versions_project_id_idx on public.site_versions (project_id, number desc);
create index site_versions_parent_idx on public.site_versions (project_id, parent_id);

-- The pointers point at versions of the same site. Checked when the statement ends, so a site and
-- its versions can go in one cascade; pruning never picks a pointed-at version, and this makes
-- sure of it.
alter table public.sites
  add foreign key (project_id, draft_version_id) references public.site_versions (project_id, id),
  add foreign key (project_id, published_version_id) references public.site_versions (project_id, id);
create index sites_published_version_id_idx on public.sites (published_version_id) where published_version_id is not null;

-- Why: the record of each publish, and the idempotency record that makes a repeated publish
-- request return the first answer without charging again.
create table public.site_publishes (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.sites (project_id) on delete cascade,
  -- No foreign key: the record outlives the version if the quota prunes it later.
  version_id uuid not null,
  version_number integer not null check (version_number > 0),
  idempotency_key text not null check (char_length(idempotency_key) between 1 and 200),
  -- No foreign key: the ledger belongs to the account, the publish record to the project.
  ledger_id bigint not null,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  unique (project_id, idempotency_key)
);
comment on table public.site_publishes is
  'Each publish of a site: the version made public, the deployment charge (credit_ledger id) and the request''s idempotency key. Written by publish_site only; owners read their own.';
comment on column public.site_publishes.version_id is 'The version published. Written by publish_site.';
comment on column public.site_publishes.version_number is 'That version''s number, kept if the version is pruned later. Written by publish_site.';
comment on column public.site_publishes.idempotency_key is 'The Idempotency-Key of the publish request; a repeat returns this record. Written by publish_site.';
comment on column public.site_publishes.ledger_id is 'The credit_ledger row of the deployment charge. Written by publish_site.';
comment on column public.site_publishes.created_by is 'The owner who published. Written by publish_site.';

create index site_publishes_project_id_idx on public.site_publishes (project_id, created_at desc);

-- Why: what visitors send through a published site's contact form, the owner's inbox.
create table public.site_form_submissions (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  section_id text not null check (char_length(section_id) between 1 and 100),
  fields jsonb not null check (private.is_form_fields(fields)),
  created_at timestamptz not null default now(),
  read_at timestamptz
);
comment on table public.site_form_submissions is
  'Contact-form messages from visitors of published sites (personal data). Written by submit_site_form only (the Worker); owners read their own project''s and mark them read.';
comment on column public.site_form_submissions.section_id is 'The contact_form section of the published document the message was sent from. Written by submit_site_form.';
comment on column public.site_form_submissions.fields is 'The visitor''s answers: up to 8 short strings by field key. Written by submit_site_form.';
comment on column public.site_form_submissions.read_at is 'When the owner first marked it read; null while unread. Written by mark_site_form_read.';

create index site_form_submissions_project_id_idx on public.site_form_submissions (project_id, created_at desc, id desc);

create trigger sites_set_updated_at before update on public.sites
  for each row execute function private.set_updated_at();

alter table public.sites enable row level security;
alter table public.site_versions enable row level security;
alter table public.site_publishes enable row level security;
alter table public.site_form_submissions enable row level security;

-- Read-only for every API role, the service included: writes go through the functions below.
revoke all on public.sites, public.site_versions, public.site_publishes, public.site_form_submissions
  from anon, authenticated, service_role;
grant select on public.sites, public.site_versions, public.site_publishes, public.site_form_submissions
  to authenticated, service_role;

create policy "project owners can read their sites" on public.sites
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));
create policy "project owners can read their site versions" on public.site_versions
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));
create policy "project owners can read their site publishes" on public.site_publishes
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));
create policy "project owners can read their form submissions" on public.site_form_submissions
  for select to authenticated
  using (project_id in (select p.id from public.projects p where p.owner_id = (select auth.uid())));

/**
  * -------------------------------------------------------
  * Section - Triggers: a site per project, immutable versions
  * -------------------------------------------------------
 */

-- Why: every project has its site row from the start, whoever creates the project, so the site
-- functions can lock it. Definer: the creating role has no rights on public.sites.
create function private.create_project_site()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  insert into public.sites (project_id, created_at, updated_at)
  values (new.id, private.clock(), private.clock())
  on conflict (project_id) do nothing;
  return null;
end;
$$;

create trigger projects_create_site after insert on public.projects
  for each row execute function private.create_project_site();

insert into public.sites (project_id) select p.id from public.projects p on conflict (project_id) do nothing;

-- Why: a version is what an owner saw, published or restored; changing one would rewrite history
-- under a pointer. Refused for every role, except: deleting a site's versions once the site row
-- itself is gone (the project's cascade), and private.prune_site_versions (its transaction-local
-- flag), which deletes old versions and clears their children's parent_id.
create function private.guard_site_version()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if pg_catalog.current_setting('kwq8.site_version_prune', true) = 'on' then
    if tg_op = 'DELETE' then
      return old;
    end if;
    if new.parent_id is null and (to_jsonb(new) - 'parent_id') = (to_jsonb(old) - 'parent_id') then
      return new;
    end if;
  end if;
  if tg_op = 'DELETE' and not exists (select 1 from public.sites s where s.project_id = old.project_id) then
    return old;
  end if;
  raise exception using errcode = 'restrict_violation', message = 'site versions are immutable',
    detail = tg_op || ' of site version ' || old.id;
end;
$$;

create trigger site_versions_immutable before update or delete on public.site_versions
  for each row execute function private.guard_site_version();

-- Why: TRUNCATE skips row triggers; versions are never emptied in bulk.
create function private.refuse_site_versions_truncate()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  raise exception using errcode = 'restrict_violation', message = 'site versions are immutable', detail = 'truncate';
end;
$$;

create trigger site_versions_no_truncate before truncate on public.site_versions
  for each statement execute function private.refuse_site_versions_truncate();

/**
  * -------------------------------------------------------
  * Section - Private helpers
  * -------------------------------------------------------
 */

-- Why: the user a service call acts for must be able to use paid functions, as
-- private.require_user(true) demands of a caller: an existing account (AUTH_007) that is not an
-- anonymous sign-in (AUTH_005). Definer: auth.users is not readable by API roles.
create function private.require_paid_user(p_user_id uuid)
  returns uuid
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_is_anonymous boolean;
begin
  if p_user_id is null then
    perform private.fail('AUTH_004', 'no user given');
  end if;
  select u.is_anonymous into v_is_anonymous from auth.users u where u.id = p_user_id and u.deleted_at is null;
  if not found then
    perform private.fail('AUTH_007', 'the account no longer exists');
  end if;
  if v_is_anonymous then
    perform private.fail('AUTH_005', 'anonymous users cannot use this function');
  end if;
  return p_user_id;
end;
$$;

-- Why: every change of a site starts here: the row lock serialises a site's saves, restores and
-- publishes, so exactly one of two changes made from the same draft wins. Creates the row for a
-- project that somehow lacks one.
create function private.lock_site(p_project_id uuid)
  returns public.sites
  language plpgsql
  set search_path = ''
as $$
declare
  v_site public.sites;
begin
  insert into public.sites (project_id) values (p_project_id) on conflict (project_id) do nothing;
  select * into strict v_site from public.sites where project_id = p_project_id for update;
  return v_site;
end;
$$;

-- Why: the one JSON shape of a site's pointers.
create function private.site_json(p_site public.sites, p_slug text)
  returns jsonb
  language sql
  immutable
  set search_path = ''
as $$
  select jsonb_build_object(
    'projectId', p_site.project_id, 'slug', p_slug,
    'draftVersionId', p_site.draft_version_id, 'publishedVersionId', p_site.published_version_id,
    'publishedAt', p_site.published_at, 'updatedAt', p_site.updated_at)
$$;

-- Why: the one JSON shape of a version (its document only where asked for), with whether it is
-- the site's draft or published version now.
create function private.site_version_json(p_version public.site_versions, p_site public.sites, p_with_document boolean)
  returns jsonb
  language sql
  immutable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_version.id, 'number', p_version.number, 'parentId', p_version.parent_id,
    'madeBy', p_version.made_by, 'action', p_version.action, 'generationId', p_version.generation_id,
    'summary', p_version.summary, 'createdAt', p_version.created_at,
    'isDraft', p_version.id is not distinct from p_site.draft_version_id,
    'isPublished', p_version.id is not distinct from p_site.published_version_id)
    || case when p_with_document then jsonb_build_object('document', p_version.document) else '{}'::jsonb end
$$;

-- Why: the one JSON shape of a publish record.
create function private.site_publish_json(p_publish public.site_publishes)
  returns jsonb
  language sql
  immutable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_publish.id, 'projectId', p_publish.project_id, 'versionId', p_publish.version_id,
    'versionNumber', p_publish.version_number, 'ledgerId', p_publish.ledger_id, 'createdAt', p_publish.created_at)
$$;

-- Why: the one JSON shape of a contact-form submission in the owner's inbox.
create function private.site_form_submission_json(p_submission public.site_form_submissions)
  returns jsonb
  language sql
  immutable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_submission.id, 'sectionId', p_submission.section_id, 'fields', p_submission.fields,
    'createdAt', p_submission.created_at, 'readAt', p_submission.read_at)
$$;

-- Why: keeps a site within its version quota by deleting its oldest versions that are neither the
-- draft nor published (their children lose their parent_id). The caller holds the site lock. The
-- flag it sets is the only way past the immutability trigger, and lasts only for the delete.
create function private.prune_site_versions(p_project_id uuid)
  returns integer
  language plpgsql
  set search_path = ''
as $$
declare
  v_limit integer := (select l.versions_per_project from private.site_limits l);
  v_excess integer;
  v_deleted integer;
begin
  v_excess := (select count(*) from public.site_versions v where v.project_id = p_project_id) - v_limit;
  if v_excess <= 0 then
    return 0;
  end if;
  perform pg_catalog.set_config('kwq8.site_version_prune', 'on', true);
  delete from public.site_versions v
  where v.id in (
    select o.id from public.site_versions o join public.sites s on s.project_id = o.project_id
    where o.project_id = p_project_id
      and o.id is distinct from s.draft_version_id and o.id is distinct from s.published_version_id
    order by o.number
    limit v_excess);
  get diagnostics v_deleted = row_count;
  perform pg_catalog.set_config('kwq8.site_version_prune', '', true);
  return v_deleted;
end;
$$;

-- Why: the one writer of versions: under the site lock, refuses a stale base (SITE_002) and a
-- document outside the envelope (SITE_003), stores the next version with the current draft as its
-- parent, moves the draft pointer and prunes past the quota.
create function private.insert_site_version(
  p_project public.projects,
  p_user_id uuid,
  p_base_version_id uuid,
  p_document jsonb,
  p_made_by text,
  p_summary text,
  p_action text,
  p_generation_id uuid
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_site public.sites := private.lock_site(p_project.id);
  v_version public.site_versions;
begin
  if p_base_version_id is distinct from v_site.draft_version_id then
    perform private.fail('SITE_002', 'the draft changed meanwhile');
  end if;
  if not private.is_site_document(p_document) then
    perform private.fail('SITE_003', 'the document is not a schemaVersion 1 object with pages, or is larger than 256 KiB');
  end if;

  begin
    insert into public.site_versions (project_id, parent_id, number, document, made_by, action, generation_id, summary, created_by, created_at)
    values (p_project.id, v_site.draft_version_id,
      coalesce((select max(v.number) from public.site_versions v where v.project_id = p_project.id), 0) + 1,
      p_document, p_made_by, p_action, p_generation_id, nullif(private.trim_js(p_summary), ''), p_user_id, private.clock())
    returning * into v_version;
  exception
    when check_violation or not_null_violation or foreign_key_violation then
      perform private.fail('REQ_004', 'invalid version fields (made_by, action, generation or summary)');
  end;

  update public.sites set draft_version_id = v_version.id where project_id = p_project.id returning * into v_site;
  perform private.prune_site_versions(p_project.id);
  return jsonb_build_object(
    'version', private.site_version_json(v_version, v_site, false),
    'site', private.site_json(v_site, p_project.slug));
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Service functions
  * -------------------------------------------------------
 */

-- Why: stores a document the Worker has validated as the project's new draft, for a registered
-- user who owns the project. Definer: versions and pointers are not writable by any API role.
create function private.save_site_version(
  p_user_id uuid,
  p_project_id uuid,
  p_base_version_id uuid,
  p_document jsonb,
  p_made_by text,
  p_summary text,
  p_action text,
  p_generation_id uuid
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_paid_user(p_user_id);
  v_project public.projects;
begin
  select * into v_project from public.projects where id = p_project_id and owner_id = v_user_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return private.insert_site_version(v_project, v_user_id, p_base_version_id, p_document, p_made_by,
    p_summary, p_action, p_generation_id);
end;
$$;

-- Why: stores a visitor's contact-form message for a published site whose published document has
-- a contact_form section with that id (SITE_001 otherwise), within the project's hourly cap
-- (SITE_005), and tells Make in the same transaction. Definer: visitors cannot write the inbox or
-- the outbox, nor read unpublished documents.
create function private.submit_site_form(p_project_id uuid, p_section_id text, p_fields jsonb)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects;
  v_now timestamptz := private.clock();
  v_submission public.site_form_submissions;
begin
  if p_section_id is null or char_length(p_section_id) not between 1 and 100 then
    perform private.fail('SITE_001', 'no such form');
  end if;
  if not private.is_form_fields(p_fields) then
    perform private.fail('REQ_004', 'fields must be 1 to 8 strings of at most 2000 characters, 8 KiB in all');
  end if;
  select p.* into v_project
  from public.projects p
  join public.sites s on s.project_id = p.id
  join public.site_versions v on v.id = s.published_version_id
  where p.id = p_project_id
    and pg_catalog.jsonb_path_exists(v.document,
      '$.pages[*].sections[*] ? (@.type == "contact_form" && @.id == $id)', jsonb_build_object('id', p_section_id));
  if not found then
    perform private.fail('SITE_001', 'the site is not published or has no such contact form');
  end if;

  -- One submission at a time per project, so concurrent ones cannot both pass the cap.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('site_form:' || p_project_id::text, 0));
  if (select count(*) from public.site_form_submissions f
      where f.project_id = p_project_id and f.created_at > v_now - interval '1 hour')
    >= (select l.form_submissions_per_hour from private.site_limits l) then
    perform private.fail('SITE_005', 'too many form submissions for this project in the last hour');
  end if;

  insert into public.site_form_submissions (project_id, section_id, fields, created_at)
  values (p_project_id, p_section_id, p_fields, v_now)
  returning * into v_submission;
  insert into public.outbox (topic, payload, aggregate, project_id, created_at, available_at)
  values ('form.submitted', jsonb_build_object(
      'submission_id', v_submission.id, 'project_id', v_project.id, 'project_slug', v_project.slug,
      'project_name', v_project.name, 'section_id', v_submission.section_id, 'fields', v_submission.fields,
      'created_at', v_submission.created_at),
    'form_submission:' || v_submission.id, v_project.id, v_now, v_now);
  return jsonb_build_object('id', v_submission.id);
exception
  when foreign_key_violation then
    perform private.fail('SITE_001', 'the site was deleted meanwhile');
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Public functions (visitors, no account)
  * -------------------------------------------------------
 */

-- Why: which published version a visitor's host names, by the project's slug (look-alike letters
-- folded, as slug_key) or an active domain of the project (ASCII, any case, a trailing dot
-- ignored). Ids only, so the Worker can serve its cached pages for that version. Definer:
-- visitors cannot read projects, sites or domains.
create function private.published_site(p_slug text, p_domain text)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project_id uuid;
  v_answer jsonb;
begin
  if p_slug is not null and char_length(p_slug) <= 200 then
    select p.id into v_project_id from public.projects p where p.slug_key = private.fold_slug_letters(p_slug);
  elsif p_slug is null and p_domain is not null and char_length(p_domain) <= 254 then
    select d.project_id into v_project_id from public.domains d
    where d.name = pg_catalog.rtrim(pg_catalog.lower(p_domain), '.') and d.status = 'active';
  end if;
  if v_project_id is null then
    return null;
  end if;
  select jsonb_build_object('projectId', p.id, 'slug', p.slug, 'versionId', s.published_version_id, 'publishedAt', s.published_at)
  into v_answer
  from public.projects p join public.sites s on s.project_id = p.id
  where p.id = v_project_id and s.published_version_id is not null;
  return v_answer;
end;
$$;

-- Why: what the renderer needs for a published version: the document, the project's name and
-- address, and its active services for a booking section (public fields only). Null unless the
-- version is the one published now, so a draft id leaks nothing. Definer: visitors cannot read
-- these tables.
create function private.published_site_document(p_version_id uuid)
  returns jsonb
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select jsonb_build_object(
    'projectId', p.id, 'slug', p.slug, 'projectName', p.name,
    'versionId', v.id, 'publishedAt', s.published_at, 'document', v.document,
    'services', (select coalesce(jsonb_agg(private.service_json(sv) - 'active' - 'buffer_minutes' order by sv.created_at, sv.id), '[]'::jsonb)
      from public.services sv where sv.project_id = p.id and sv.active))
  from public.sites s
  join public.site_versions v on v.id = s.published_version_id
  join public.projects p on p.id = s.project_id
  where s.published_version_id = p_version_id
$$;

/**
  * -------------------------------------------------------
  * Section - Owner functions
  * -------------------------------------------------------
 */

-- Why: what the builder opens with: the site's pointers and the draft with its document.
-- Definer: versions are read with the site in one snapshot.
create function private.get_site(p_project_id uuid)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_site public.sites;
  v_draft public.site_versions;
begin
  select * into v_site from public.sites where project_id = v_project.id;
  if not found then
    perform private.fail('SITE_001', 'the project has no site');
  end if;
  select * into v_draft from public.site_versions where id = v_site.draft_version_id;
  return private.site_json(v_site, v_project.slug) || jsonb_build_object(
    'draft', case when v_draft.id is not null then private.site_version_json(v_draft, v_site, true) end);
end;
$$;

-- Why: the site's history for the owner, newest first, without documents, one keyset page at a
-- time (number < p_before_number).
create function private.list_site_versions(p_project_id uuid, p_limit integer, p_before_number integer)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_site public.sites;
begin
  select * into v_site from public.sites where project_id = v_project.id;
  return (
    select coalesce(jsonb_agg(private.site_version_json(page, v_site, false) order by page.number desc), '[]'::jsonb)
    from (
      select v.* from public.site_versions v
      where v.project_id = v_project.id and (p_before_number is null or v.number < p_before_number)
      order by v.number desc
      limit greatest(1, least(coalesce(p_limit, 50), 100))
    ) page);
end;
$$;

-- Why: one version of the owner's site with its document (preview, compare, restore).
create function private.get_site_version(p_project_id uuid, p_version_id uuid)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_site public.sites;
  v_version public.site_versions;
begin
  select * into v_version from public.site_versions where id = p_version_id and project_id = v_project.id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'version not found');
  end if;
  select * into v_site from public.sites where project_id = v_project.id;
  return private.site_version_json(v_version, v_site, true);
end;
$$;

-- Why: undo and restore as a forward step: a new draft copying an older version's document, so
-- nothing is lost and the history stays linear. Free. Definer: versions are not writable by users.
create function private.restore_site_version(p_project_id uuid, p_version_id uuid, p_base_version_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_source public.site_versions;
begin
  select * into v_source from public.site_versions where id = p_version_id and project_id = v_project.id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'version not found');
  end if;
  return private.insert_site_version(v_project, auth.uid(), p_base_version_id, v_source.document, 'restore', null, null, null);
end;
$$;

-- Why: makes the draft the published site, charging `deployment` through private.spend_credits in
-- the same transaction, once per idempotency key (a repeat returns the first publish, replayed,
-- and charges nothing). Under the site lock: the version must be the draft (SITE_002) and not
-- already the published one (SITE_004); a short balance is CREDIT_001 and nothing moves.
-- Definer: pointers and publish records are not writable by users.
create function private.publish_site(p_project_id uuid, p_version_id uuid, p_idempotency_key text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_user_id uuid := auth.uid();
  v_site public.sites;
  v_publish public.site_publishes;
  v_version public.site_versions;
  v_entry public.credit_ledger;
  v_spend jsonb;
begin
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.fail('REQ_004', 'idempotency key must be 1 to 200 characters');
  end if;
  v_site := private.lock_site(v_project.id);

  select * into v_publish from public.site_publishes where project_id = v_project.id and idempotency_key = p_idempotency_key;
  if found then
    if v_publish.version_id is distinct from p_version_id then
      perform private.fail('REQ_006', 'idempotency key already used to publish another version');
    end if;
    select * into strict v_entry from public.credit_ledger where id = v_publish.ledger_id;
    return jsonb_build_object(
      'publish', private.site_publish_json(v_publish),
      'site', private.site_json(v_site, v_project.slug),
      'cost', -v_entry.delta_total,
      'balance', private.balance_json(v_entry.balance_daily, v_entry.balance_monthly, v_entry.balance_purchased),
      'replayed', true);
  end if;

  if p_version_id is null or p_version_id is distinct from v_site.draft_version_id then
    perform private.fail('SITE_002', 'only the current draft can be published');
  end if;
  if p_version_id = v_site.published_version_id then
    perform private.fail('SITE_004', 'this version is already published');
  end if;
  select * into strict v_version from public.site_versions where id = p_version_id;

  -- A key already spent on anything but `deployment` of this project is REQ_006 there; a direct
  -- spend_credits('deployment', key, project) replays, and that charge pays for this publish.
  v_spend := private.spend_credits('deployment', p_idempotency_key, v_project.id);

  update public.sites set published_version_id = p_version_id, published_at = private.clock()
  where project_id = v_project.id
  returning * into v_site;
  insert into public.site_publishes (project_id, version_id, version_number, idempotency_key, ledger_id, created_by, created_at)
  values (v_project.id, p_version_id, v_version.number, p_idempotency_key, (v_spend ->> 'ledger_id')::bigint, v_user_id, private.clock())
  returning * into v_publish;

  return jsonb_build_object(
    'publish', private.site_publish_json(v_publish),
    'site', private.site_json(v_site, v_project.slug),
    'cost', v_spend -> 'cost',
    'balance', v_spend -> 'balance',
    'replayed', false);
end;
$$;

-- Why: takes the site offline (visitors get nothing); free, and a no-op when not published.
-- Definer: pointers are not writable by users.
create function private.unpublish_site(p_project_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_site public.sites := private.lock_site(v_project.id);
begin
  if v_site.published_version_id is not null then
    update public.sites set published_version_id = null, published_at = null
    where project_id = v_project.id
    returning * into v_site;
  end if;
  return private.site_json(v_site, v_project.slug);
end;
$$;

-- Why: the owner's inbox of contact-form messages, newest first, one keyset page at a time
-- (created_at < p_before).
create function private.site_form_submissions(p_project_id uuid, p_limit integer, p_before timestamptz)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
begin
  return (
    select coalesce(jsonb_agg(private.site_form_submission_json(page) order by page.created_at desc, page.id desc), '[]'::jsonb)
    from (
      select f.* from public.site_form_submissions f
      where f.project_id = v_project.id and (p_before is null or f.created_at < p_before)
      order by f.created_at desc, f.id desc
      limit greatest(1, least(coalesce(p_limit, 50), 100))
    ) page);
end;
$$;

-- Why: marks one message read (the first time counts; again is a no-op). Definer: the inbox is
-- not writable by users.
create function private.mark_site_form_read(p_project_id uuid, p_submission_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_submission public.site_form_submissions;
begin
  update public.site_form_submissions set read_at = coalesce(read_at, private.clock())
  where id = p_submission_id and project_id = v_project.id
  returning * into v_submission;
  if not found then
    perform private.fail('NOT_FOUND_002', 'submission not found');
  end if;
  return private.site_form_submission_json(v_submission);
end;
$$;

grant execute on function private.published_site(text, text), private.published_site_document(uuid)
  to anon, authenticated, service_role;
grant execute on function
  private.get_site(uuid),
  private.list_site_versions(uuid, integer, integer),
  private.get_site_version(uuid, uuid),
  private.restore_site_version(uuid, uuid, uuid),
  private.publish_site(uuid, uuid, text),
  private.unpublish_site(uuid),
  private.site_form_submissions(uuid, integer, timestamptz),
  private.mark_site_form_read(uuid, uuid)
to authenticated;
grant execute on function
  private.save_site_version(uuid, uuid, uuid, jsonb, text, text, text, uuid),
  private.submit_site_form(uuid, text, jsonb)
to service_role;

/**
  * -------------------------------------------------------
  * Section - API entry points
  * -------------------------------------------------------
 */

-- Why: the API entry point for storing a validated document; see private.save_site_version.
create function public.save_site_version(
  p_user_id uuid,
  p_project_id uuid,
  p_base_version_id uuid,
  p_document jsonb,
  p_made_by text,
  p_summary text default null,
  p_action text default null,
  p_generation_id uuid default null
)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.save_site_version(p_user_id, p_project_id, p_base_version_id, p_document, p_made_by, p_summary, p_action, p_generation_id)
$$;

-- Why: the API entry point for a visitor's contact-form message; see private.submit_site_form.
create function public.submit_site_form(p_project_id uuid, p_section_id text, p_fields jsonb)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.submit_site_form(p_project_id, p_section_id, p_fields)
$$;

-- Why: the API entry point for resolving a visitor's host; see private.published_site.
create function public.published_site(p_slug text default null, p_domain text default null)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.published_site(p_slug, p_domain)
$$;

-- Why: the API entry point for a published version's document; see private.published_site_document.
create function public.published_site_document(p_version_id uuid)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.published_site_document(p_version_id)
$$;

-- Why: the API entry point for the builder's site; see private.get_site.
create function public.get_site(p_project_id uuid)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.get_site(p_project_id)
$$;

-- Why: the API entry point for the site's history; see private.list_site_versions.
create function public.list_site_versions(p_project_id uuid, p_limit integer default 50, p_before_number integer default null)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.list_site_versions(p_project_id, p_limit, p_before_number)
$$;

-- Why: the API entry point for one version with its document; see private.get_site_version.
create function public.get_site_version(p_project_id uuid, p_version_id uuid)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.get_site_version(p_project_id, p_version_id)
$$;

-- Why: the API entry point for restoring a version; see private.restore_site_version.
create function public.restore_site_version(p_project_id uuid, p_version_id uuid, p_base_version_id uuid)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.restore_site_version(p_project_id, p_version_id, p_base_version_id)
$$;

-- Why: the API entry point for publishing (see private.publish_site), with the spend's
-- constraint errors mapped as public.spend_credits maps them.
create function public.publish_site(p_project_id uuid, p_version_id uuid, p_idempotency_key text)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  return private.publish_site(p_project_id, p_version_id, p_idempotency_key);
exception
  when foreign_key_violation then
    perform private.fail('AUTH_007', 'the account was deleted');
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid publish');
end;
$$;

-- Why: the API entry point for taking a site offline; see private.unpublish_site.
create function public.unpublish_site(p_project_id uuid)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.unpublish_site(p_project_id)
$$;

-- Why: the API entry point for the owner's form inbox; see private.site_form_submissions.
create function public.site_form_submissions(p_project_id uuid, p_limit integer default 50, p_before timestamptz default null)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.site_form_submissions(p_project_id, p_limit, p_before)
$$;

-- Why: the API entry point for marking a message read; see private.mark_site_form_read.
create function public.mark_site_form_read(p_project_id uuid, p_submission_id uuid)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.mark_site_form_read(p_project_id, p_submission_id)
$$;

revoke execute on function
  public.save_site_version(uuid, uuid, uuid, jsonb, text, text, text, uuid),
  public.submit_site_form(uuid, text, jsonb),
  public.published_site(text, text),
  public.published_site_document(uuid),
  public.get_site(uuid),
  public.list_site_versions(uuid, integer, integer),
  public.get_site_version(uuid, uuid),
  public.restore_site_version(uuid, uuid, uuid),
  public.publish_site(uuid, uuid, text),
  public.unpublish_site(uuid),
  public.site_form_submissions(uuid, integer, timestamptz),
  public.mark_site_form_read(uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.published_site(text, text), public.published_site_document(uuid)
  to anon, authenticated, service_role;
grant execute on function
  public.get_site(uuid),
  public.list_site_versions(uuid, integer, integer),
  public.get_site_version(uuid, uuid),
  public.restore_site_version(uuid, uuid, uuid),
  public.publish_site(uuid, uuid, text),
  public.unpublish_site(uuid),
  public.site_form_submissions(uuid, integer, timestamptz),
  public.mark_site_form_read(uuid, uuid)
to authenticated;
grant execute on function
  public.save_site_version(uuid, uuid, uuid, jsonb, text, text, text, uuid),
  public.submit_site_form(uuid, text, jsonb)
to service_role;

revoke execute on all functions in schema private from public;
