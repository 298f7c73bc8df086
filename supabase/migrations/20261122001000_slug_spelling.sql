-- A project's address keeps the owner's Arabic spelling: «عيادة الشفاء» is stored as
-- `عيادة-الشفاء`, not `عياده-الشفاء`. Stored slugs are only cleaned of what is not spelling
-- (compatibility forms, diacritics and tatweel, Persian/Urdu letter variants, Arabic-Indic digits);
-- ة, ى and the hamza letters stay. Look-alike addresses still cannot coexist: uniqueness and
-- lookups use the folded key (private.fold_slug_letters, unchanged), generated from the slug.
-- shared/slug.ts repeats these steps (cleanSlugLetters, slugKey); a test compares both sides.
-- Rows stored folded before this migration keep their slugs; their key is the same text.

-- Why: shared/slug.ts cleanSlugLetters: what a slug is stored as, before the pattern. Compatibility
-- forms (NFKC), diacritics and tatweel go; hamza marks (U+0653-U+0655) are kept through NFD so NFC
-- recomposes أ إ آ ؤ ئ, and the ones left over (on letters without a hamza form) go after it;
-- Persian/Urdu letters (ی ک ھ ہ ە ٱ) become their Arabic letters and digits 0-9.
create function private.clean_slug_letters(p_text text)
  returns text
  language sql
  immutable
  set search_path = ''
as $$
  select pg_catalog.regexp_replace(
    normalize(pg_catalog.translate(
      pg_catalog.regexp_replace(normalize(normalize(p_text, nfkc), nfd),
        '[\u0300-\u036f\u064b-\u0652\u0656-\u065f\u0670\u0640]', '', 'g'),
      E'\u06cc\u06a9\u06be\u06c1\u06d5\u0671\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9',
      E'\u064a\u0643\u0647\u0647\u0647\u062701234567890123456789'), nfc),
    '[\u0653-\u0655]', '', 'g')
$$;

-- Why: the slug pattern of shared/slug.ts (SLUG_PATTERN, at most 48 characters) on cleaned
-- letters: every Arabic letter of U+0621-U+064A but tatweel, so ة, ى and the hamza letters are
-- allowed now. Used by the projects table's check.
create or replace function private.is_project_slug(p_slug text)
  returns boolean
  language sql
  immutable
  set search_path = ''
as $$
  select coalesce(
    char_length(p_slug) <= 48
    and p_slug ~ '^[a-z0-9\u0621-\u063a\u0641-\u064a]+(-[a-z0-9\u0621-\u063a\u0641-\u064a]+)*$',
    false)
$$;

-- Why: a chosen slug as it is stored (spelling kept, cleaned as shared/schemas.ts projectSlug),
-- or REQ_004.
create or replace function private.project_slug(p_slug text)
  returns text
  language plpgsql
  immutable
  set search_path = ''
as $$
declare
  v_slug text := private.clean_slug_letters(p_slug);
begin
  if not private.is_project_slug(v_slug) then
    perform private.fail('REQ_004', 'invalid project slug');
  end if;
  return v_slug;
end;
$$;

-- Why: the folded key of a project's address: look-alike spellings (ة/ه, ى/ي, hamza forms) have
-- one key, so the unique index keeps them from coexisting and lookups find the project under any
-- of them. Generated, so no writer can set it apart from the slug.
alter table public.projects
  add column slug_key text generated always as (private.fold_slug_letters(slug)) stored;
comment on column public.projects.slug_key is
  'The slug with look-alike letters folded (private.fold_slug_letters): unique, and what public lookups compare.';
-- Why: one address per key; the key implies the slug, so the slug's own unique constraint (which
-- let `عيادة-الشفاء` and `عياده-الشفاء` coexist now that spellings are kept) goes. A violation
-- inside private.create_project is still PROJ_001 (its unique_violation handler).
alter table public.projects add constraint projects_slug_key_unique unique (slug_key);
alter table public.projects drop constraint projects_slug_key;

-- Generated columns run with the writer's rights; the service role may write projects directly.
grant execute on function private.fold_slug_letters(text) to service_role;

-- Why: the project a public slug names, under any look-alike spelling (keys compared).
create or replace function private.project_by_slug(p_slug text)
  returns public.projects
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_project public.projects;
begin
  if p_slug is not null and char_length(p_slug) <= 200 then
    select * into v_project from public.projects where slug_key = private.fold_slug_letters(p_slug);
  end if;
  if v_project.id is null then
    perform private.fail('NOT_FOUND_002', 'no project with this slug');
  end if;
  return v_project;
end;
$$;

revoke execute on all functions in schema private from public;
