/**
 * /api/projects/:id/assets: a project's images (list; upload a new one; upload or replace one by
 * name; delete; a signed URL to upload straight to Storage). Image bodies are not JSON, so these
 * routes are mounted before the API's JSON body guard and bring their own: a 5 MB limit (plus a
 * multipart envelope) for image bodies, the JSON guard for the upload-URL request.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';
import { ASSET_BUCKETS, ASSET_MAX_BYTES, ASSET_NAME, ASSET_TYPES, type AssetVisibility } from '../../../shared/assets';
import { lazy } from '../../../shared/lazy';
import { projectIdParam, uuid } from '../../../shared/schemas';
import { requireUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { AppError } from '../../errors/app-error';
import { limitBodySize, requireJsonBody } from '../../middleware/body-guard';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { createUploadUrl, deleteAsset, listAssets, uploadAsset } from './assets';

/** Room for the multipart envelope around a file of the largest size. */
const MULTIPART_OVERHEAD = 64 * 1024;

const visibility = lazy(() => z.enum(Object.keys(ASSET_BUCKETS) as [AssetVisibility, ...AssetVisibility[]]));
const assetParam = lazy(() => z.strictObject({ id: uuid(), visibility: visibility(), name: z.string().check(z.regex(ASSET_NAME)) }));
const uploadQuery = lazy(() => z.strictObject({ visibility: z._default(visibility(), 'private') }));
const uploadUrlBody = lazy(() =>
  z.strictObject({
    visibility: visibility(),
    name: z.optional(z.string().check(z.regex(ASSET_NAME))),
    contentType: z.enum(ASSET_TYPES),
    size: z.number().check(z.int(), z.minimum(1), z.maximum(ASSET_MAX_BYTES)),
  }),
);

const limitImageBody = bodyLimit({
  maxSize: ASSET_MAX_BYTES + MULTIPART_OVERHEAD,
  onError: () => {
    throw new AppError('ASSET_002');
  },
});

/** The uploaded bytes: the `file` field of a multipart form, or the whole body (any declared type: the bytes decide). */
async function imageBytes(c: Context<AppEnv>): Promise<Uint8Array> {
  const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'multipart/form-data') return new Uint8Array(await c.req.arrayBuffer());
  let file: unknown;
  try {
    file = (await c.req.formData()).get('file');
  } catch (error) {
    if (error instanceof AppError) throw error;
    file = null;
  }
  if (!(file instanceof File)) throw new AppError('REQ_004', { fields: ['file'] });
  return new Uint8Array(await file.arrayBuffer());
}

const signedIn = [requireUser({ paid: true }), rateLimit('api')] as const;

export const projectAssets = new Hono<AppEnv>()
  .get('/:id/assets', ...signedIn, validate('param', projectIdParam), async (c) => {
    return c.json(await listAssets(c.env, c.get('user'), c.req.valid('param').id));
  })
  .post(
    '/:id/assets/upload-url',
    limitBodySize,
    requireJsonBody,
    ...signedIn,
    validate('param', projectIdParam),
    validate('json', uploadUrlBody),
    async (c) => {
      const { visibility, name, size } = c.req.valid('json');
      return c.json({ upload: await createUploadUrl(c.env, c.get('user'), c.req.valid('param').id, { visibility, name, size }) }, 201);
    },
  )
  .post('/:id/assets', ...signedIn, limitImageBody, validate('param', projectIdParam), validate('query', uploadQuery), async (c) => {
    const { visibility } = c.req.valid('query');
    const bytes = await imageBytes(c);
    return c.json({ asset: await uploadAsset(c.env, c.get('user'), c.req.valid('param').id, { visibility, bytes }) }, 201);
  })
  .put('/:id/assets/:visibility/:name', ...signedIn, limitImageBody, validate('param', assetParam), async (c) => {
    const { id, visibility, name } = c.req.valid('param');
    const bytes = await imageBytes(c);
    return c.json({ asset: await uploadAsset(c.env, c.get('user'), id, { visibility, name, bytes }) });
  })
  .delete('/:id/assets/:visibility/:name', ...signedIn, validate('param', assetParam), async (c) => {
    const { id, visibility, name } = c.req.valid('param');
    await deleteAsset(c.env, c.get('user'), id, visibility, name);
    return c.body(null, 204);
  });
