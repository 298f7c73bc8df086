/**
 * Supabase Storage's object API with plain fetch (no client library). Every call carries the
 * user's token, so Storage runs it under the policies on storage.objects (owner-only project
 * folders, supabase/migrations/*_project_assets.sql), and has a deadline. Storage answers errors
 * as HTTP 400 (500 for its own failures) with `{statusCode, error, message}`, the real status in
 * statusCode; they map to the catalogue here. The quota trigger's refusal arrives as a 403 whose
 * message is `ASSET_003`.
 */
import type { AuthUser } from '../../auth/middleware';
import { appConfig, type Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import { fetchWithTimeout, isRecord, ProviderError } from '../../providers/http';

const TIMEOUT_MS = 8000;
/** An upload sends up to 5 MB on to Storage. */
const UPLOAD_TIMEOUT_MS = 30_000;

function errorFromStorage(status: number, body: unknown): AppError {
  const fields = isRecord(body) ? body : {};
  const statusCode = typeof fields.statusCode === 'string' ? fields.statusCode : String(status);
  const cause = { status, statusCode, code: fields.code };
  if (statusCode === '403' && fields.message === 'ASSET_003') return new AppError('ASSET_003', { cause });
  const mapped = ({ '403': 'AUTH_006', '404': 'NOT_FOUND_002', '413': 'ASSET_002', '415': 'ASSET_001' } as const)[statusCode];
  if (mapped) return new AppError(mapped, { cause });
  if (status >= 500 || statusCode === '429' || statusCode.startsWith('5')) return new AppError('SRV_002', { cause });
  return new AppError('SRV_001', { cause });
}

async function call<T>(env: Bindings, user: AuthUser, path: string, init: RequestInit, timeoutMs = TIMEOUT_MS): Promise<T> {
  const { supabaseUrl, anonKey } = appConfig(env);
  const headers = new Headers(init.headers);
  headers.set('apikey', anonKey);
  headers.set('Authorization', `Bearer ${user.token}`);
  let response: Response;
  try {
    response = await fetchWithTimeout('storage', `${supabaseUrl}/storage/v1${path}`, { ...init, headers }, { timeoutMs });
  } catch (error) {
    throw new AppError('SRV_002', { cause: error instanceof ProviderError ? error.message : 'storage request failed' });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new AppError(response.ok ? 'SRV_001' : 'SRV_002', { cause: { status: response.status } });
  }
  if (!response.ok) throw errorFromStorage(response.status, body);
  return body as T;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

/** A full URL from a path Storage returns relative to /storage/v1, encoded as supabase-js encodes it. */
const absolute = (env: Bindings, path: string) => encodeURI(`${appConfig(env).supabaseUrl}/storage/v1${path}`);

/** Stores `bytes` at `path`, replacing what is there (the policies decide whether the caller may). */
export function putObject(env: Bindings, user: AuthUser, bucket: string, path: string, bytes: Uint8Array, contentType: string) {
  return call<{ Id?: string; Key: string }>(
    env,
    user,
    `/object/${bucket}/${path}`,
    {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'x-upsert': 'true', 'Cache-Control': 'max-age=300' },
      body: bytes,
    },
    UPLOAD_TIMEOUT_MS,
  );
}

export interface StoredObject {
  /** The name relative to the folder listed. */
  name: string;
  /** Null for a folder. */
  id: string | null;
  updated_at: string | null;
  created_at: string | null;
  metadata: { size?: number; mimetype?: string } | null;
}

/** The files directly inside `folder` that the caller may see, newest first (at most 100). */
export async function listFolder(env: Bindings, user: AuthUser, bucket: string, folder: string): Promise<StoredObject[]> {
  const entries = await call<StoredObject[]>(
    env,
    user,
    `/object/list/${bucket}`,
    json('POST', { prefix: folder, limit: 100, offset: 0, sortBy: { column: 'created_at', order: 'desc' } }),
  );
  return entries.filter((entry) => entry.id !== null);
}

/** Signed download URLs, valid `expiresIn` seconds, for the paths the caller may read (null for the others). */
export async function signDownloads(env: Bindings, user: AuthUser, bucket: string, paths: string[], expiresIn: number) {
  if (paths.length === 0) return new Map<string, string>();
  const signed = await call<Array<{ path: string; signedURL: string | null }>>(
    env,
    user,
    `/object/sign/${bucket}`,
    json('POST', { expiresIn, paths }),
  );
  return new Map(signed.flatMap((entry) => (entry.signedURL ? [[entry.path, absolute(env, entry.signedURL)] as const] : [])));
}

/** Deletes the objects at `paths` the caller may delete, bytes included; answers the paths deleted. */
export async function removeObjects(env: Bindings, user: AuthUser, bucket: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const removed = await call<Array<{ name: string }>>(env, user, `/object/${bucket}`, json('DELETE', { prefixes: paths }));
  return removed.map((row) => row.name);
}

/**
 * A URL the browser can PUT the file to without a token, valid for two hours; Storage tests the
 * caller's policies now and applies the bucket's type and size limits and the quota at upload.
 */
export async function signUpload(env: Bindings, user: AuthUser, bucket: string, path: string, upsert: boolean) {
  const signed = await call<{ url: string; token: string }>(env, user, `/object/upload/sign/${bucket}/${path}`, {
    method: 'POST',
    headers: upsert ? { 'x-upsert': 'true' } : {},
  });
  return { url: absolute(env, signed.url), token: signed.token };
}
