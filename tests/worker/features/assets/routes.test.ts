/**
 * /api/projects/:id/assets against the local stack's Storage: the owner's uploads (raw and
 * multipart, checked by their bytes), replacements, deletions and signed upload URLs; a stranger
 * kept out through the Worker and through Storage directly; anon reading public site images only;
 * oversized and fake images refused without writing anything; files deleted with their project;
 * signed URLs that expire.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ASSET_QUOTA } from '../../../../shared/assets';
import { call, errorCode, newUser, service, storedVersions, type TestUser } from '../../../support/api';
import { JPEG, PNG, WEBP } from '../../../support/images';
import { signHs256 } from '../../../support/tokens';

const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

interface Asset {
  name: string;
  visibility: 'private' | 'public';
  url: string;
  size: number;
  contentType: string;
}
interface Listing {
  assets: Asset[];
  usage: { files: number; bytes: number };
  limits: { files: number; bytes: number; fileBytes: number };
}

async function newProject(owner: TestUser): Promise<string> {
  const response = await call('POST', '/api/projects', { token: owner.token, body: { name: 'Gallery' } });
  return ((await response.json()) as { project: { id: string } }).project.id;
}

function upload(owner: TestUser, projectId: string, bytes: BodyInit, options: { visibility?: string; type?: string } = {}) {
  const query = options.visibility ? `?visibility=${options.visibility}` : '';
  return call('POST', `/api/projects/${projectId}/assets${query}`, {
    token: owner.token,
    rawBody: bytes,
    headers: { 'Content-Type': options.type ?? 'application/octet-stream' },
  });
}

async function uploaded(owner: TestUser, projectId: string, bytes: Uint8Array, visibility = 'private'): Promise<Asset> {
  const response = await upload(owner, projectId, bytes, { visibility });
  expect(response.status).toBe(201);
  return ((await response.json()) as { asset: Asset }).asset;
}

const list = async (owner: TestUser, projectId: string) =>
  (await (await call('GET', `/api/projects/${projectId}/assets`, { token: owner.token })).json()) as Listing;

/** Storage's object API called directly, as anyone holding the public anon key can. */
function storage(
  method: string,
  path: string,
  options: { token?: string; body?: BodyInit; json?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { apikey: env.SUPABASE_ANON_KEY, ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${env.SUPABASE_URL}/storage/v1${path}`, {
    method,
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  });
}
const storageStatus = async (response: Response) => ((await response.json()) as { statusCode?: string }).statusCode;

let owner: TestUser;
let stranger: TestUser;
let projectId: string;

beforeAll(async () => {
  [owner, stranger] = await Promise.all([newUser(), newUser()]);
  projectId = await newProject(owner);
  await newProject(stranger);
});

describe('the owner', () => {
  it('uploads a private PNG as a raw body; the listing gives it a signed URL serving the same bytes', async () => {
    const project = await newProject(owner);
    const asset = await uploaded(owner, project, PNG);
    expect(asset).toMatchObject({ visibility: 'private', size: PNG.length, contentType: 'image/png' });
    expect(asset.name).toMatch(/^[0-9a-f-]{36}$/);

    const listing = await list(owner, project);
    expect(listing.assets.map((a) => a.name)).toEqual([asset.name]);
    expect(listing.usage).toEqual({ files: 1, bytes: PNG.length });
    expect(listing.limits).toEqual({ files: ASSET_QUOTA.files, bytes: ASSET_QUOTA.bytes, fileBytes: 5 * 1024 * 1024 });
    expect(listing.assets[0]!.url).toContain(`/storage/v1/object/sign/project-assets/${project}/${asset.name}?token=`);
    const served = await fetch(listing.assets[0]!.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(await bytesOf(served)).toEqual(PNG);
  });

  it('uploads a public JPEG as multipart; anyone reads it at its public URL, no token', async () => {
    const form = new FormData();
    form.append('file', new File([JPEG], 'photo.jpg', { type: 'image/jpeg' }));
    const response = await call('POST', `/api/projects/${projectId}/assets?visibility=public`, { token: owner.token, rawBody: form });
    expect(response.status).toBe(201);
    const { asset } = (await response.json()) as { asset: Asset };
    expect(asset.url).toBe(`${env.SUPABASE_URL}/storage/v1/object/public/project-public/${projectId}/${asset.name}`);
    const served = await fetch(asset.url);
    expect(served.status).toBe(200);
    expect(await bytesOf(served)).toEqual(JPEG);
  });

  it('sets and replaces the logo at one stable public URL, whatever type the new image has', async () => {
    const project = await newProject(owner);
    const first = await call('PUT', `/api/projects/${project}/assets/public/logo`, { token: owner.token, rawBody: PNG });
    expect(first.status).toBe(200);
    const logo = ((await first.json()) as { asset: Asset }).asset;
    const second = await call('PUT', `/api/projects/${project}/assets/public/logo`, { token: owner.token, rawBody: WEBP });
    expect(((await second.json()) as { asset: Asset }).asset).toMatchObject({ url: logo.url, contentType: 'image/webp' });
    const served = await fetch(logo.url);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect((await list(owner, project)).assets.map((a) => [a.name, a.visibility])).toEqual([['logo', 'public']]);

    const privateLogo = await call('PUT', `/api/projects/${project}/assets/private/logo`, { token: owner.token, rawBody: PNG });
    expect(privateLogo.status).toBe(422);
  });

  it('deletes a file (its bytes too), and a second delete is NOT_FOUND_002', async () => {
    const asset = await uploaded(owner, projectId, PNG, 'public');
    const deleted = await call('DELETE', `/api/projects/${projectId}/assets/public/${asset.name}`, { token: owner.token });
    expect(deleted.status).toBe(204);
    expect(await storedVersions('project-public', `${projectId}/${asset.name}`)).toBe(0);
    expect((await fetch(asset.url)).status).toBe(400);
    const again = await call('DELETE', `/api/projects/${projectId}/assets/public/${asset.name}`, { token: owner.token });
    expect(again.status).toBe(404);
    expect(await errorCode(again)).toBe('NOT_FOUND_002');
  });

  it('gets a signed upload URL and uploads straight to Storage with it, no token; the bucket still refuses SVG', async () => {
    const project = await newProject(owner);
    const response = await call('POST', `/api/projects/${project}/assets/upload-url`, {
      token: owner.token,
      body: { visibility: 'public', contentType: 'image/png', size: PNG.length },
    });
    expect(response.status).toBe(201);
    const { upload: signed } = (await response.json()) as { upload: { name: string; uploadUrl: string; url: string } };
    expect(signed.uploadUrl).toContain(`/storage/v1/object/upload/sign/project-public/${project}/${signed.name}?token=`);
    const put = await fetch(signed.uploadUrl, { method: 'PUT', headers: { 'Content-Type': 'image/png' }, body: PNG });
    expect(put.status).toBe(200);
    expect(await bytesOf(await fetch(signed.url))).toEqual(PNG);
    expect((await list(owner, project)).assets.map((a) => a.name)).toEqual([signed.name]);

    const svg = (await (
      await call('POST', `/api/projects/${project}/assets/upload-url`, {
        token: owner.token,
        body: { visibility: 'private', contentType: 'image/png', size: 10 },
      })
    ).json()) as { upload: { uploadUrl: string } };
    const refused = await fetch(svg.upload.uploadUrl, { method: 'PUT', headers: { 'Content-Type': 'image/svg+xml' }, body: '<svg/>' });
    expect(await storageStatus(refused)).toBe('415');

    for (const body of [
      { visibility: 'public', contentType: 'image/svg+xml', size: 10 },
      { visibility: 'public', contentType: 'image/png', size: 5 * 1024 * 1024 + 1 },
      { visibility: 'private', name: 'logo', contentType: 'image/png', size: 10 },
    ]) {
      const bad = await call('POST', `/api/projects/${project}/assets/upload-url`, { token: owner.token, body });
      expect(bad.status, JSON.stringify(body)).toBe(422);
    }
  });
});

describe('refused uploads write nothing', () => {
  it('refuses a file claiming to be a PNG (name and type) that is not an image, and SVG, with ASSET_001', async () => {
    const project = await newProject(owner);
    const fake = new FormData();
    fake.append('file', new File(['<html><script>alert(1)</script></html>'], 'logo.png', { type: 'image/png' }));
    const multipart = await call('POST', `/api/projects/${project}/assets`, { token: owner.token, rawBody: fake });
    expect(multipart.status).toBe(415);
    expect(await errorCode(multipart)).toBe('ASSET_001');
    for (const [body, type] of [
      ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml'],
      ['GIF89a', 'image/png'],
      ['', 'image/png'],
      [PNG.slice(0, 7), 'image/png'],
    ] as const) {
      const raw = await upload(owner, project, body, { type });
      expect(raw.status).toBe(415);
      expect(await errorCode(raw)).toBe('ASSET_001');
    }
    expect((await list(owner, project)).usage).toEqual({ files: 0, bytes: 0 });
  });

  it('refuses an image over 5 MB with ASSET_002, by its declared length or once read, and stores nothing', async () => {
    const project = await newProject(owner);
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(PNG);
    const justOver = await upload(owner, project, big, { type: 'image/png' });
    expect(justOver.status).toBe(413);
    expect(await errorCode(justOver)).toBe('ASSET_002');
    const farOver = await upload(owner, project, new Uint8Array(6 * 1024 * 1024), { type: 'image/png' });
    expect(await errorCode(farOver)).toBe('ASSET_002');
    expect((await list(owner, project)).usage).toEqual({ files: 0, bytes: 0 });
    const direct = await storage('POST', '/object/list/project-assets', { token: owner.token, json: { prefix: project } });
    expect(await direct.json()).toEqual([]);
  });

  it(`refuses the ${ASSET_QUOTA.files + 1}st file of a project with ASSET_003, through the Worker and through Storage`, async () => {
    const project = await newProject(owner);
    await Promise.all(
      Array.from({ length: ASSET_QUOTA.files }, (_, i) =>
        storage('POST', `/object/project-${i % 2 ? 'public' : 'assets'}/${project}/${crypto.randomUUID()}`, {
          token: owner.token,
          body: PNG,
          headers: { 'Content-Type': 'image/png' },
        }).then((response) => expect(response.status).toBe(200)),
      ),
    );
    const worker = await upload(owner, project, PNG);
    expect(worker.status).toBe(403);
    expect(await errorCode(worker)).toBe('ASSET_003');
    const signed = await call('POST', `/api/projects/${project}/assets/upload-url`, {
      token: owner.token,
      body: { visibility: 'public', contentType: 'image/png', size: 10 },
    });
    expect(await errorCode(signed)).toBe('ASSET_003');
    const direct = await storage('POST', `/object/project-assets/${project}/extra`, {
      token: owner.token,
      body: PNG,
      headers: { 'Content-Type': 'image/png' },
    });
    expect(await direct.json()).toMatchObject({ statusCode: '403', message: 'ASSET_003' });
    expect((await list(owner, project)).usage.files).toBe(ASSET_QUOTA.files);
    // Replacing a file keeps the count.
    const [first] = (await list(owner, project)).assets;
    const replaced = await call('PUT', `/api/projects/${project}/assets/${first!.visibility}/${first!.name}`, {
      token: owner.token,
      rawBody: JPEG,
    });
    expect(replaced.status).toBe(200);
  });
});

describe('a stranger', () => {
  it("cannot list, read, upload, overwrite or delete another owner's files through the Worker (NOT_FOUND_002)", async () => {
    const secret = await uploaded(owner, projectId, PNG);
    const attempts: Array<[string, string, BodyInit | undefined]> = [
      ['GET', `/api/projects/${projectId}/assets`, undefined],
      ['POST', `/api/projects/${projectId}/assets`, PNG],
      ['PUT', `/api/projects/${projectId}/assets/private/${secret.name}`, JPEG],
      ['PUT', `/api/projects/${projectId}/assets/public/logo`, JPEG],
      ['DELETE', `/api/projects/${projectId}/assets/private/${secret.name}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const response = await call(method, path, { token: stranger.token, rawBody: body });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await errorCode(response)).toBe('NOT_FOUND_002');
    }
    const url = await call('POST', `/api/projects/${projectId}/assets/upload-url`, {
      token: stranger.token,
      body: { visibility: 'public', contentType: 'image/png', size: 10 },
    });
    expect(await errorCode(url)).toBe('NOT_FOUND_002');
    const after = await list(owner, projectId);
    expect(after.assets.find((a) => a.name === secret.name)).toMatchObject({ size: PNG.length });
    expect(after.assets.some((a) => a.name === 'logo')).toBe(false);
  });

  it('cannot list, read, overwrite, sign or delete them through Storage directly with the anon key and their own token', async () => {
    const secret = await uploaded(owner, projectId, PNG);
    const path = `project-assets/${projectId}/${secret.name}`;
    const listed = await storage('POST', '/object/list/project-assets', { token: stranger.token, json: { prefix: projectId } });
    expect(await listed.json()).toEqual([]);
    expect(await storageStatus(await storage('GET', `/object/${path}`, { token: stranger.token }))).toBe('404');
    expect(await storageStatus(await storage('GET', `/object/authenticated/${path}`, { token: stranger.token }))).toBe('404');
    const overwrite = await storage('POST', `/object/${path}`, {
      token: stranger.token,
      body: JPEG,
      headers: { 'Content-Type': 'image/jpeg', 'x-upsert': 'true' },
    });
    expect(await storageStatus(overwrite)).toBe('403');
    expect(
      await storageStatus(
        await storage('PUT', `/object/${path}`, { token: stranger.token, body: JPEG, headers: { 'Content-Type': 'image/jpeg' } }),
      ),
    ).toBe('403');
    const planted = await storage('POST', `/object/project-public/${projectId}/planted`, {
      token: stranger.token,
      body: PNG,
      headers: { 'Content-Type': 'image/png' },
    });
    expect(await storageStatus(planted)).toBe('403');
    expect(await storageStatus(await storage('POST', `/object/sign/${path}`, { token: stranger.token, json: { expiresIn: 60 } }))).toBe(
      '404',
    );
    expect(
      await storageStatus(await storage('POST', `/object/upload/sign/${path}`, { token: stranger.token, headers: { 'x-upsert': 'true' } })),
    ).toBe('403');
    const removed = await storage('DELETE', '/object/project-assets', {
      token: stranger.token,
      json: { prefixes: [`${projectId}/${secret.name}`] },
    });
    expect(await removed.json()).toEqual([]);
    expect(await storageStatus(await storage('DELETE', `/object/${path}`, { token: stranger.token }))).toBe('403');

    const mine = await storage('GET', `/object/${path}`, { token: owner.token });
    expect(await bytesOf(mine)).toEqual(PNG);
  });
});

describe('anon', () => {
  it('reads public site images only: never a private file, never a listing, never a write', async () => {
    const hidden = await uploaded(owner, projectId, PNG);
    const shown = await uploaded(owner, projectId, JPEG, 'public');
    expect((await fetch(shown.url)).status).toBe(200);
    const anonKey = env.SUPABASE_ANON_KEY;
    expect(await storageStatus(await storage('GET', `/object/project-assets/${projectId}/${hidden.name}`, { token: anonKey }))).toBe('404');
    expect(await storageStatus(await storage('GET', `/object/project-assets/${projectId}/${hidden.name}`, { headers: {} }))).toBe('404');
    expect(await storageStatus(await storage('GET', `/object/public/project-assets/${projectId}/${hidden.name}`))).toBe('404');
    for (const bucket of ['project-assets', 'project-public']) {
      const listed = await storage('POST', `/object/list/${bucket}`, { token: anonKey, json: { prefix: projectId } });
      expect(await listed.json()).toEqual([]);
      const write = await storage('POST', `/object/${bucket}/${projectId}/anon`, {
        token: anonKey,
        body: PNG,
        headers: { 'Content-Type': 'image/png' },
      });
      expect(await storageStatus(write)).toBe('403');
    }
  });
});

describe('signed URLs', () => {
  it('are valid for an hour in a listing, and refused once expired', async () => {
    const asset = await uploaded(owner, projectId, PNG);
    const url = new URL((await list(owner, projectId)).assets.find((a) => a.name === asset.name)!.url);
    const claims = JSON.parse(atob(url.searchParams.get('token')!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      url: string;
      exp: number;
      iat: number;
    };
    expect(claims.url).toBe(`project-assets/${projectId}/${asset.name}`);
    expect(claims.exp - claims.iat).toBe(3600);

    const now = Math.floor(Date.now() / 1000);
    const expired = await signHs256({ url: claims.url, scope: 'download', iat: now - 3700, exp: now - 100 }, env.SUPABASE_JWT_SECRET);
    const response = await fetch(`${url.origin}${url.pathname}?token=${expired}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: '400', message: '"exp" claim timestamp check failed' });

    const short = await storage('POST', `/object/sign/${claims.url}`, { token: owner.token, json: { expiresIn: 1 } });
    const { signedURL } = (await short.json()) as { signedURL: string };
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await storageStatus(await fetch(`${env.SUPABASE_URL}/storage/v1${signedURL}`))).toBe('400');
  });
});

describe('deleting a project', () => {
  it('deletes its files in both buckets, bytes included', async () => {
    const project = await newProject(owner);
    const hidden = await uploaded(owner, project, PNG);
    const shown = await uploaded(owner, project, JPEG, 'public');
    expect(await storedVersions('project-assets', `${project}/${hidden.name}`)).toBe(1);
    const deleted = await call('DELETE', `/api/projects/${project}`, { token: owner.token });
    expect(deleted.status).toBe(204);
    expect(await storedVersions('project-assets', `${project}/${hidden.name}`)).toBe(0);
    expect(await storedVersions('project-public', `${project}/${shown.name}`)).toBe(0);
    expect(await storageStatus(await fetch(shown.url))).toBe('404');
    for (const bucket of ['project-assets', 'project-public']) {
      const listed = await storage('POST', `/object/list/${bucket}`, { token: env.SUPABASE_SERVICE_ROLE_KEY, json: { prefix: project } });
      expect(await listed.json()).toEqual([]);
    }
    expect(
      await storageStatus(
        await storage('GET', `/object/project-assets/${project}/${hidden.name}`, { token: env.SUPABASE_SERVICE_ROLE_KEY }),
      ),
    ).toBe('404');
  });

  it('keeps the files when the deletion is refused (a confirmed booking still to come: PROJ_004)', async () => {
    const project = await newProject(owner);
    const shown = await uploaded(owner, project, PNG, 'public');
    const start = new Date(Date.now() + 86_400_000);
    const hold = await service<{ id: string }>('/rest/v1/rpc/create_booking_hold', {
      p_project_id: project,
      p_starts_at: start.toISOString(),
      p_ends_at: new Date(start.getTime() + 3_600_000).toISOString(),
      p_client_name: 'Client',
    });
    await service('/rest/v1/rpc/confirm_booking', { p_booking_id: hold.id });
    const refused = await call('DELETE', `/api/projects/${project}`, { token: owner.token });
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe('PROJ_004');
    expect(await bytesOf(await fetch(shown.url))).toEqual(PNG);
  });
});
