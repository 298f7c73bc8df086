/**
 * `/storage/v1`: the part of Supabase Storage's object API the product uses, with Storage's
 * routes, bodies and error shapes, so supabase-js's storage client and plain fetch work
 * unchanged: upload (POST; PUT upserts; raw body or multipart), download (with the caller's
 * token, public, signed), signed download and upload URLs, list, and delete.
 *
 * As Storage's server does, every statement about objects runs in a transaction as the caller's
 * role with request.jwt.claims set (the RPC endpoint's scope), so the policies on storage.objects
 * decide; an upload is first tried as the caller and rolled back (the permission test), the
 * bucket's limits (size, MIME type) are checked before anything is written, and the final row is
 * written by Storage itself once the bytes are on disk. Errors answer HTTP 400 (500 for database
 * failures) with `{statusCode, code, error, message}`, statusCode carrying the real status.
 * Bytes live under `<root>/<sha256 of bucket/name>/<version>`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type pg from 'pg';
import { BodyTooLargeError, header, readBody, readBytes, send, sendJson } from './http';
import { signJwt, verifyJwt, type JwtClaims } from './jwt';
import { isConnectionError, requestHeaders, setRequestScope } from './rest';
import type { StackContext } from './server';

/** Storage's global upload limit (Supabase's free plan); a bucket may only lower it. */
const GLOBAL_FILE_SIZE_LIMIT = 50 * 1024 * 1024;
/** Room for the multipart envelope around a file of the limit's size. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** How long a signed upload URL stays valid, as on hosted Supabase. */
const UPLOAD_URL_SECONDS = 2 * 60 * 60;
const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);
/** Storage's object key characters (S3-safe ones). */
const VALID_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SORT_COLUMNS = ['name', 'updated_at', 'created_at', 'last_accessed_at'];
/** What a response header value may hold. */
const HEADER_VALUE = /^[\x20-\x7e]*$/;

class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly error: string = code,
  ) {
    super(message);
  }
}

const errors = {
  noSuchBucket: () => new StorageError(404, 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
  noSuchKey: () => new StorageError(404, 'NoSuchKey', 'Object not found', 'not_found'),
  accessDenied: (message = 'Access denied') => new StorageError(403, 'AccessDenied', message, 'Unauthorized'),
  alreadyExists: (code = 'ResourceAlreadyExists') => new StorageError(409, code, 'The resource already exists', 'Duplicate'),
  invalidMimeType: (mimeType: string) =>
    new StorageError(415, 'InvalidMimeType', `mime type ${mimeType} is not supported`, 'invalid_mime_type'),
  entityTooLarge: () => new StorageError(413, 'EntityTooLarge', 'The object exceeded the maximum allowed size', 'Payload too large'),
  invalidKey: (key: string) => new StorageError(400, 'InvalidKey', `Invalid key: ${key}`),
  invalidJwt: (message: string) => new StorageError(400, 'InvalidJWT', message),
  invalidSignature: (message = 'Invalid signature') => new StorageError(400, 'InvalidSignature', message),
  expiredSignature: () => new StorageError(400, 'ExpiredToken', 'The provided token has expired.'),
  invalidRequest: (message: string) => new StorageError(400, 'InvalidRequest', message, 'Bad Request'),
  noContent: () => new StorageError(400, 'InvalidRequest', 'No content provided'),
  database: (code: string) => new StorageError(500, 'DatabaseError', `database error, code: ${code}`),
};

/** Storage's answer to database errors: RLS and privileges are 403, duplicates 409, the rest 500. */
function fromDbError(error: unknown): unknown {
  if (error instanceof StorageError) return error;
  const pgError = error as pg.DatabaseError;
  if (typeof pgError.code === 'string' && /^[0-9A-Z]{5}$/.test(pgError.code)) {
    if (pgError.code === '42501') {
      return errors.accessDenied(
        pgError.message.includes('row-level security') ? 'new row violates row-level security policy' : pgError.message,
      );
    }
    if (pgError.code === '23505') return errors.alreadyExists();
    if (pgError.code === '22P02') return errors.invalidRequest(pgError.message);
    return errors.database(pgError.code);
  }
  return isConnectionError(error) ? errors.database('connection') : error;
}

/** Who is calling: the verified token's role and claims; `authenticated` is false for a missing or bad token. */
interface Caller {
  role: string;
  claims: JwtClaims;
  token: string;
  authenticated: boolean;
}

/** Storage reads the token from Authorization only. Routes that serve public buckets let a missing or bad one through as anon. */
function callerOf(req: IncomingMessage, ctx: StackContext, { allowInvalidJwt = false } = {}): Caller {
  const token = (header(req, 'authorization') ?? '').replace(/^Bearer\s+/i, '');
  const anon: Caller = { role: 'anon', claims: { role: 'anon' }, token: '', authenticated: false };
  if (!token && allowInvalidJwt) return anon;
  const result = verifyJwt(token, ctx.keys);
  if (!result.ok) {
    if (allowInvalidJwt) return anon;
    throw errors.accessDenied(result.failure.message);
  }
  const role = result.claims.role;
  if (typeof role !== 'string' || !API_ROLES.has(role)) throw errors.accessDenied('Access denied: Invalid role');
  return { role, claims: result.claims, token, authenticated: true };
}

/** Whose rights a statement runs with: the caller's (RLS applies) or Storage's own (it owns the tables). */
type Scope = Caller | 'storage';

async function inTransaction<T>(
  ctx: StackContext,
  req: IncomingMessage,
  scope: Scope,
  operation: string,
  fn: (client: pg.PoolClient) => Promise<T>,
  { rollback = false } = {},
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await (scope === 'storage' ? ctx.adminPool : ctx.restPool).connect();
  } catch (error) {
    throw fromDbError(error);
  }
  let broken: Error | undefined;
  try {
    await client.query('begin');
    // Storage sets storage.allow_delete_query on every request, its own and the caller's (storage.protect_delete).
    if (scope === 'storage') {
      await client.query(`select set_config('storage.operation', $1, true), set_config('storage.allow_delete_query', 'true', true)`, [
        operation,
      ]);
    } else {
      await setRequestScope(client, {
        role: scope.role,
        claims: scope.claims,
        method: req.method ?? 'GET',
        path: (req.url ?? '').split('?')[0]!,
        headers: requestHeaders(req),
        settings: {
          'request.jwt': scope.token,
          'request.jwt.claim.role': scope.role,
          'storage.operation': operation,
          'storage.allow_delete_query': 'true',
        },
      });
    }
    const result = await fn(client);
    await client.query(rollback ? 'rollback' : 'commit');
    return result;
  } catch (error) {
    if (isConnectionError(error) && !(error instanceof StorageError)) broken = error as Error;
    await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
    throw fromDbError(error);
  } finally {
    client.release(broken);
  }
}

interface Bucket {
  id: string;
  public: boolean;
  file_size_limit: string | null;
  allowed_mime_types: string[] | null;
}

async function findBucket(ctx: StackContext, id: string): Promise<Bucket | undefined> {
  try {
    const { rows } = await ctx.adminPool.query<Bucket>(
      'select id, public, file_size_limit, allowed_mime_types from storage.buckets where id = $1',
      [id],
    );
    return rows[0];
  } catch (error) {
    throw fromDbError(error);
  }
}

interface ObjectRow {
  id: string;
  version: string;
  metadata: Record<string, unknown> | null;
}

async function findObject(client: pg.PoolClient, bucket: string, name: string): Promise<ObjectRow> {
  const { rows } = await client.query<ObjectRow>(
    'select id, version, metadata from storage.objects where name = $1 and bucket_id = $2 limit 1',
    [name, bucket],
  );
  if (!rows[0]) throw errors.noSuchKey();
  return rows[0];
}

function mustBeValidKey(name: string): void {
  if (name.length === 0 || !VALID_KEY.test(name)) throw errors.invalidKey(name);
}

/** Where the versions of an object's bytes live; the name is hashed, so no name can reach outside the root. */
export function objectFolder(root: string, bucket: string, name: string): string {
  return join(root, createHash('sha256').update(`${bucket}/${name}`).digest('hex'));
}

function bytesPath(ctx: StackContext, bucket: string, name: string, version: string): string {
  return join(objectFolder(ctx.storageRoot, bucket, name), version);
}

const removeBytes = (ctx: StackContext, bucket: string, name: string, version: string | null) =>
  version ? rm(bytesPath(ctx, bucket, name, version), { force: true }) : Promise.resolve();

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  try {
    const body: unknown = JSON.parse(text || '{}');
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw errors.invalidRequest('Body is not valid JSON');
}

const isInteger = (value: unknown, minimum: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= minimum;

/** A MIME type is allowed when the bucket lists it or its `type/*`; a bucket without a list allows any. */
function checkMimeType(mimeType: string, allowed: string[] | null): void {
  if (!allowed || allowed.length === 0) return;
  const [type, subtype] = mimeType.split(';')[0]!.trim().toLowerCase().split('/');
  if (!subtype) throw errors.invalidMimeType(mimeType);
  const ok = allowed.some((entry) => {
    const [allowedType, allowedSubtype] = entry.toLowerCase().split('/');
    return allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype);
  });
  if (!ok) throw errors.invalidMimeType(mimeType);
}

interface UploadedFile {
  bytes: Buffer;
  mimeType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | null;
}

/** The file of an upload request: the first file of a multipart form, or the raw body with its Content-Type. */
async function readUpload(req: IncomingMessage, bucket: Bucket): Promise<UploadedFile> {
  const maxSize = Math.min(Number(bucket.file_size_limit ?? GLOBAL_FILE_SIZE_LIMIT), GLOBAL_FILE_SIZE_LIMIT);
  const contentType = header(req, 'content-type') ?? '';
  if (/^multipart\/form-data/i.test(contentType)) {
    const body = await readBytes(req, maxSize + MULTIPART_OVERHEAD);
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'Content-Type': contentType } }).formData();
    } catch {
      throw errors.noContent();
    }
    const file = [...form.values()].find((value): value is File => typeof value !== 'string');
    if (!file) throw errors.noContent();
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' && value ? value : undefined;
    };
    const mimeType = field('contentType') ?? (file.type || 'text/plain;charset=UTF-8');
    const cacheTime = field('cacheControl');
    // Both end up in response headers when the object is served.
    if (!HEADER_VALUE.test(mimeType) || !HEADER_VALUE.test(cacheTime ?? ''))
      throw errors.invalidRequest('Invalid header value in form fields');
    checkMimeType(mimeType, bucket.allowed_mime_types);
    if (file.size > maxSize) throw errors.entityTooLarge();
    return {
      bytes: Buffer.from(await file.arrayBuffer()),
      mimeType,
      cacheControl: cacheTime ? `max-age=${cacheTime}` : 'no-cache',
      userMetadata: parseMetadata(field('metadata') ?? field('userMetadata')),
    };
  }
  const mimeType = contentType || 'application/octet-stream';
  checkMimeType(mimeType, bucket.allowed_mime_types);
  const encoded = header(req, 'x-metadata');
  return {
    bytes: await readBytes(req, maxSize),
    mimeType,
    cacheControl: header(req, 'cache-control') ?? 'no-cache',
    userMetadata: encoded === undefined ? null : parseMetadata(Buffer.from(encoded, 'base64').toString('utf8')),
  };
}

function parseMetadata(json: string | undefined): Record<string, unknown> | null {
  if (json === undefined) return null;
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const INSERT_OBJECT = `insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
  values ($1, $2, $3, $4, $5, $6, $7)`;
const UPSERT_OBJECT = `${INSERT_OBJECT}
  on conflict (name, bucket_id) do update set metadata = excluded.metadata, user_metadata = excluded.user_metadata,
    version = excluded.version, owner = excluded.owner, owner_id = excluded.owner_id
  returning id`;

interface UploadTarget {
  bucket: string;
  name: string;
  owner: string | undefined;
  upsert: boolean;
  /** Whose policies the permission test runs: the caller's, or Storage's for a signed upload. */
  scope: Scope;
  operation: string;
}

const objectValues = (target: UploadTarget, metadata: Record<string, unknown>, userMetadata: unknown, version: string) => [
  target.bucket,
  target.name,
  target.owner && UUID.test(target.owner) ? target.owner : null,
  target.owner ?? null,
  metadata,
  userMetadata,
  version,
];

/** Storage's permission test: the row the upload will write, inserted as `scope` and rolled back. */
function canUpload(
  ctx: StackContext,
  req: IncomingMessage,
  target: UploadTarget,
  metadata: Record<string, unknown>,
  userMetadata: unknown,
) {
  return inTransaction(
    ctx,
    req,
    target.scope,
    target.operation,
    async (client) => {
      try {
        await client.query(target.upsert ? UPSERT_OBJECT : INSERT_OBJECT, objectValues(target, metadata, userMetadata, '1'));
      } catch (error) {
        if ((error as pg.DatabaseError).code === '23505') throw errors.alreadyExists('KeyAlreadyExists');
        throw error;
      }
    },
    { rollback: true },
  );
}

async function upload(req: IncomingMessage, ctx: StackContext, target: UploadTarget): Promise<{ id: string; key: string }> {
  mustBeValidKey(target.name);
  const bucket = await findBucket(ctx, target.bucket);
  if (!bucket) throw errors.noSuchBucket();
  const file = await readUpload(req, bucket);
  const declared = Number(header(req, 'content-length'));
  await canUpload(
    ctx,
    req,
    target,
    { mimetype: file.mimeType, contentLength: Number.isFinite(declared) ? declared : file.bytes.length },
    file.userMetadata,
  );

  const version = randomUUID();
  const path = bytesPath(ctx, target.bucket, target.name, version);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(`${path}.part`, file.bytes);
  await rename(`${path}.part`, path);
  const metadata = {
    eTag: `"${createHash('md5').update(file.bytes).digest('hex')}"`,
    size: file.bytes.length,
    mimetype: file.mimeType,
    cacheControl: file.cacheControl,
    lastModified: new Date().toUTCString(),
    contentLength: file.bytes.length,
    httpStatusCode: 200,
  };
  let done: { id: string; previous: string | null };
  try {
    done = await inTransaction(ctx, req, 'storage', target.operation, async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`${target.bucket}/${target.name}`]);
      const current = await client.query<{ version: string | null }>(
        'select version from storage.objects where bucket_id = $1 and name = $2 for update',
        [target.bucket, target.name],
      );
      const { rows } = await client.query<{ id: string }>(UPSERT_OBJECT, objectValues(target, metadata, file.userMetadata, version));
      return { id: rows[0]!.id, previous: current.rows[0]?.version ?? null };
    });
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  if (done.previous !== version) await removeBytes(ctx, target.bucket, target.name, done.previous);
  return { id: done.id, key: `${target.bucket}/${target.name}` };
}

/** Sends the object's bytes with the headers Storage's renderer sets. */
async function render(
  res: ServerResponse,
  ctx: StackContext,
  bucket: string,
  name: string,
  row: ObjectRow,
  query: URLSearchParams,
  expires?: number,
) {
  let bytes: Buffer;
  try {
    bytes = await readFile(bytesPath(ctx, bucket, name, row.version));
  } catch {
    sendJson(
      res,
      400,
      { error: 'Not found', message: 'The resource was not found', statusCode: '404', code: 'NoSuchKey' },
      { 'Cache-Control': 'no-store' },
    );
    return;
  }
  const metadata = row.metadata ?? {};
  const headers: Record<string, string> = {
    'Content-Type': String(metadata.mimetype ?? 'application/octet-stream'),
    'Accept-Ranges': 'bytes',
    ETag: String(metadata.eTag ?? ''),
    'X-Robots-Tag': 'none',
    'Last-Modified': String(metadata.lastModified ?? ''),
  };
  if (expires !== undefined) headers.Expires = new Date(expires * 1000).toUTCString();
  else if (metadata.cacheControl) headers['Cache-Control'] = String(metadata.cacheControl);
  const download = query.get('download');
  if (download === '') headers['Content-Disposition'] = 'attachment;';
  else if (download !== null) {
    const encoded = encodeURIComponent(download);
    headers['Content-Disposition'] = `attachment; filename=${encoded}; filename*=UTF-8''${encoded}`;
  }
  send(res, 200, bytes, headers);
}

/** GET /object/<bucket>/<name>: a private bucket needs a token and the select policies; a public one serves anyone. */
async function getObject(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: StackContext,
  bucketId: string,
  name: string,
  query: URLSearchParams,
  allowInvalidJwt: boolean,
) {
  const caller = callerOf(req, ctx, { allowInvalidJwt });
  const bucket = await findBucket(ctx, bucketId);
  if (!bucket || (!caller.authenticated && !bucket.public)) throw errors.noSuchBucket();
  const row = await inTransaction(ctx, req, bucket.public ? 'storage' : caller, 'storage.object.get_authenticated', (client) =>
    findObject(client, bucketId, name),
  );
  await render(res, ctx, bucketId, name, row, query);
}

async function getPublicObject(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: StackContext,
  bucketId: string,
  name: string,
  query: URLSearchParams,
) {
  const bucket = await findBucket(ctx, bucketId);
  if (!bucket?.public) throw errors.noSuchBucket();
  const row = await inTransaction(ctx, req, 'storage', 'storage.object.get_public', (client) => findObject(client, bucketId, name));
  await render(res, ctx, bucketId, name, row, query);
}

type SignedScope = 'download' | 'upload';

/** The claims of a signed-URL token, checked as Storage checks them: signature, scope, the object it names, expiry. */
function verifySignedToken(ctx: StackContext, token: string | null, bucket: string, name: string, scope: SignedScope): JwtClaims {
  if (!token) throw errors.invalidRequest("querystring must have required property 'token'");
  const result = verifyJwt(token, ctx.keys);
  if (!result.ok)
    throw errors.invalidJwt(result.failure.message === 'JWT expired' ? '"exp" claim timestamp check failed' : result.failure.message);
  const claims = result.claims;
  const isUpload = typeof claims.owner === 'string' || typeof claims.upsert === 'boolean';
  if (claims.scope !== scope || (scope === 'download' && isUpload)) throw errors.invalidSignature(`Token is not scoped for ${scope}`);
  if (claims.url !== `${bucket}/${name}`) throw errors.invalidSignature();
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) throw errors.expiredSignature();
  return claims;
}

function signToken(ctx: StackContext, claims: JwtClaims, seconds: number): string {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ ...claims, iat, exp: iat + seconds }, ctx.keys, 'HS256');
}

async function signedDownload(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: StackContext,
  bucket: string,
  name: string,
  query: URLSearchParams,
) {
  const claims = verifySignedToken(ctx, query.get('token'), bucket, name, 'download');
  const row = await inTransaction(ctx, req, 'storage', 'storage.object.get_signed', (client) => findObject(client, bucket, name));
  await render(res, ctx, bucket, name, row, query, claims.exp as number);
}

function expiresIn(body: Record<string, unknown>): number {
  if (body.expiresIn === undefined) throw errors.invalidRequest("body must have required property 'expiresIn'");
  if (!isInteger(body.expiresIn, 1)) throw errors.invalidRequest('body/expiresIn must be integer >= 1');
  return body.expiresIn;
}

async function signUrl(req: IncomingMessage, ctx: StackContext, bucket: string, name: string) {
  const caller = callerOf(req, ctx);
  const seconds = expiresIn(await readJson(req));
  await inTransaction(ctx, req, caller, 'storage.object.sign', (client) => findObject(client, bucket, name));
  const url = `${bucket}/${name}`;
  return { signedURL: `/object/sign/${url}?token=${signToken(ctx, { url, scope: 'download' }, seconds)}` };
}

async function signUrls(req: IncomingMessage, ctx: StackContext, bucket: string) {
  const caller = callerOf(req, ctx);
  const body = await readJson(req);
  const seconds = expiresIn(body);
  const paths = body.paths;
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((path) => typeof path === 'string')) {
    throw errors.invalidRequest('body/paths must be a non-empty array of strings');
  }
  const visible = await inTransaction(ctx, req, caller, 'storage.object.sign_many', async (client) => {
    const { rows } = await client.query<{ name: string }>('select name from storage.objects where bucket_id = $1 and name = any($2)', [
      bucket,
      paths,
    ]);
    return new Set(rows.map((row) => row.name));
  });
  return (paths as string[]).map((path) => {
    if (!visible.has(path)) return { error: 'Either the object does not exist or you do not have access to it', path, signedURL: null };
    const url = `${bucket}/${path}`;
    return { error: null, path, signedURL: `/object/sign/${url}?token=${signToken(ctx, { url, scope: 'download' }, seconds)}` };
  });
}

/** A signed upload URL: the caller's permission to write the object is tested now; the upload itself runs as Storage. */
async function signUploadUrl(req: IncomingMessage, ctx: StackContext, bucketId: string, name: string) {
  const caller = callerOf(req, ctx);
  mustBeValidKey(name);
  if (!(await findBucket(ctx, bucketId))) throw errors.noSuchBucket();
  const owner = typeof caller.claims.sub === 'string' ? caller.claims.sub : undefined;
  const upsert = header(req, 'x-upsert') === 'true';
  const contentLength = Number(header(req, 'content-length'));
  await canUpload(
    ctx,
    req,
    { bucket: bucketId, name, owner, upsert, scope: caller, operation: 'storage.object.sign_upload_url' },
    { mimetype: header(req, 'content-type'), contentLength: Number.isFinite(contentLength) ? contentLength : undefined },
    null,
  );
  const url = `${bucketId}/${name}`;
  const token = signToken(ctx, { owner, url, upsert, scope: 'upload' }, UPLOAD_URL_SECONDS);
  return { url: `/object/upload/sign/${url}?token=${token}`, token };
}

async function list(req: IncomingMessage, ctx: StackContext, bucket: string) {
  const caller = callerOf(req, ctx);
  const body = await readJson(req);
  if (typeof body.prefix !== 'string') throw errors.invalidRequest("body must have required property 'prefix'");
  if (body.limit !== undefined && !isInteger(body.limit, 1)) throw errors.invalidRequest('body/limit must be integer >= 1');
  if (body.offset !== undefined && !isInteger(body.offset, 0)) throw errors.invalidRequest('body/offset must be integer >= 0');
  if (body.search !== undefined && typeof body.search !== 'string') throw errors.invalidRequest('body/search must be string');
  const sortBy = (body.sortBy ?? {}) as { column?: unknown; order?: unknown };
  if (typeof sortBy !== 'object' || (sortBy.column !== undefined && !SORT_COLUMNS.includes(sortBy.column as string))) {
    throw errors.invalidRequest('body/sortBy/column must be equal to one of the allowed values');
  }
  if (sortBy.order !== undefined && sortBy.order !== 'asc' && sortBy.order !== 'desc') {
    throw errors.invalidRequest('body/sortBy/order must be equal to one of the allowed values');
  }
  const prefix = body.prefix.length > 0 && !body.prefix.endsWith('/') ? `${body.prefix}/` : body.prefix;
  const search = (body.search as string | undefined) ?? '';
  return inTransaction(ctx, req, caller, 'storage.object.list', async (client) => {
    const { rows } = await client.query('select * from storage.search($1, $2, $3, $4, $5, $6, $7, $8)', [
      prefix,
      bucket,
      body.limit ?? 100,
      (prefix + search).split('/').length,
      body.offset ?? 0,
      search,
      sortBy.column ?? 'name',
      sortBy.order ?? 'asc',
    ]);
    return rows;
  });
}

async function deleteObjects(req: IncomingMessage, ctx: StackContext, bucket: string) {
  const caller = callerOf(req, ctx);
  const prefixes = (await readJson(req)).prefixes;
  if (!Array.isArray(prefixes) || prefixes.length === 0 || prefixes.length > 1000 || !prefixes.every((p) => typeof p === 'string')) {
    throw errors.invalidRequest('body/prefixes must be an array of 1 to 1000 strings');
  }
  const deleted = await inTransaction(ctx, req, caller, 'storage.object.delete_many', async (client) => {
    const { rows } = await client.query('delete from storage.objects where bucket_id = $1 and name = any($2) returning *', [
      bucket,
      prefixes,
    ]);
    return rows as Array<{ name: string; version: string | null }>;
  });
  await Promise.all(deleted.map((row) => removeBytes(ctx, bucket, row.name, row.version)));
  return deleted;
}

async function deleteObject(req: IncomingMessage, ctx: StackContext, bucket: string, name: string) {
  const caller = callerOf(req, ctx);
  mustBeValidKey(name);
  await inTransaction(ctx, req, 'storage', 'storage.object.delete', (client) => findObject(client, bucket, name));
  const version = await inTransaction(ctx, req, caller, 'storage.object.delete', async (client) => {
    const { rows } = await client.query<{ version: string | null }>(
      'delete from storage.objects where name = $1 and bucket_id = $2 returning version',
      [name, bucket],
    );
    if (!rows[0]) throw errors.accessDenied();
    return rows[0].version;
  });
  await removeBytes(ctx, bucket, name, version);
  return { message: 'Successfully deleted' };
}

/** `/object/[kind/]<bucket>[/<name>]`, kind being one of Storage's fixed route prefixes. */
const OBJECT_ROUTE = /^\/object\/(?:(list|sign|upload\/sign|public|authenticated)\/)?([^/]+)(?:\/(.+))?$/;

export async function handleStorage(req: IncomingMessage, res: ServerResponse, ctx: StackContext, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname.slice('/storage/v1'.length);
  try {
    const match = OBJECT_ROUTE.exec(path);
    const [kind = '', rawBucket = '', rawName] = match ? match.slice(1) : [];
    let bucket = '';
    let name = '';
    try {
      bucket = decodeURIComponent(rawBucket);
      name = rawName === undefined ? '' : decodeURIComponent(rawName);
    } catch {
      throw errors.invalidKey(rawName ?? rawBucket);
    }
    const route = `${method} ${kind}${rawName === undefined ? '' : ' *'}`;
    const query = url.searchParams;
    switch (match ? route : '') {
      case 'POST list':
        return sendJson(res, 200, await list(req, ctx, bucket));
      case 'POST sign':
        return sendJson(res, 200, await signUrls(req, ctx, bucket));
      case 'POST sign *':
        return sendJson(res, 200, await signUrl(req, ctx, bucket, name));
      case 'GET sign *':
        return await signedDownload(req, res, ctx, bucket, name, query);
      case 'POST upload/sign *':
        return sendJson(res, 200, await signUploadUrl(req, ctx, bucket, name));
      case 'PUT upload/sign *': {
        const claims = verifySignedToken(ctx, query.get('token'), bucket, name, 'upload');
        const owner = typeof claims.owner === 'string' ? claims.owner : undefined;
        const target = {
          bucket,
          name,
          owner,
          upsert: claims.upsert === true,
          scope: 'storage',
          operation: 'storage.object.upload_signed',
        } as const;
        return sendJson(res, 200, { Key: (await upload(req, ctx, target)).key });
      }
      case 'GET public *':
        return await getPublicObject(req, res, ctx, bucket, name, query);
      case 'GET authenticated *':
        return await getObject(req, res, ctx, bucket, name, query, false);
      case 'GET  *':
        return await getObject(req, res, ctx, bucket, name, query, true);
      case 'POST  *':
      case 'PUT  *': {
        const caller = callerOf(req, ctx);
        const owner = typeof caller.claims.sub === 'string' ? caller.claims.sub : undefined;
        const upsert = method === 'PUT' || header(req, 'x-upsert') === 'true';
        const operation = method === 'PUT' ? 'storage.object.update' : 'storage.object.upload';
        const { id, key } = await upload(req, ctx, { bucket, name, owner, upsert, scope: caller, operation });
        return sendJson(res, 200, { Id: id, Key: key });
      }
      case 'DELETE ':
        return sendJson(res, 200, await deleteObjects(req, ctx, bucket));
      case 'DELETE  *':
        return sendJson(res, 200, await deleteObject(req, ctx, bucket, name));
      default:
        return sendJson(res, 404, { statusCode: '404', error: 'Not Found', message: `Route ${method}:${url.pathname} not found` });
    }
  } catch (error) {
    const failure = error instanceof BodyTooLargeError ? errors.entityTooLarge() : error;
    if (!(failure instanceof StorageError)) throw failure;
    // An upload refused before its body was read leaves bytes on the connection: close it.
    const headers: Record<string, string> = req.complete ? {} : { Connection: 'close' };
    sendJson(
      res,
      failure.status === 500 ? 500 : 400,
      { statusCode: String(failure.status), code: failure.code, error: failure.error, message: failure.message },
      headers,
    );
  }
}
