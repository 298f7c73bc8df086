/**
 * /api/projects/:id/site: the owner's site. Read it (pointers, public addresses, the draft),
 * start it from a template or edit it with operations on ids (free; every save is a new
 * immutable version, refused as SITE_002 when the draft moved meanwhile), list and restore
 * versions (free), see the publish checks, preview the draft through the one renderer, publish
 * (charges `deployment` once per Idempotency-Key, only when the checks pass) and unpublish, and
 * read the contact-form inbox. Documents are validated here before the service-only save.
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { lazy } from '../../../shared/lazy';
import { uuid } from '../../../shared/schemas';
import { auditSite } from '../../../shared/site/audit';
import { parseSiteDocument, type SiteDocument } from '../../../shared/site/document';
import { applyOperations } from '../../../shared/site/operations';
import { renderSitePage } from '../../../shared/site/render';
import { STARTER_TYPES } from '../../../shared/site/document';
import { requireUser, type AuthUser } from '../../auth/middleware';
import type { AppEnv, Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import { requireIdempotencyKey } from '../../middleware/idempotency';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { getProject } from '../projects/db';
import {
  formSubmissions,
  getSite,
  listVersions,
  markFormRead,
  publishSite,
  restoreVersion,
  saveVersion,
  unpublishSite,
  type OwnerSite,
} from './db';
import { hostSettings, siteOrigin } from './hosts';
import { renderContext } from './serve';
import { starterDocument } from './site-data';

const projectParam = lazy(() => z.strictObject({ id: uuid() }));
const versionParam = lazy(() => z.strictObject({ id: uuid(), versionId: uuid() }));
const submissionParam = lazy(() => z.strictObject({ id: uuid(), submissionId: uuid() }));
const baseVersion = lazy(() => z.nullable(uuid()));
const templateBody = lazy(() => z.strictObject({ type: z.enum(STARTER_TYPES), baseVersionId: baseVersion() }));
const draftBody = lazy(() =>
  z.strictObject({
    baseVersionId: baseVersion(),
    operations: z.array(z.unknown()).check(z.minLength(1), z.maxLength(50)),
    summary: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  }),
);
const restoreBody = lazy(() => z.strictObject({ baseVersionId: baseVersion() }));
const publishBody = lazy(() => z.strictObject({ versionId: uuid() }));
const versionsQuery = lazy(() =>
  z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50),
    before: z.optional(z.coerce.number().check(z.int(), z.minimum(1))),
  }),
);
const previewQuery = lazy(() => z.strictObject({ path: z._default(z.string().check(z.regex(/^\/[a-z0-9/-]{0,100}$/)), '/') }));
const inboxQuery = lazy(() =>
  z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50),
    before: z.optional(z.iso.datetime({ offset: true })),
  }),
);

/** The draft's document, parsed; a draft this version of the Worker cannot read is SITE_003. */
function draftDocument(site: OwnerSite): SiteDocument | null {
  if (!site.draft) return null;
  const parsed = parseSiteDocument(site.draft.document);
  if (!parsed.ok) throw new AppError('SITE_003');
  return parsed.document;
}

async function ownerSite(env: Bindings, user: AuthUser, projectId: string, requestUrl: string) {
  const site = await getSite(env, user, projectId);
  const origin = siteOrigin(site.slug, hostSettings(env), requestUrl);
  return { site, origin };
}

function siteAnswer(site: OwnerSite, origin: string | null) {
  const { draft, ...pointers } = site;
  return {
    site: { ...pointers, url: origin ? `${origin}/` : null },
    draft: draft && { ...draft, document: draftDocument(site) },
    problems: draft ? auditSite(draftDocument(site)!) : [],
  };
}

export const projectSites = new Hono<AppEnv>()
  .get('/:id/site', requireUser({ paid: true }), rateLimit('api'), validate('param', projectParam), async (c) => {
    const { site, origin } = await ownerSite(c.env, c.get('user'), c.req.valid('param').id, c.req.url);
    return c.json(siteAnswer(site, origin));
  })
  .post(
    '/:id/site/template',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', projectParam),
    validate('json', templateBody),
    async (c) => {
      const projectId = c.req.valid('param').id;
      const { type, baseVersionId } = c.req.valid('json');
      const project = await getProject(c.env, c.get('user'), projectId);
      const document = await starterDocument(c.env, type, { nameAr: project.name, nameEn: project.name });
      const saved = await saveVersion(c.env, c.get('user'), { projectId, baseVersionId, document, madeBy: 'template', summary: type });
      return c.json(saved, 201);
    },
  )
  .put(
    '/:id/site/draft',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', projectParam),
    validate('json', draftBody),
    async (c) => {
      const projectId = c.req.valid('param').id;
      const { baseVersionId, operations, summary } = c.req.valid('json');
      const site = await getSite(c.env, c.get('user'), projectId);
      // Checked here too so a stale edit is refused before it is applied to the wrong draft.
      if ((site.draftVersionId ?? null) !== baseVersionId) throw new AppError('SITE_002');
      const current = draftDocument(site);
      if (!current) throw new AppError('SITE_001');
      const applied = applyOperations(current, operations);
      if (!applied.ok) throw new AppError('SITE_003', { fields: [`operations.${applied.index}`] });
      const saved = await saveVersion(c.env, c.get('user'), {
        projectId,
        baseVersionId,
        document: applied.document,
        madeBy: 'owner',
        summary: summary ?? null,
      });
      return c.json(saved);
    },
  )
  .get(
    '/:id/site/versions',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', projectParam),
    validate('query', versionsQuery),
    async (c) => {
      const { limit, before } = c.req.valid('query');
      const versions = await listVersions(c.env, c.get('user'), c.req.valid('param').id, limit, before ?? null);
      const last = versions.at(-1);
      return c.json({ versions, nextBefore: versions.length === limit && last ? last.number : null });
    },
  )
  .post(
    '/:id/site/versions/:versionId/restore',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', versionParam),
    validate('json', restoreBody),
    async (c) => {
      const { id, versionId } = c.req.valid('param');
      return c.json(await restoreVersion(c.env, c.get('user'), id, versionId, c.req.valid('json').baseVersionId));
    },
  )
  .get(
    '/:id/site/preview',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', projectParam),
    validate('query', previewQuery),
    async (c) => {
      const { site, origin } = await ownerSite(c.env, c.get('user'), c.req.valid('param').id, c.req.url);
      const document = draftDocument(site);
      if (!document) throw new AppError('SITE_001');
      const context = renderContext(c.env, {
        projectId: site.projectId,
        slug: site.slug,
        origin: origin ?? new URL(c.req.url).origin,
        services: [],
        preview: true,
      });
      const page = renderSitePage(document, { path: c.req.valid('query').path, context });
      return c.html(page.html, page.status, { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
    },
  )
  .post(
    '/:id/site/publish',
    requireUser({ paid: true }),
    rateLimit('api', { failClosed: true }),
    validate('param', projectParam),
    validate('json', publishBody),
    requireIdempotencyKey,
    async (c) => {
      const projectId = c.req.valid('param').id;
      const { versionId } = c.req.valid('json');
      const { site, origin } = await ownerSite(c.env, c.get('user'), projectId, c.req.url);
      // A repeat of a publish that went through replays it, whatever the draft is now.
      const isDraft = site.draftVersionId === versionId;
      if (isDraft) {
        const problems = auditSite(draftDocument(site)!);
        if (problems.length) throw new AppError('SITE_004', { problems });
      }
      const result = await publishSite(c.env, c.get('user'), projectId, versionId, c.get('idempotencyKey'));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      c.get('log').info('site.published', { projectId, versionId, cost: result.cost, replayed: result.replayed });
      return c.json({ ...result, url: origin ? `${origin}/` : null });
    },
  )
  .post('/:id/site/unpublish', requireUser({ paid: true }), rateLimit('api'), validate('param', projectParam), async (c) => {
    return c.json({ site: await unpublishSite(c.env, c.get('user'), c.req.valid('param').id) });
  })
  .get(
    '/:id/site/forms',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', projectParam),
    validate('query', inboxQuery),
    async (c) => {
      const { limit, before } = c.req.valid('query');
      const submissions = await formSubmissions(c.env, c.get('user'), c.req.valid('param').id, limit, before ?? null);
      const last = submissions.at(-1);
      return c.json({ submissions, nextBefore: submissions.length === limit && last ? last.createdAt : null });
    },
  )
  .post(
    '/:id/site/forms/:submissionId/read',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', submissionParam),
    async (c) => {
      const { id, submissionId } = c.req.valid('param');
      return c.json({ submission: await markFormRead(c.env, c.get('user'), id, submissionId) });
    },
  );
