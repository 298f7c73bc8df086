/**
 * A project's images: list, upload or replace, delete, signed upload URLs for the browser, and
 * removal of every file when the project goes. Files live at `<project_id>/<name>` in the private
 * or the public bucket (shared/assets.ts); the caller's ownership is checked through the project
 * first (NOT_FOUND_002 for anyone else) and again by Storage's policies. Uploads are checked here
 * by their first bytes (never by name or declared type) and size; the quota is the database's.
 */
import {
  ASSET_BUCKETS,
  ASSET_MAX_BYTES,
  ASSET_QUOTA,
  LOGO_NAME,
  publicAssetPath,
  sniffImageType,
  type AssetType,
  type AssetVisibility,
} from '../../../shared/assets';
import type { AuthUser } from '../../auth/middleware';
import { appConfig, type Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import { getProject } from '../projects/db';
import { listFolder, putObject, removeObjects, signDownloads, signUpload, type StoredObject } from './storage';

/** How long the URLs of private files in a listing stay valid. */
const SIGNED_URL_SECONDS = 60 * 60;
const VISIBILITIES = Object.keys(ASSET_BUCKETS) as AssetVisibility[];

export interface Asset {
  name: string;
  visibility: AssetVisibility;
  /** A public URL (public files) or a signed one, valid an hour (private files). */
  url: string;
  size: number;
  contentType: string;
  updatedAt: string | null;
}

const pathOf = (projectId: string, name: string) => `${projectId}/${name}`;
const publicUrl = (env: Bindings, projectId: string, name: string) => `${appConfig(env).supabaseUrl}${publicAssetPath(projectId, name)}`;

async function listBoth(env: Bindings, user: AuthUser, projectId: string) {
  const [privateFiles, publicFiles] = await Promise.all(
    VISIBILITIES.map((visibility) => listFolder(env, user, ASSET_BUCKETS[visibility], projectId)),
  );
  return { private: privateFiles!, public: publicFiles! };
}

const sizeOf = (file: StoredObject) => file.metadata?.size ?? 0;

function usageOf(files: Record<AssetVisibility, StoredObject[]>) {
  const all = [...files.private, ...files.public];
  return { files: all.length, bytes: all.reduce((sum, file) => sum + sizeOf(file), 0) };
}

/** The project's files, newest first, with URLs to show them, and how much of the quota they use. */
export async function listAssets(env: Bindings, user: AuthUser, projectId: string) {
  await getProject(env, user, projectId);
  const files = await listBoth(env, user, projectId);
  const signed = await signDownloads(
    env,
    user,
    ASSET_BUCKETS.private,
    files.private.map((file) => pathOf(projectId, file.name)),
    SIGNED_URL_SECONDS,
  );
  const toAsset = (visibility: AssetVisibility, file: StoredObject): Asset => ({
    name: file.name,
    visibility,
    url: visibility === 'public' ? publicUrl(env, projectId, file.name) : (signed.get(pathOf(projectId, file.name)) ?? ''),
    size: sizeOf(file),
    contentType: file.metadata?.mimetype ?? 'application/octet-stream',
    updatedAt: file.updated_at,
  });
  return {
    assets: VISIBILITIES.flatMap((visibility) => files[visibility].map((file) => toAsset(visibility, file))),
    usage: usageOf(files),
    limits: { files: ASSET_QUOTA.files, bytes: ASSET_QUOTA.bytes, fileBytes: ASSET_MAX_BYTES },
  };
}

/** The logo is what a published site shows first: always public. */
function checkName(visibility: AssetVisibility, name: string): void {
  if (name === LOGO_NAME && visibility !== 'public') throw new AppError('REQ_004', { fields: ['visibility'] });
}

/** The image's type by its first bytes; ASSET_002 over 5 MB, ASSET_001 for anything that is not PNG, JPEG or WebP. */
export function checkImage(bytes: Uint8Array): AssetType {
  if (bytes.length > ASSET_MAX_BYTES) throw new AppError('ASSET_002');
  const type = sniffImageType(bytes);
  if (!type) throw new AppError('ASSET_001');
  return type;
}

/** Stores an image at `name` (a new UUID when none is given), replacing what was there. */
export async function uploadAsset(
  env: Bindings,
  user: AuthUser,
  projectId: string,
  input: { visibility: AssetVisibility; name?: string; bytes: Uint8Array },
): Promise<Asset> {
  const name = input.name ?? crypto.randomUUID();
  checkName(input.visibility, name);
  const contentType = checkImage(input.bytes);
  await getProject(env, user, projectId);
  const bucket = ASSET_BUCKETS[input.visibility];
  const path = pathOf(projectId, name);
  await putObject(env, user, bucket, path, input.bytes, contentType);
  const url =
    input.visibility === 'public'
      ? publicUrl(env, projectId, name)
      : ((await signDownloads(env, user, bucket, [path], SIGNED_URL_SECONDS)).get(path) ?? '');
  return { name, visibility: input.visibility, url, size: input.bytes.length, contentType, updatedAt: new Date().toISOString() };
}

export async function deleteAsset(env: Bindings, user: AuthUser, projectId: string, visibility: AssetVisibility, name: string) {
  await getProject(env, user, projectId);
  const removed = await removeObjects(env, user, ASSET_BUCKETS[visibility], [pathOf(projectId, name)]);
  if (removed.length === 0) throw new AppError('NOT_FOUND_002');
}

/**
 * A signed URL the browser uploads the file to directly (large bodies never pass through the
 * Worker). The declared type and size are checked here and by the bucket at upload; the quota
 * now against the declared size, and again by the database at upload. The bytes themselves are
 * not seen by the Worker: the bucket refuses any type but PNG, JPEG and WebP as declared.
 */
export async function createUploadUrl(
  env: Bindings,
  user: AuthUser,
  projectId: string,
  input: { visibility: AssetVisibility; name?: string; size: number },
) {
  const name = input.name ?? crypto.randomUUID();
  checkName(input.visibility, name);
  await getProject(env, user, projectId);
  const files = await listBoth(env, user, projectId);
  const replaced = files[input.visibility].find((file) => file.name === name);
  const usage = usageOf(files);
  if (
    (!replaced && usage.files + 1 > ASSET_QUOTA.files) ||
    usage.bytes - (replaced ? sizeOf(replaced) : 0) + input.size > ASSET_QUOTA.bytes
  ) {
    throw new AppError('ASSET_003');
  }
  const bucket = ASSET_BUCKETS[input.visibility];
  const path = pathOf(projectId, name);
  const signed = await signUpload(env, user, bucket, path, input.name !== undefined);
  return {
    name,
    visibility: input.visibility,
    uploadUrl: signed.url,
    token: signed.token,
    url: input.visibility === 'public' ? publicUrl(env, projectId, name) : null,
  };
}

/** Deletes every file of the project through Storage (rows and bytes); the project's own deletion removes any row left. */
export async function removeProjectAssets(env: Bindings, user: AuthUser, projectId: string): Promise<void> {
  const files = await listBoth(env, user, projectId);
  await Promise.all(
    VISIBILITIES.map((visibility) =>
      removeObjects(
        env,
        user,
        ASSET_BUCKETS[visibility],
        files[visibility].map((file) => pathOf(projectId, file.name)),
      ),
    ),
  );
}
