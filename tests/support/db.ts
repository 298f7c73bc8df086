/**
 * Helpers for tests/db: a fresh database per test file (cloned from the migrated template), and
 * clients that act as a given role with given JWT claims, the way PostgREST runs a request.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { closePool, openPool } from './pg-pool';

export type ApiRole = 'anon' | 'authenticated' | 'service_role';

export interface TestDatabase {
  /** A superuser connection (migrations' owner), for arranging rows. */
  admin: pg.Pool;
  /** Runs `fn` in a transaction as PostgREST would for a request with these claims, then rolls back. */
  as<T>(role: ApiRole, claims: Record<string, unknown>, fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** The same, committed. */
  asCommitted<T>(role: ApiRole, claims: Record<string, unknown>, fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  newUser(fields?: { email?: string; isAnonymous?: boolean }): Promise<string>;
}

async function inRole<T>(
  pool: pg.Pool,
  role: ApiRole,
  claims: Record<string, unknown>,
  fn: (client: pg.PoolClient) => Promise<T>,
  commit: boolean,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role, ...claims })]);
    await client.query(`set local role ${role}`);
    const result = await fn(client);
    await client.query(commit ? 'commit' : 'rollback');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Declares a fresh database for the calling test file; use the returned object inside tests. */
export function useTestDatabase(options: { poolSize?: number } = {}): TestDatabase {
  const template = inject('pg');
  const database = `t_${randomUUID().replaceAll('-', '')}`;
  let admin!: pg.Pool;
  let api!: pg.Pool;

  beforeAll(async () => {
    const root = new pg.Client({ ...template, database: 'postgres' });
    await root.connect();
    await root.query(`create database ${database} template ${template.database}`);
    await root.end();
    admin = openPool({ ...template, database, max: 4 });
    api = openPool({ ...template, database, max: options.poolSize ?? 10 });
  });

  afterAll(async () => {
    // Every connection closed before the drop, so the drop terminates none of ours.
    await Promise.all([closePool(admin), closePool(api)]);
    const root = new pg.Client({ ...template, database: 'postgres' });
    await root.connect();
    await root.query(`drop database if exists ${database} with (force)`);
    await root.end();
  });

  return {
    get admin() {
      return admin;
    },
    as: (role, claims, fn) => inRole(api, role, claims, fn, false),
    asCommitted: (role, claims, fn) => inRole(api, role, claims, fn, true),
    async newUser(fields = {}) {
      const id = randomUUID();
      await admin.query(
        `insert into auth.users (id, aud, role, email, is_anonymous, created_at, updated_at, raw_app_meta_data, raw_user_meta_data)
         values ($1, 'authenticated', 'authenticated', $2, $3, now(), now(), '{}', '{}')`,
        [id, fields.isAnonymous ? null : (fields.email ?? `${id}@example.test`), fields.isAnonymous ?? false],
      );
      return id;
    },
  };
}

/** JWT claims of a signed-in user, as GoTrue issues them. */
export function userClaims(userId: string, extra: Record<string, unknown> = {}) {
  return { sub: userId, role: 'authenticated', aud: 'authenticated', is_anonymous: false, ...extra };
}
