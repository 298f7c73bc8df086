/**
 * The schema from nothing: a new database on the test server gets only the platform layer, then
 * every migration, then supabase/seed.sql, exactly as `npm run dev` loads them.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createSchemaDatabase } from '../../supabase/local/postgres';

const info = inject('pg');
const database = `seed_${randomUUID().replaceAll('-', '')}`;

afterAll(async () => {
  const root = new pg.Client({ ...info, database: 'postgres' });
  await root.connect();
  await root.query(`drop database if exists ${database} with (force)`);
  await root.end();
});

describe('schema', () => {
  it('applies to an empty Postgres 17 with only the platform layer, and the seed loads after it', async () => {
    await createSchemaDatabase(info, database, { seed: true });
    const client = new pg.Client({ ...info, database });
    await client.connect();
    try {
      const { rows } = await client.query(`
        select p.tier, (b.daily + b.monthly + b.purchased)::float8 as balance,
          (select sum(delta_total)::float8 from public.credit_ledger l where l.user_id = p.id) as ledger,
          (select array_agg(status order by lower(slot)) from public.bookings) as bookings,
          (select slug from public.projects) as slug
        from auth.users u join public.profiles p on p.id = u.id join public.credit_balances b on b.user_id = p.id
        where u.email = 'demo@kwq8.local'`);
      expect(rows).toEqual([{ tier: 'premium', balance: 375, ledger: 375, bookings: ['confirmed', 'held'], slug: 'demo-studio' }]);
    } finally {
      await client.end();
    }
  });
});
