/** Projects through the RPC surface, profiles at sign-up, and the price lists equal to shared/pricing.ts. */
import { describe, expect, it } from 'vitest';
import { CREDIT_COSTS, CREDIT_PACKS, CURRENCY, TIERS } from '../../shared/pricing';
import { useTestDatabase, userClaims } from '../support/db';
import { asUser, call, expectCode } from './helpers';

const db = useTestDatabase();

const PROJECT_KEYS = ['created_at', 'id', 'name', 'slug', 'updated_at'];

describe('projects', () => {
  it('create, list, get, rename and delete answer the contract shape', async () => {
    const userId = await db.newUser();
    const created = await asUser(db, userId, `public.create_project($1, $2)`, ['  My site ', 'my-site']);
    expect(Object.keys(created).sort()).toEqual(PROJECT_KEYS);
    expect(created).toMatchObject({ name: 'My site', slug: 'my-site' });
    await asUser(db, userId, `public.create_project('Arabic', 'موقع-جديد')`);

    const listed = await call<Record<string, unknown>>(db, 'authenticated', userClaims(userId), `select * from public.list_projects()`);
    expect(listed.map((row) => row.slug)).toEqual(['موقع-جديد', 'my-site']);
    expect(Object.keys(listed[0]!).sort()).toEqual(PROJECT_KEYS);
    expect(await asUser(db, userId, `public.get_project($1)`, [created.id])).toEqual(created);

    const renamed = await asUser(db, userId, `public.rename_project($1, 'Renamed')`, [created.id]);
    expect(renamed).toMatchObject({ id: created.id, name: 'Renamed', slug: 'my-site' });
    expect(await asUser(db, userId, `public.delete_project($1)`, [created.id])).toEqual({ id: created.id });
    await expectCode(asUser(db, userId, `public.get_project($1)`, [created.id]), 'NOT_FOUND_002');
  });

  it("a stranger gets NOT_FOUND_002 for someone else's project and cannot change it", async () => {
    const owner = await db.newUser();
    const stranger = await db.newUser();
    const project = await asUser(db, owner, `public.create_project('Mine', 'mine-only')`);
    await expectCode(asUser(db, stranger, `public.get_project($1)`, [project.id]), 'NOT_FOUND_002');
    await expectCode(asUser(db, stranger, `public.rename_project($1, 'Hijacked')`, [project.id]), 'NOT_FOUND_002');
    await expectCode(asUser(db, stranger, `public.delete_project($1)`, [project.id]), 'NOT_FOUND_002');
    expect((await asUser(db, owner, `public.get_project($1)`, [project.id])).name).toBe('Mine');
  });

  it('refuses a taken slug (PROJ_001) and malformed slugs or names (REQ_004)', async () => {
    const first = await db.newUser();
    const second = await db.newUser();
    await asUser(db, first, `public.create_project('One', 'taken')`);
    await expectCode(asUser(db, second, `public.create_project('Two', 'taken')`), 'PROJ_001');
    for (const slug of ['Upper', 'double--hyphen', '-edge', 'edge-', 'spa ce', 'x'.repeat(49), '']) {
      await expectCode(asUser(db, second, `public.create_project('Bad', $1)`, [slug]), 'REQ_004');
    }
    await expectCode(asUser(db, second, `public.create_project('   ', 'blank-name')`), 'REQ_004');
  });
});

describe('profiles', () => {
  it('are created at sign-up with the locale the user chose, defaulting to Arabic', async () => {
    const arabic = await db.newUser();
    const { rows } = await db.admin.query(
      `insert into auth.users (id, email, raw_user_meta_data) values (gen_random_uuid(), 'en@example.test', '{"locale":"en"}') returning id`,
    );
    const profiles = await db.admin.query(`select id, locale, tier from public.profiles where id = any ($1) order by locale`, [
      [arabic, rows[0].id],
    ]);
    expect(profiles.rows).toEqual([
      { id: arabic, locale: 'ar', tier: null },
      { id: rows[0].id, locale: 'en', tier: null },
    ]);
  });
});

describe('pricing', () => {
  it('the tiers in SQL equal shared/pricing.ts', async () => {
    const { rows } = await db.admin.query(
      `select id, price_fils::int as "priceFils", currency, monthly_credits::float8 as "monthlyCredits", daily_bonus::float8 as "dailyBonus"
       from public.tiers order by sort_order`,
    );
    expect(rows).toEqual(Object.values(TIERS).map((tier) => ({ ...tier, currency: CURRENCY })));
  });

  it('the credit costs in SQL equal shared/pricing.ts', async () => {
    const { rows } = await db.admin.query(
      `select action, credits::float8 as credits, allowed_tiers as tiers from public.credit_costs order by action`,
    );
    const expected = Object.values(CREDIT_COSTS)
      .map((cost) => ({ ...cost, tiers: cost.tiers ? [...cost.tiers] : null }))
      .sort((a, b) => a.action.localeCompare(b.action));
    expect(rows).toEqual(expected);
  });

  it('the credit packs in SQL equal shared/pricing.ts', async () => {
    const { rows } = await db.admin.query(
      `select id, price_fils::int as "priceFils", currency, credits::float8 as credits from public.credit_packs order by sort_order`,
    );
    expect(rows).toEqual(Object.values(CREDIT_PACKS).map((pack) => ({ ...pack, currency: CURRENCY })));
  });

  it('anon reads the public price lists', async () => {
    const { rows } = await db.as('anon', {}, (client) =>
      client.query(`select (select count(*)::int from public.tiers) as tiers, (select count(*)::int from public.credit_packs) as packs`),
    );
    expect(rows[0]).toEqual({ tiers: Object.keys(TIERS).length, packs: Object.keys(CREDIT_PACKS).length });
  });
});
