/** The Supabase platform layer on real Postgres: auth helpers follow the request's JWT claims. */
import { describe, expect, it } from 'vitest';
import { useTestDatabase, userClaims } from '../support/db';

const db = useTestDatabase();

describe('platform layer', () => {
  it('runs Postgres 17', async () => {
    const { rows } = await db.admin.query(`select current_setting('server_version_num')::int as v`);
    expect(Math.floor(rows[0].v / 10000)).toBe(17);
  });

  it('auth.uid(), auth.role() and auth.jwt() follow request.jwt.claims', async () => {
    const userId = await db.newUser();
    const row = await db.as('authenticated', userClaims(userId, { email: 'a@example.test' }), async (client) => {
      const { rows } = await client.query(
        `select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() ->> 'aud' as aud, current_user as cu`,
      );
      return rows[0];
    });
    expect(row).toEqual({ uid: userId, role: 'authenticated', email: 'a@example.test', aud: 'authenticated', cu: 'authenticated' });
  });

  it('auth.uid() is null for anon and the role switch drops superuser rights', async () => {
    const row = await db.as('anon', {}, async (client) => {
      const { rows } = await client.query(`select auth.uid() as uid, auth.role() as role, current_user as cu`);
      return rows[0];
    });
    expect(row).toEqual({ uid: null, role: 'anon', cu: 'anon' });
    await expect(db.as('anon', {}, (client) => client.query('select * from auth.users'))).rejects.toThrow(/permission denied/);
    await expect(
      db.as('authenticated', userClaims(await db.newUser()), (client) => client.query('select * from auth.users')),
    ).rejects.toThrow(/permission denied/);
  });

  it('service_role bypasses RLS and may read auth.users', async () => {
    const userId = await db.newUser();
    const { rows } = await db.as('service_role', {}, async (client) => {
      const bypass = await client.query(`select rolbypassrls from pg_roles where rolname = current_user`);
      const users = await client.query(`select id from auth.users where id = $1`, [userId]);
      return { rows: [{ bypass: bypass.rows[0].rolbypassrls, found: users.rowCount }] };
    });
    expect(rows[0]).toEqual({ bypass: true, found: 1 });
  });
});
