/**
 * Conformance of `/storage/v1` with Supabase Storage, through supabase-js's storage client and raw
 * HTTP: uploads (raw and multipart, upsert), downloads (token, public, signed), signed upload URLs,
 * list and delete; policies on storage.objects evaluated as the caller's role with its claims;
 * bucket limits enforced before anything is written; Storage's error bodies.
 */
import { createClient } from '@supabase/supabase-js';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { signJwt } from '../../supabase/local/jwt';
import { prepareLocalDatabase, startPostgres } from '../../supabase/local/postgres';
import { LOCAL_JWT_SECRET } from '../../supabase/local/stack';
import { http, useStack } from './helpers';

const ctx = useStack();
const now = () => Math.floor(Date.now() / 1000);
const hs = (claims: Record<string, unknown>) => signJwt(claims, { secret: LOCAL_JWT_SECRET });
const userToken = (sub: string) => hs({ sub, role: 'authenticated', aud: 'authenticated', exp: now() + 600 });

/** Test buckets and policies of their own, independent of the product's migrations: each user owns the folder named by their id. */
const BUCKETS_SQL = `
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values
  ('docs', 'docs', false, 1024, array['image/png', 'text/*']),
  ('open', 'open', true, null, null);
create policy "fx users add to their folder" on storage.objects for insert to authenticated
  with check (bucket_id in ('docs', 'open') and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "fx users read their folder" on storage.objects for select to authenticated
  using (bucket_id in ('docs', 'open') and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "fx users replace in their folder" on storage.objects for update to authenticated
  using (bucket_id in ('docs', 'open') and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "fx users delete from their folder" on storage.objects for delete to authenticated
  using (bucket_id in ('docs', 'open') and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "fx anyone reads shared" on storage.objects for select to anon
  using (bucket_id = 'docs' and (storage.foldername(name))[2] = 'shared');
create policy "fx the operation is visible to policies" on storage.objects as restrictive for insert to authenticated
  with check (bucket_id <> 'docs' or storage.operation() <> 'storage.object.upload' or name not like '%/op-check-%');
`;

/** Realtime is not part of the stack; Node 20 has no WebSocket, so supabase-js needs a transport to start. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not part of the local stack');
  }
}

function storageAs(token?: string) {
  return createClient(ctx.stack.url, ctx.stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
    realtime: { transport: NoWebSocket as never },
  }).storage;
}

const owner = { id: crypto.randomUUID(), token: '' };
const stranger = { id: crypto.randomUUID(), token: '' };
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2219bc40000000049454e44ae426082',
  'hex',
);

beforeAll(async () => {
  await ctx.admin.query(BUCKETS_SQL);
  owner.token = userToken(owner.id);
  stranger.token = userToken(stranger.id);
});

const rowOf = async (bucket: string, name: string) =>
  (await ctx.admin.query('select * from storage.objects where bucket_id = $1 and name = $2', [bucket, name])).rows[0];
const filesOnDisk = async () => (await readdir(ctx.stack.storageDir, { recursive: true })).length;
const storageError = (status: number, code: string) => ({
  statusCode: String(status),
  code,
  error: expect.any(String),
  message: expect.any(String),
});

describe('uploads and downloads through supabase-js', () => {
  it('uploads a Blob (multipart) and a Buffer (raw), downloads the same bytes, and records Storage metadata', async () => {
    const storage = storageAs(owner.token).from('docs');
    const first = await storage.upload(`${owner.id}/logo.png`, new Blob([PNG], { type: 'image/png' }));
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ path: `${owner.id}/logo.png`, fullPath: `docs/${owner.id}/logo.png`, id: expect.any(String) });
    const raw = await storage.upload(`${owner.id}/notes.txt`, Buffer.from('مرحبا'), { contentType: 'text/plain; charset=utf-8' });
    expect(raw.error).toBeNull();

    const downloaded = await storage.download(`${owner.id}/logo.png`);
    expect(Buffer.from(await downloaded.data!.arrayBuffer()).equals(PNG)).toBe(true);
    expect(await (await storage.download(`${owner.id}/notes.txt`)).data!.text()).toBe('مرحبا');

    const row = await rowOf('docs', `${owner.id}/logo.png`);
    expect(row).toMatchObject({ owner: owner.id, owner_id: owner.id, path_tokens: [owner.id, 'logo.png'] });
    expect(row.metadata).toMatchObject({
      size: PNG.length,
      mimetype: 'image/png',
      cacheControl: 'max-age=3600',
      eTag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    });
  });

  it('answers the raw download with the stored type, length, ETag and cache headers', async () => {
    const response = await http(ctx.stack, 'GET', `/storage/v1/object/docs/${owner.id}/logo.png`, { token: owner.token });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe(String(PNG.length));
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get('cache-control')).toBe('max-age=3600');
    const download = await http(ctx.stack, 'GET', `/storage/v1/object/authenticated/docs/${owner.id}/logo.png?download=شعار.png`, {
      token: owner.token,
    });
    expect(download.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('شعار.png')}`);
  });

  it('refuses a second upload to the same name (409 Duplicate) unless upsert, and update replaces the bytes', async () => {
    const storage = storageAs(owner.token).from('docs');
    const name = `${owner.id}/replace.txt`;
    await storage.upload(name, Buffer.from('one'), { contentType: 'text/plain' });
    const again = await storage.upload(name, Buffer.from('two'), { contentType: 'text/plain' });
    expect(again.error).toMatchObject({ status: 400, statusCode: '409', message: 'The resource already exists' });
    expect(await (await storage.download(name)).data!.text()).toBe('one');

    expect((await storage.upload(name, Buffer.from('two'), { contentType: 'text/plain', upsert: true })).error).toBeNull();
    expect(await (await storage.download(name)).data!.text()).toBe('two');
    expect((await storage.update(name, Buffer.from('three'), { contentType: 'text/plain' })).error).toBeNull();
    expect(await (await storage.download(name)).data!.text()).toBe('three');
    // Each replacement removes the bytes it replaced: one version on disk.
    const versions = await readdir(join(ctx.stack.storageDir, createHash('sha256').update(`docs/${name}`).digest('hex')));
    expect(versions).toEqual([(await rowOf('docs', name)).version]);
  });

  it('lists one level below a prefix, with folders as entries without an id, sorted and paged', async () => {
    const storage = storageAs(owner.token).from('docs');
    for (const name of ['b.txt', 'a.txt', 'sub/c.txt', 'sub/deeper/d.txt']) {
      await storage.upload(`${owner.id}/list/${name}`, Buffer.from(name), { contentType: 'text/plain' });
    }
    const { data } = await storage.list(`${owner.id}/list`);
    expect(data!.map((entry) => [entry.name, entry.id === null])).toEqual([
      ['a.txt', false],
      ['b.txt', false],
      ['sub', true],
    ]);
    expect(data![0]!.metadata).toMatchObject({ size: 5, mimetype: 'text/plain' });
    const page = await storage.list(`${owner.id}/list`, { limit: 1, offset: 1, sortBy: { column: 'name', order: 'desc' } });
    expect(page.data!.map((entry) => entry.name)).toEqual(['b.txt']);
    expect((await storage.list(`${owner.id}/list/sub`)).data!.map((entry) => entry.name)).toEqual(['c.txt', 'deeper']);
    expect((await storage.list(`${owner.id}/list`, { search: 'b' })).data!.map((entry) => entry.name)).toEqual(['b.txt']);
  });

  it('removes several objects by name and their bytes, answering the removed rows', async () => {
    const storage = storageAs(owner.token).from('docs');
    await storage.upload(`${owner.id}/gone-1.txt`, Buffer.from('x'), { contentType: 'text/plain' });
    await storage.upload(`${owner.id}/gone-2.txt`, Buffer.from('y'), { contentType: 'text/plain' });
    const before = await filesOnDisk();
    const { data, error } = await storage.remove([`${owner.id}/gone-1.txt`, `${owner.id}/gone-2.txt`, `${owner.id}/never.txt`]);
    expect(error).toBeNull();
    expect(data!.map((row) => row.name).sort()).toEqual([`${owner.id}/gone-1.txt`, `${owner.id}/gone-2.txt`]);
    expect(await rowOf('docs', `${owner.id}/gone-1.txt`)).toBeUndefined();
    expect(await filesOnDisk()).toBeLessThan(before);
  });

  it('deletes one object by path, and answers NoSuchKey for a missing one', async () => {
    await storageAs(owner.token).from('docs').upload(`${owner.id}/single.txt`, Buffer.from('x'), { contentType: 'text/plain' });
    const deleted = await http(ctx.stack, 'DELETE', `/storage/v1/object/docs/${owner.id}/single.txt`, { token: owner.token });
    expect(deleted).toMatchObject({ status: 200, json: { message: 'Successfully deleted' } });
    const missing = await http(ctx.stack, 'DELETE', `/storage/v1/object/docs/${owner.id}/single.txt`, { token: owner.token });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual(storageError(404, 'NoSuchKey'));
  });
});

describe('policies, evaluated as the caller', () => {
  it("keeps a stranger from reading, listing, overwriting or deleting the owner's objects", async () => {
    const storage = storageAs(stranger.token).from('docs');
    const path = `${owner.id}/logo.png`;
    const read = await storage.download(path);
    expect(read.error).toMatchObject({ status: 400, statusCode: '404' });
    expect((await storage.list(owner.id)).data).toEqual([]);

    const overwrite = await storage.upload(path, Buffer.from('evil'), { contentType: 'text/plain', upsert: true });
    expect(overwrite.error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' });
    const put = await storage.update(path, Buffer.from('evil'), { contentType: 'text/plain' });
    expect(put.error).toMatchObject({ statusCode: '403' });
    const create = await storage.upload(`${owner.id}/planted.txt`, Buffer.from('evil'), { contentType: 'text/plain' });
    expect(create.error).toMatchObject({ statusCode: '403' });

    expect((await storage.remove([path])).data).toEqual([]);
    const single = await http(ctx.stack, 'DELETE', `/storage/v1/object/docs/${path}`, { token: stranger.token });
    expect(single.json).toEqual({ ...storageError(403, 'AccessDenied'), error: 'Unauthorized', message: 'Access denied' });
    expect(await rowOf('docs', path)).toMatchObject({ owner: owner.id });
    expect(await rowOf('docs', `${owner.id}/planted.txt`)).toBeUndefined();
    expect((await storage.createSignedUrl(path, 60)).error).toMatchObject({ statusCode: '404' });
  });

  it('gives anon (the anon key) only what its own policies allow, and nothing without a token in a private bucket', async () => {
    await storageAs(owner.token).from('docs').upload(`${owner.id}/shared/open.txt`, Buffer.from('shared'), { contentType: 'text/plain' });
    const anon = storageAs().from('docs');
    expect(await (await anon.download(`${owner.id}/shared/open.txt`)).data!.text()).toBe('shared');
    expect((await anon.download(`${owner.id}/logo.png`)).error).toMatchObject({ statusCode: '404' });

    const noToken = await http(ctx.stack, 'GET', `/storage/v1/object/docs/${owner.id}/shared/open.txt`, { headers: {} });
    expect(noToken.json).toEqual(storageError(404, 'NoSuchBucket'));
    const publicRoute = await http(ctx.stack, 'GET', `/storage/v1/object/public/docs/${owner.id}/shared/open.txt`, { headers: {} });
    expect(publicRoute.json).toEqual(storageError(404, 'NoSuchBucket'));
    expect((await anon.upload(`${owner.id}/anon.txt`, Buffer.from('x'), { contentType: 'text/plain' })).error).toMatchObject({
      statusCode: '403',
    });
  });

  it('serves a public bucket to anyone, with no token, while writes still need the policies', async () => {
    await storageAs(owner.token).from('open').upload(`${owner.id}/site.png`, PNG, { contentType: 'image/png' });
    const url = storageAs().from('open').getPublicUrl(`${owner.id}/site.png`).data.publicUrl;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(PNG)).toBe(true);
    const plain = await http(ctx.stack, 'GET', `/storage/v1/object/open/${owner.id}/site.png`, { headers: {} });
    expect(plain.status).toBe(200);
    const planted = await storageAs(stranger.token).from('open').upload(`${owner.id}/planted.png`, PNG, { contentType: 'image/png' });
    expect(planted.error).toMatchObject({ statusCode: '403' });
  });

  it('runs the statements as the request role with its claims and the Storage operation set', async () => {
    const storage = storageAs(owner.token).from('docs');
    const refused = await storage.upload(`${owner.id}/op-check-1.txt`, Buffer.from('x'), { contentType: 'text/plain' });
    expect(refused.error).toMatchObject({ statusCode: '403' });
    // The same object through a signed upload URL is another operation, which the policy allows.
    const signed = await storage.createSignedUploadUrl(`${owner.id}/op-check-1.txt`);
    expect(signed.error).toBeNull();
  });

  it('refuses requests without a valid token on routes that need one', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: 'Bearer not-a-jwt' },
      { Authorization: `Bearer ${hs({ sub: owner.id, role: 'postgres', exp: now() + 60 })}` },
    ]) {
      const response = await http(ctx.stack, 'POST', '/storage/v1/object/list/docs', { headers, body: { prefix: owner.id } });
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ statusCode: '403', code: 'AccessDenied', error: 'Unauthorized' });
    }
    const expired = hs({ sub: owner.id, role: 'authenticated', exp: now() - 3600 });
    expect(
      (await http(ctx.stack, 'POST', '/storage/v1/object/list/docs', { token: expired, body: { prefix: owner.id } })).json,
    ).toMatchObject({
      statusCode: '403',
    });
  });

  it('lets the service key past the policies', async () => {
    const service = storageAs(ctx.stack.serviceRoleKey).from('docs');
    expect((await service.list(owner.id)).data!.length).toBeGreaterThan(0);
  });
});

describe('bucket limits', () => {
  it('refuses a body over the bucket size limit, raw or multipart, writing nothing', async () => {
    const before = await filesOnDisk();
    const storage = storageAs(owner.token).from('docs');
    const raw = await storage.upload(`${owner.id}/big.txt`, Buffer.alloc(1025, 'a'), { contentType: 'text/plain' });
    expect(raw.error).toMatchObject({ status: 400, statusCode: '413', message: 'The object exceeded the maximum allowed size' });
    const form = await storage.upload(`${owner.id}/big.png`, new Blob([Buffer.alloc(1025)], { type: 'image/png' }));
    expect(form.error).toMatchObject({ statusCode: '413' });
    expect(await rowOf('docs', `${owner.id}/big.txt`)).toBeUndefined();
    expect(await rowOf('docs', `${owner.id}/big.png`)).toBeUndefined();
    expect(await filesOnDisk()).toBe(before);
  });

  it('refuses a body over the limit that declares no length, once it passes the limit', async () => {
    const chunks = [Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')];
    const body = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(new Uint8Array(next));
        else controller.close();
      },
    });
    const response = await fetch(`${ctx.stack.url}/storage/v1/object/docs/${owner.id}/stream.txt`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'text/plain' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { statusCode: string }).statusCode).toBe('413');
    expect(await rowOf('docs', `${owner.id}/stream.txt`)).toBeUndefined();
  });

  it('refuses a MIME type the bucket does not allow (SVG here), by the declared type', async () => {
    const storage = storageAs(owner.token).from('docs');
    const svg = await storage.upload(`${owner.id}/x.svg`, Buffer.from('<svg/>'), { contentType: 'image/svg+xml' });
    expect(svg.error).toMatchObject({ statusCode: '415', message: 'mime type image/svg+xml is not supported' });
    const form = await storage.upload(`${owner.id}/x.html`, new Blob(['<p>'], { type: 'text/html' }));
    expect(form.error).toBeNull(); // text/* is allowed
    const wildcard = await storage.upload(`${owner.id}/x.jpg`, new Blob(['x'], { type: 'image/jpeg' }));
    expect(wildcard.error).toMatchObject({ statusCode: '415' });
  });

  it('refuses keys with characters Storage does not allow, and unknown buckets', async () => {
    const storage = storageAs(owner.token);
    const key = await storage.from('docs').upload(`${owner.id}/bad\u0001name.txt`, Buffer.from('x'), { contentType: 'text/plain' });
    expect(key.error).toMatchObject({ statusCode: '400' });
    const bucket = await storage.from('nope').upload(`${owner.id}/a.txt`, Buffer.from('x'), { contentType: 'text/plain' });
    expect(bucket.error).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
  });
});

describe('signed URLs', () => {
  it('signs a download the caller may read; the URL serves it to anyone, with an Expires header', async () => {
    const storage = storageAs(owner.token).from('docs');
    const { data, error } = await storage.createSignedUrl(`${owner.id}/logo.png`, 120);
    expect(error).toBeNull();
    expect(data!.signedUrl).toMatch(new RegExp(`/storage/v1/object/sign/docs/${owner.id}/logo\\.png\\?token=`));
    const response = await fetch(data!.signedUrl);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(PNG)).toBe(true);
    expect(Date.parse(response.headers.get('expires')!) / 1000).toBeGreaterThan(now() + 100);

    const many = await storage.createSignedUrls([`${owner.id}/logo.png`, `${owner.id}/missing.png`], 60);
    expect(many.data!.map((entry) => [entry.path, entry.signedUrl !== null, entry.error])).toEqual([
      [`${owner.id}/logo.png`, true, null],
      [`${owner.id}/missing.png`, false, 'Either the object does not exist or you do not have access to it'],
    ]);
  });

  it('refuses a token for another object, an expired token, a forged one, an upload token, and a missing one', async () => {
    const { data } = await storageAs(owner.token).from('docs').createSignedUrl(`${owner.id}/logo.png`, 120);
    const token = new URL(data!.signedUrl).searchParams.get('token')!;
    const other = await http(ctx.stack, 'GET', `/storage/v1/object/sign/docs/${owner.id}/notes.txt?token=${token}`, { headers: {} });
    expect(other.json).toEqual(storageError(400, 'InvalidSignature'));

    const url = `docs/${owner.id}/logo.png`;
    const expired = hs({ url, scope: 'download', iat: now() - 20, exp: now() - 10 });
    const old = await http(ctx.stack, 'GET', `/storage/v1/object/sign/${url}?token=${expired}`, { headers: {} });
    expect(old.json).toEqual(storageError(400, 'ExpiredToken'));
    const forged = signJwt({ url, scope: 'download', exp: now() + 60 }, { secret: 'another-secret-that-is-long-enough-to-sign' });
    expect((await http(ctx.stack, 'GET', `/storage/v1/object/sign/${url}?token=${forged}`, { headers: {} })).json).toEqual(
      storageError(400, 'InvalidJWT'),
    );
    const upload = hs({ url, scope: 'upload', owner: owner.id, upsert: false, exp: now() + 60 });
    expect((await http(ctx.stack, 'GET', `/storage/v1/object/sign/${url}?token=${upload}`, { headers: {} })).json).toEqual(
      storageError(400, 'InvalidSignature'),
    );
    expect((await http(ctx.stack, 'GET', `/storage/v1/object/sign/${url}`, { headers: {} })).status).toBe(400);
  });

  it('stops serving a signed URL once its time is over', async () => {
    const { data } = await storageAs(owner.token).from('docs').createSignedUrl(`${owner.id}/logo.png`, 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await fetch(data!.signedUrl);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(storageError(400, 'ExpiredToken'));
  });

  it('refuses to sign with a bad expiresIn', async () => {
    for (const body of [{}, { expiresIn: 0 }, { expiresIn: 1.5 }, { expiresIn: 'soon' }]) {
      const response = await http(ctx.stack, 'POST', `/storage/v1/object/sign/docs/${owner.id}/logo.png`, { token: owner.token, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.statusCode).toBe('400');
    }
  });

  it('issues a signed upload URL after testing the policies, and accepts one upload to that path without a token', async () => {
    const storage = storageAs(owner.token).from('docs');
    const path = `${owner.id}/direct.png`;
    const signed = await storage.createSignedUploadUrl(path);
    expect(signed.error).toBeNull();
    expect(signed.data!.signedUrl).toContain(`/storage/v1/object/upload/sign/docs/${path}?token=`);
    const uploaded = await storageAs().from('docs').uploadToSignedUrl(path, signed.data!.token, PNG, { contentType: 'image/png' });
    expect(uploaded.error).toBeNull();
    expect(uploaded.data).toMatchObject({ fullPath: `docs/${path}` });
    expect(await rowOf('docs', path)).toMatchObject({ owner: owner.id, metadata: expect.objectContaining({ size: PNG.length }) });
    // Without upsert the token cannot overwrite; the bucket's limits still apply.
    const again = await storageAs().from('docs').uploadToSignedUrl(path, signed.data!.token, PNG, { contentType: 'image/png' });
    expect(again.error).toMatchObject({ statusCode: '409' });
    const elsewhere = await storageAs()
      .from('docs')
      .uploadToSignedUrl(`${owner.id}/other.png`, signed.data!.token, PNG, { contentType: 'image/png' });
    expect(elsewhere.error).toMatchObject({ statusCode: '400', message: 'Invalid signature' });
    const big = await storage.createSignedUploadUrl(`${owner.id}/big-direct.txt`);
    const tooBig = await storageAs()
      .from('docs')
      .uploadToSignedUrl(`${owner.id}/big-direct.txt`, big.data!.token, Buffer.alloc(2000), { contentType: 'text/plain' });
    expect(tooBig.error).toMatchObject({ statusCode: '413' });
  });

  it("will not sign an upload into another user's folder", async () => {
    const signed = await storageAs(stranger.token).from('docs').createSignedUploadUrl(`${owner.id}/planted.png`);
    expect(signed.error).toMatchObject({ statusCode: '403' });
  });
});

describe('Storage endpoint hygiene', () => {
  it('answers unknown routes 404 and refuses direct deletes from storage.objects outside Storage', async () => {
    const response = await http(ctx.stack, 'GET', '/storage/v1/bucket', { token: owner.token });
    expect(response.status).toBe(404);
    await expect(ctx.admin.query(`delete from storage.objects where bucket_id = 'docs'`)).rejects.toMatchObject({ code: '42501' });
  });

  it('refuses form fields that could not be sent back as response headers', async () => {
    for (const [field, value] of [
      ['contentType', 'text/plain\r\nSet-Cookie: x=1'],
      ['cacheControl', '60\nX-Injected: 1'],
    ]) {
      const form = new FormData();
      form.append(field!, value!);
      form.append('', new Blob(['x'], { type: 'text/plain' }));
      const response = await fetch(`${ctx.stack.url}/storage/v1/object/docs/${owner.id}/header-${field}.txt`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${owner.token}` },
        body: form,
      });
      expect(response.status).toBe(400);
      expect(await rowOf('docs', `${owner.id}/header-${field}.txt`)).toBeUndefined();
    }
  });

  it('answers a preflight allowing the headers supabase-js sends', async () => {
    const response = await fetch(`${ctx.stack.url}/storage/v1/object/docs/x`, { method: 'OPTIONS' });
    expect(response.headers.get('access-control-allow-headers')).toContain('x-upsert');
  });

  it('gives a database made before the stack had Storage its schema when the stack starts on it', async () => {
    const postgres = await startPostgres();
    const client = new pg.Client(postgres.info);
    try {
      await prepareLocalDatabase(postgres.info, { seed: false });
      await client.connect();
      await client.query(`drop schema storage cascade`);
      await prepareLocalDatabase(postgres.info, { seed: false });
      const { rows } = await client.query(`select to_regclass('storage.objects') is not null as ready`);
      expect(rows).toEqual([{ ready: true }]);
    } finally {
      await client.end();
      await postgres.stop();
    }
  });

  it('has the helpers policies use', async () => {
    const { rows } = await ctx.admin.query(
      `select storage.foldername('a/b/c.png') as folders, storage.filename('a/b/c.png') as file, storage.extension('a/b/c.png') as ext`,
    );
    expect(rows[0]).toEqual({ folders: ['a', 'b'], file: 'c.png', ext: 'png' });
  });

  it('answers arbitrary requests with a Storage error body or success, never a 5xx, never a crash', async () => {
    const segment = fc.oneof(
      fc.constantFrom('docs', 'open', 'list', 'sign', 'upload', 'public', 'authenticated', owner.id, '%ZZ', ''),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          segments: fc.array(segment, { minLength: 1, maxLength: 5 }),
          query: fc.option(fc.string({ maxLength: 20 })),
          auth: fc.constantFrom('owner', 'none', 'garbage', 'anon'),
          contentType: fc.constantFrom(
            'application/json',
            'text/plain',
            'multipart/form-data',
            'multipart/form-data; boundary=x',
            'image/png',
            '',
          ),
          body: fc.option(
            fc.oneof(
              fc.string({ maxLength: 200 }),
              fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
            ),
          ),
        }),
        async (input) => {
          const headers: Record<string, string> = {};
          if (input.auth === 'owner') headers.Authorization = `Bearer ${owner.token}`;
          if (input.auth === 'anon') headers.Authorization = `Bearer ${ctx.stack.anonKey}`;
          if (input.auth === 'garbage') headers.Authorization = 'Bearer x.y.z';
          if (input.contentType) headers['Content-Type'] = input.contentType;
          const path = `/storage/v1/object/${input.segments.map((part) => (part === '.' || part === '..' ? 'dot' : part.replace(/[?#]/g, ''))).join('/')}`;
          const withBody = input.method !== 'GET' && input.body !== null;
          const response = await fetch(`${ctx.stack.url}${path}${input.query === null ? '' : `?${encodeURIComponent(input.query)}`}`, {
            method: input.method,
            headers,
            body: withBody ? input.body : undefined,
          });
          expect(response.status, `${input.method} ${path}`).toBeLessThan(500);
          if (response.status >= 400) expect(((await response.json()) as { statusCode?: unknown }).statusCode).toEqual(expect.any(String));
          else await response.body?.cancel();
        },
      ),
      { numRuns: 300 },
    );
  });
});
