/**
 * Project images in storage.objects, acting as Storage's server does (each statement as the
 * caller's role with its claims): the buckets and their limits, the owner-only policies against
 * a stranger and anon, the per-project quota (races included), and files removed with their
 * project, never when the project stays.
 */
import { describe, expect, it } from 'vitest';
import { ASSET_BUCKETS, ASSET_MAX_BYTES, ASSET_QUOTA, ASSET_TYPES } from '../../shared/assets';
import { useTestDatabase, userClaims, type ApiRole } from '../support/db';
import { asUser, expectCode } from './helpers';

const db = useTestDatabase({ poolSize: 14 });
const BUCKETS = [ASSET_BUCKETS.private, ASSET_BUCKETS.public];

async function newProject(owner: string): Promise<string> {
  return (await asUser(db, owner, `public.create_project('Site', $1)`, [`site-${crypto.randomUUID().slice(0, 8)}`])).id;
}

/** Runs one statement on storage.objects as Storage would for this caller, committed; deletes are allowed as Storage allows them. */
function asCaller(role: ApiRole, userId: string | null, sql: string, params: unknown[] = []) {
  return db.asCommitted(role, userId ? userClaims(userId) : {}, async (client) => {
    await client.query(`select set_config('storage.allow_delete_query', 'true', true)`);
    return client.query(sql, params);
  });
}

const insert = (role: ApiRole, userId: string | null, bucket: string, name: string, size = 100) =>
  asCaller(role, userId, `insert into storage.objects (bucket_id, name, owner, owner_id, metadata) values ($1, $2, $3, $4, $5)`, [
    bucket,
    name,
    userId,
    userId,
    { size, mimetype: 'image/png' },
  ]);

const countFiles = async (projectId: string) =>
  (await db.admin.query(`select count(*)::int as n from storage.objects where name like $1 || '/%'`, [projectId])).rows[0].n as number;

describe('buckets', () => {
  it('are the private project-assets and the public project-public, 5 MB, PNG/JPEG/WebP only (no SVG)', async () => {
    const { rows } = await db.admin.query(
      `select id, public, file_size_limit, allowed_mime_types from storage.buckets where id = any($1) order by id`,
      [BUCKETS],
    );
    expect(rows).toEqual([
      { id: 'project-assets', public: false, file_size_limit: String(ASSET_MAX_BYTES), allowed_mime_types: [...ASSET_TYPES] },
      { id: 'project-public', public: true, file_size_limit: String(ASSET_MAX_BYTES), allowed_mime_types: [...ASSET_TYPES] },
    ]);
  });

  it('hold the same quota as shared/assets.ts', async () => {
    const { rows } = await db.admin.query(`select files_per_project, bytes_per_project from private.asset_limits`);
    expect(rows).toEqual([{ files_per_project: ASSET_QUOTA.files, bytes_per_project: String(ASSET_QUOTA.bytes) }]);
  });
});

describe('policies', () => {
  it('let the owner add, read, replace and delete files in their project folder, in both buckets', async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    for (const bucket of BUCKETS) {
      await insert('authenticated', owner, bucket, `${project}/logo`);
      const read = await asCaller('authenticated', owner, `select name from storage.objects where bucket_id = $1`, [bucket]);
      expect(read.rows).toEqual([{ name: `${project}/logo` }]);
      const replaced = await asCaller('authenticated', owner, `update storage.objects set metadata = '{"size": 5}' where bucket_id = $1`, [
        bucket,
      ]);
      expect(replaced.rowCount).toBe(1);
      const deleted = await asCaller('authenticated', owner, `delete from storage.objects where bucket_id = $1`, [bucket]);
      expect(deleted.rowCount).toBe(1);
    }
  });

  it("keep a stranger from adding, reading, replacing or deleting another owner's files", async () => {
    const owner = await db.newUser();
    const stranger = await db.newUser();
    const project = await newProject(owner);
    await newProject(stranger);
    for (const bucket of BUCKETS) {
      await insert('authenticated', owner, bucket, `${project}/logo`);
      await expect(insert('authenticated', stranger, bucket, `${project}/planted`)).rejects.toMatchObject({
        code: '42501',
        message: 'new row violates row-level security policy for table "objects"',
      });
      expect((await asCaller('authenticated', stranger, `select * from storage.objects where bucket_id = $1`, [bucket])).rows).toEqual([]);
      const where = `bucket_id = $1 and name = $2`;
      expect(
        (
          await asCaller('authenticated', stranger, `update storage.objects set metadata = '{}' where ${where}`, [
            bucket,
            `${project}/logo`,
          ])
        ).rowCount,
      ).toBe(0);
      expect(
        (await asCaller('authenticated', stranger, `delete from storage.objects where ${where}`, [bucket, `${project}/logo`])).rowCount,
      ).toBe(0);
    }
    expect(await countFiles(project)).toBe(2);
  });

  it('give anon nothing: no writes, no reads (the public bucket is read through Storage, not the table)', async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    await insert('authenticated', owner, ASSET_BUCKETS.public, `${project}/logo`);
    for (const bucket of BUCKETS) {
      await expect(insert('anon', null, bucket, `${project}/anon`)).rejects.toMatchObject({ code: '42501' });
      expect((await asCaller('anon', null, `select * from storage.objects where bucket_id = $1`, [bucket])).rows).toEqual([]);
    }
  });

  it('refuse names outside a project folder the caller owns, without failing on folders that are not UUIDs', async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    for (const name of ['not-a-uuid/logo', 'logo', `${project}`, `${crypto.randomUUID()}/logo`, `x/${project}/logo`]) {
      await expect(insert('authenticated', owner, ASSET_BUCKETS.private, name), name).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('leave other buckets to their own policies', async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    await db.admin.query(`insert into storage.buckets (id, name) values ('elsewhere', 'elsewhere') on conflict do nothing`);
    await expect(insert('authenticated', owner, 'elsewhere', `${project}/logo`)).rejects.toMatchObject({ code: '42501' });
  });
});

describe('quota', () => {
  it(`refuses the ${ASSET_QUOTA.files + 1}st file of a project over both buckets with ASSET_003, whoever writes; replacing does not count twice`, async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    for (let i = 0; i < ASSET_QUOTA.files; i++) {
      await insert('service_role', null, BUCKETS[i % 2]!, `${project}/${crypto.randomUUID()}`, 10);
    }
    await expect(insert('authenticated', owner, ASSET_BUCKETS.private, `${project}/one-more`)).rejects.toMatchObject({
      code: '42501',
      message: 'ASSET_003',
    });
    await expect(insert('service_role', null, ASSET_BUCKETS.public, `${project}/one-more`)).rejects.toMatchObject({ message: 'ASSET_003' });
    const replaced = await asCaller(
      'authenticated',
      owner,
      `update storage.objects set metadata = '{"size": 20}' where name = (select min(name) from storage.objects where name like $1 || '/%')`,
      [project],
    );
    expect(replaced.rowCount).toBe(1);
    // Another project of the same owner has its own quota.
    await insert('authenticated', owner, ASSET_BUCKETS.private, `${await newProject(owner)}/logo`);
  });

  it('counts bytes, the declared length while Storage tests a permission, and a replacement by its new size', async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    await insert('authenticated', owner, ASSET_BUCKETS.private, `${project}/big`, ASSET_QUOTA.bytes - 10);
    await expect(insert('authenticated', owner, ASSET_BUCKETS.public, `${project}/small`, 11)).rejects.toMatchObject({
      message: 'ASSET_003',
    });
    const declared = asCaller(
      'authenticated',
      owner,
      `insert into storage.objects (bucket_id, name, metadata) values ($1, $2, '{"mimetype": "image/png", "contentLength": 11}')`,
      [ASSET_BUCKETS.public, `${project}/declared`],
    );
    await expect(declared).rejects.toMatchObject({ message: 'ASSET_003' });
    await asCaller('authenticated', owner, `update storage.objects set metadata = '{"size": 100}' where name = $1`, [`${project}/big`]);
    await insert('authenticated', owner, ASSET_BUCKETS.public, `${project}/small`, 11);
  });

  it('holds under concurrent uploads: 10 at once with room for 5 leave exactly 50 files', async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    for (let i = 0; i < ASSET_QUOTA.files - 5; i++)
      await insert('service_role', null, ASSET_BUCKETS.private, `${project}/${crypto.randomUUID()}`, 1);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => insert('authenticated', owner, ASSET_BUCKETS.public, `${project}/${crypto.randomUUID()}`, 1)),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    expect(
      results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.message),
    ).toEqual(Array(5).fill('ASSET_003'));
    expect(await countFiles(project)).toBe(ASSET_QUOTA.files);
  });
});

describe('deleting a project', () => {
  it("removes its file rows in both buckets and no other project's, and Storage's delete protection stays on", async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    const kept = await newProject(owner);
    for (const bucket of BUCKETS) {
      await insert('authenticated', owner, bucket, `${project}/logo`);
      await insert('authenticated', owner, bucket, `${kept}/logo`);
    }
    await db.asCommitted('authenticated', userClaims(owner), async (client) => {
      expect((await client.query(`select public.delete_project($1) as r`, [project])).rows[0].r).toEqual({ id: project });
      await client.query('savepoint direct_delete');
      await expect(client.query(`delete from storage.objects where name like $1 || '/%'`, [kept])).rejects.toMatchObject({ code: '42501' });
      await client.query('rollback to savepoint direct_delete');
    });
    expect(await countFiles(project)).toBe(0);
    expect(await countFiles(kept)).toBe(2);
  });

  it("removes a deleted account's project files", async () => {
    const owner = await db.newUser();
    const project = await newProject(owner);
    await insert('authenticated', owner, ASSET_BUCKETS.public, `${project}/logo`);
    await db.admin.query(`delete from auth.users where id = $1`, [owner]);
    expect(await countFiles(project)).toBe(0);
  });

  it('check_project_deletable answers as delete_project would, and a refused deletion keeps the files', async () => {
    const owner = await db.newUser();
    const stranger = await db.newUser();
    const project = await newProject(owner);
    await insert('authenticated', owner, ASSET_BUCKETS.public, `${project}/logo`);
    expect(await asUser(db, owner, `public.check_project_deletable($1)`, [project])).toBeNull();
    await expectCode(asUser(db, stranger, `public.check_project_deletable($1)`, [project]), 'NOT_FOUND_002');

    await db.admin.query(
      `insert into public.bookings (project_id, slot, status, client_name, confirmed_at)
       values ($1, tstzrange(now() + interval '1 day', now() + interval '1 day 1 hour'), 'confirmed', 'Client', now())`,
      [project],
    );
    await expectCode(asUser(db, owner, `public.check_project_deletable($1)`, [project]), 'PROJ_004');
    await expectCode(asUser(db, owner, `public.delete_project($1)`, [project]), 'PROJ_004');
    expect(await countFiles(project)).toBe(1);
  });
});
