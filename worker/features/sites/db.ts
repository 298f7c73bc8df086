/**
 * Typed calls to the site functions in SQL (supabase/migrations/*_sites.sql). Drafts are written
 * with the service key after the Worker has validated the document (save_site_version is
 * service-only); everything an owner reads or moves runs with the owner's token under RLS, and
 * visitors' reads use the anon key.
 */
import type { SiteDocument } from '../../../shared/site/document';
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';

export type VersionAuthor = 'template' | 'owner' | 'restore' | 'ai';

export interface SiteVersion {
  id: string;
  number: number;
  parentId: string | null;
  madeBy: VersionAuthor;
  action: string | null;
  summary: string | null;
  createdAt: string;
  isDraft?: boolean;
  isPublished?: boolean;
}

export interface SitePointers {
  projectId: string;
  slug: string;
  draftVersionId: string | null;
  publishedVersionId: string | null;
  publishedAt: string | null;
}

export interface OwnerSite extends SitePointers {
  /** The draft as stored; parse it before use (shared/site/document.ts). */
  draft: (SiteVersion & { document: unknown }) | null;
}

export interface PublishedSite {
  projectId: string;
  slug: string;
  versionId: string;
  publishedAt: string;
}

export interface PublishedDocument extends PublishedSite {
  projectName: string;
  document: unknown;
  services: { id: string; name_ar: string; name_en: string; duration_minutes: number; price_fils: number }[];
}

export function getSite(env: Bindings, user: AuthUser, projectId: string) {
  return rpc<OwnerSite>(env, 'get_site', { p_project_id: projectId }, user);
}

/** Stores a validated document as the new draft; SITE_002 when `baseVersionId` is no longer the draft. */
export function saveVersion(
  env: Bindings,
  user: AuthUser,
  input: { projectId: string; baseVersionId: string | null; document: SiteDocument; madeBy: VersionAuthor; summary: string | null },
) {
  return rpc<{ version: SiteVersion; site: SitePointers }>(
    env,
    'save_site_version',
    {
      p_user_id: user.id,
      p_project_id: input.projectId,
      p_base_version_id: input.baseVersionId,
      p_document: input.document,
      p_made_by: input.madeBy,
      p_summary: input.summary,
    },
    'service',
  );
}

export function listVersions(env: Bindings, user: AuthUser, projectId: string, limit: number, beforeNumber: number | null) {
  return rpc<SiteVersion[]>(env, 'list_site_versions', { p_project_id: projectId, p_limit: limit, p_before_number: beforeNumber }, user);
}

export function restoreVersion(env: Bindings, user: AuthUser, projectId: string, versionId: string, baseVersionId: string | null) {
  return rpc<{ version: SiteVersion; site: SitePointers }>(
    env,
    'restore_site_version',
    { p_project_id: projectId, p_version_id: versionId, p_base_version_id: baseVersionId },
    user,
  );
}

export function publishSite(env: Bindings, user: AuthUser, projectId: string, versionId: string, idempotencyKey: string) {
  return rpc<{
    publish: { id: string; versionId: string; createdAt: string };
    site: SitePointers;
    cost: number;
    balance: unknown;
    replayed: boolean;
  }>(env, 'publish_site', { p_project_id: projectId, p_version_id: versionId, p_idempotency_key: idempotencyKey }, user);
}

export function unpublishSite(env: Bindings, user: AuthUser, projectId: string) {
  return rpc<SitePointers>(env, 'unpublish_site', { p_project_id: projectId }, user);
}

/** The published version a visitor's host names, or null: one indexed lookup per request. */
export function publishedSite(env: Bindings, target: { slug: string } | { domain: string }) {
  const args = 'slug' in target ? { p_slug: target.slug } : { p_domain: target.domain };
  return rpc<PublishedSite | null>(env, 'published_site', args, 'anon');
}

/** A version's document while it is published (null once it is not), for rendering on a cache miss. */
export function publishedDocument(env: Bindings, versionId: string) {
  return rpc<PublishedDocument | null>(env, 'published_site_document', { p_version_id: versionId }, 'anon');
}

export function submitForm(env: Bindings, input: { projectId: string; sectionId: string; fields: Record<string, string> }) {
  return rpc<{ id: string }>(
    env,
    'submit_site_form',
    { p_project_id: input.projectId, p_section_id: input.sectionId, p_fields: input.fields },
    'service',
  );
}

export interface FormSubmission {
  id: string;
  sectionId: string;
  fields: Record<string, string>;
  createdAt: string;
  readAt: string | null;
}

export function formSubmissions(env: Bindings, user: AuthUser, projectId: string, limit: number, before: string | null) {
  return rpc<FormSubmission[]>(env, 'site_form_submissions', { p_project_id: projectId, p_limit: limit, p_before: before }, user);
}

export function markFormRead(env: Bindings, user: AuthUser, projectId: string, submissionId: string) {
  return rpc<FormSubmission>(env, 'mark_site_form_read', { p_project_id: projectId, p_submission_id: submissionId }, user);
}
