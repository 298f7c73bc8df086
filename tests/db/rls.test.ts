/**
 * Row level security: every exposed table has RLS and grants that match its policies; functions
 * follow the definer rules; and the matrix of every table x {anon, owner, stranger, service} x
 * {select, insert, update, delete}, asserting allowed, filtered-out (empty) and refused.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../shared/errors';
import { SUPABASE_DIR } from '../../supabase/local/postgres';
import { useTestDatabase, userClaims, type ApiRole } from '../support/db';
import { asService, asUser, giveCredits, newProject } from './helpers';

const db = useTestDatabase();

type Outcome = 'rows' | 'empty' | 'denied';
type Actor = 'anon' | 'owner' | 'stranger' | 'service';
type Operation = 'select' | 'insert' | 'update' | 'delete';

interface Fixture {
  owner: string;
  stranger: string;
  project: string;
  booking: string;
  payment: string;
  domain: string;
  service: string;
  version: string;
  publish: string;
  submission: string;
  generation: string;
}

let f: Fixture;

beforeAll(async () => {
  const owner = await db.newUser();
  const stranger = await db.newUser();
  const project = await newProject(db, owner, 'rls-owner');
  await giveCredits(db, owner, { purchased: 5 });
  await asUser(db, owner, `public.spend_credits('chat_message', 'rls')`);
  const booking = (await asService(db, `public.create_booking_hold($1, '2027-02-01T10:00Z', '2027-02-01T11:00Z', 'Client')`, [project])).id;
  const payment = (
    await asService(db, `public.create_payment('booking', 'upayments', 'rls-ref', 5000, 'KWD', p_booking_id => $1)`, [booking])
  ).id;
  const { rows } = await db.admin.query(`insert into public.domains (project_id, name) values ($1, 'rls-owner.com') returning id`, [
    project,
  ]);
  await db.admin.query(
    `insert into public.webhook_events (provider, event_id, payload_sha256) values ('stripe', 'evt_rls', repeat('a', 64))`,
  );
  await db.admin.query(`insert into public.outbox (topic, payload) values ('test.event', '{}')`);
  await db.admin.query(`insert into public.error_log (code, detail) values ('SRV_001', 'rls fixture')`);
  const service = (
    await db.admin.query(
      `insert into public.services (project_id, name_ar, name_en, duration_minutes, price_fils) values ($1, 'جلسة', 'Session', 60, 5000) returning id`,
      [project],
    )
  ).rows[0].id;
  await db.admin.query(`insert into public.opening_hours (project_id, weekday, opens_at, closes_at) values ($1, 0, '09:00', '17:00')`, [
    project,
  ]);
  await db.admin.query(`insert into public.closed_dates (project_id, day) values ($1, '2027-02-25')`, [project]);
  const contactForm = { id: 'contact-1', type: 'contact_form', props: {} };
  const document = JSON.stringify({ schemaVersion: 1, pages: [{ id: 'home', sections: [contactForm] }] });
  const version = (await asService(db, `public.save_site_version($1, $2, null, $3::jsonb, 'template')`, [owner, project, document])).version
    .id;
  const publish = (await asUser(db, owner, `public.publish_site($1, $2, 'rls-publish')`, [project, version])).publish.id;
  const submission = (await asService(db, `public.submit_site_form($1, 'contact-1', '{"name": "Visitor"}')`, [project])).id;
  const generation = (await asService(db, `public.start_generation($1, $2, 'chat_message', 'rls-generation')`, [owner, project])).generation
    .id;
  f = { owner, stranger, project, booking, payment, domain: rows[0].id, service, version, publish, submission, generation };
});

/** Each table: the four statements against the owner's row, and the expected outcome per actor. */
interface TableCase {
  sql: Record<Operation, (f: Fixture) => [string, unknown[]]>;
  expect: Record<Operation, Record<Actor, Outcome>>;
}

const all = (outcome: Outcome): Record<Actor, Outcome> => ({ anon: outcome, owner: outcome, stranger: outcome, service: outcome });
const serviceOnly: Record<Actor, Outcome> = { anon: 'denied', owner: 'denied', stranger: 'denied', service: 'rows' };
const ownerReads: Record<Actor, Outcome> = { anon: 'denied', owner: 'rows', stranger: 'empty', service: 'rows' };
const ownerWrites = ownerReads;
const publicRead: Record<Actor, Outcome> = { anon: 'rows', owner: 'rows', stranger: 'rows', service: 'rows' };
const readOnlyForAll: Record<Operation, Record<Actor, Outcome>> = {
  select: ownerReads,
  insert: all('denied'),
  update: all('denied'),
  delete: all('denied'),
};
const serviceWrites: Record<Operation, Record<Actor, Outcome>> = {
  select: ownerReads,
  insert: serviceOnly,
  update: serviceOnly,
  delete: serviceOnly,
};
const serviceTable: Record<Operation, Record<Actor, Outcome>> = {
  select: serviceOnly,
  insert: serviceOnly,
  update: serviceOnly,
  delete: serviceOnly,
};

/** select/update/delete by key; insert is table-specific. */
function byKey(table: string, key: string, id: (f: Fixture) => unknown, touch: string, insert: (f: Fixture) => [string, unknown[]]) {
  return {
    select: (x: Fixture): [string, unknown[]] => [`select 1 from public.${table} where ${key} = $1`, [id(x)]],
    insert,
    update: (x: Fixture): [string, unknown[]] => [`update public.${table} set ${touch} = ${touch} where ${key} = $1 returning 1`, [id(x)]],
    delete: (x: Fixture): [string, unknown[]] => [`delete from public.${table} where ${key} = $1 returning 1`, [id(x)]],
  };
}

const matrix: Record<string, TableCase> = {
  tiers: {
    sql: byKey(
      'tiers',
      'id',
      () => 'basic',
      'price_fils',
      () => [`insert into public.tiers values ('gold', 1, 'KWD', 1, 1, 99) returning 1`, []],
    ),
    expect: { select: publicRead, insert: all('denied'), update: all('denied'), delete: all('denied') },
  },
  credit_packs: {
    sql: byKey(
      'credit_packs',
      'id',
      () => 'small',
      'price_fils',
      () => [`insert into public.credit_packs values ('huge', 10, 'KWD', 1, 99) returning 1`, []],
    ),
    expect: { select: publicRead, insert: all('denied'), update: all('denied'), delete: all('denied') },
  },
  credit_costs: {
    sql: byKey(
      'credit_costs',
      'action',
      () => 'chat_message',
      'credits',
      () => [`insert into public.credit_costs values ('fly', 1, null) returning 1`, []],
    ),
    expect: { select: publicRead, insert: all('denied'), update: all('denied'), delete: all('denied') },
  },
  profiles: {
    sql: byKey(
      'profiles',
      'id',
      (x) => x.owner,
      'locale',
      (x) => [`insert into public.profiles (id) values ($1) returning 1`, [x.owner]],
    ),
    expect: { select: ownerReads, insert: all('denied'), update: ownerWrites, delete: all('denied') },
  },
  credit_balances: {
    sql: byKey(
      'credit_balances',
      'user_id',
      (x) => x.owner,
      'purchased',
      (x) => [`insert into public.credit_balances (user_id) values ($1) returning 1`, [x.stranger]],
    ),
    expect: readOnlyForAll,
  },
  credit_ledger: {
    sql: byKey(
      'credit_ledger',
      'user_id',
      (x) => x.owner,
      'delta_daily',
      (x) => [
        `insert into public.credit_ledger (user_id, reason, delta_purchased, balance_daily, balance_monthly, balance_purchased)
       values ($1, 'topup', 100, 0, 0, 100) returning 1`,
        [x.owner],
      ],
    ),
    expect: readOnlyForAll,
  },
  projects: {
    sql: byKey(
      'projects',
      'id',
      (x) => x.project,
      'name',
      (x) => [`insert into public.projects (owner_id, name, slug) values ($1, 'New', 'rls-new') returning 1`, [x.owner]],
    ),
    // Written only through the project functions, which hold the quota, rate and name rules.
    expect: serviceWrites,
  },
  bookings: {
    sql: byKey(
      'bookings',
      'id',
      (x) => x.booking,
      'client_name',
      (x) => [
        `insert into public.bookings (project_id, slot, hold_expires_at, client_name)
       values ($1, tstzrange('2027-03-01T10:00Z', '2027-03-01T11:00Z'), now() + interval '5 minutes', 'X') returning 1`,
        [x.project],
      ],
    ),
    expect: serviceWrites,
  },
  payments: {
    sql: byKey(
      'payments',
      'id',
      (x) => x.payment,
      'status',
      (x) => [
        `insert into public.payments (user_id, purpose, provider, provider_ref, amount_fils, currency, credits)
       values ($1, 'credits', 'stripe', 'rls-new', 1000, 'KWD', 10) returning 1`,
        [x.owner],
      ],
    ),
    expect: serviceWrites,
  },
  services: {
    sql: byKey(
      'services',
      'id',
      (x) => x.service,
      'price_fils',
      (x) => [
        `insert into public.services (project_id, name_ar, name_en, duration_minutes, price_fils) values ($1, 'أ', 'A', 30, 1000) returning 1`,
        [x.project],
      ],
    ),
    // Written only through save_service, which holds the owner check and the quota.
    expect: serviceWrites,
  },
  opening_hours: {
    sql: byKey(
      'opening_hours',
      'project_id',
      (x) => x.project,
      'closes_at',
      (x) => [
        `insert into public.opening_hours (project_id, weekday, opens_at, closes_at) values ($1, 1, '09:00', '12:00') returning 1`,
        [x.project],
      ],
    ),
    expect: serviceWrites,
  },
  closed_dates: {
    sql: byKey(
      'closed_dates',
      'project_id',
      (x) => x.project,
      'day',
      (x) => [`insert into public.closed_dates (project_id, day) values ($1, '2027-03-01') returning 1`, [x.project]],
    ),
    expect: serviceWrites,
  },
  domains: {
    sql: byKey(
      'domains',
      'id',
      (x) => x.domain,
      'status',
      (x) => [`insert into public.domains (project_id, name) values ($1, 'rls-new.com') returning 1`, [x.project]],
    ),
    expect: serviceWrites,
  },
  sites: {
    sql: byKey(
      'sites',
      'project_id',
      (x) => x.project,
      'updated_at',
      (x) => [`insert into public.sites (project_id) values ($1) returning 1`, [x.project]],
    ),
    // Pointers move only through the site functions (stale-draft check, publish charge).
    expect: readOnlyForAll,
  },
  site_versions: {
    sql: byKey(
      'site_versions',
      'id',
      (x) => x.version,
      'summary',
      (x) => [
        `insert into public.site_versions (project_id, number, document, made_by, created_by)
       values ($1, 99, '{"schemaVersion": 1, "pages": []}', 'owner', $2) returning 1`,
        [x.project, x.owner],
      ],
    ),
    // Stored only through save_site_version (the Worker validated the document) and restore.
    expect: readOnlyForAll,
  },
  site_publishes: {
    sql: byKey(
      'site_publishes',
      'id',
      (x) => x.publish,
      'ledger_id',
      (x) => [
        `insert into public.site_publishes (project_id, version_id, version_number, idempotency_key, ledger_id, created_by)
       values ($1, $2, 1, 'rls-direct', 1, $3) returning 1`,
        [x.project, x.version, x.owner],
      ],
    ),
    expect: readOnlyForAll,
  },
  site_form_submissions: {
    sql: byKey(
      'site_form_submissions',
      'id',
      (x) => x.submission,
      'read_at',
      (x) => [
        `insert into public.site_form_submissions (project_id, section_id, fields) values ($1, 'contact-1', '{"n": "x"}') returning 1`,
        [x.project],
      ],
    ),
    expect: readOnlyForAll,
  },
  site_generations: {
    sql: byKey(
      'site_generations',
      'id',
      (x) => x.generation,
      'status',
      (x) => [
        `insert into public.site_generations (project_id, user_id, action, idempotency_key, cost, spend_ledger_id)
       values ($1, $2, 'chat_message', 'rls-direct', 1, 1) returning 1`,
        [x.project, x.owner],
      ],
    ),
    // Charged, finished and refunded only through the generation functions (the Worker).
    expect: readOnlyForAll,
  },
  webhook_events: {
    sql: byKey(
      'webhook_events',
      'event_id',
      () => 'evt_rls',
      'payload_sha256',
      () => [
        `insert into public.webhook_events (provider, event_id, payload_sha256) values ('upayments', 'evt_new', repeat('b', 64)) returning 1`,
        [],
      ],
    ),
    expect: serviceTable,
  },
  outbox: {
    sql: byKey(
      'outbox',
      'topic',
      () => 'test.event',
      'attempts',
      () => [`insert into public.outbox (topic, payload) values ('test.other', '{}') returning 1`, []],
    ),
    expect: serviceTable,
  },
  error_log: {
    sql: byKey(
      'error_log',
      'code',
      () => 'SRV_001',
      'detail',
      () => [`insert into public.error_log (code) values ('SRV_002') returning 1`, []],
    ),
    expect: serviceTable,
  },
};

function actorSession(actor: Actor): [ApiRole, Record<string, unknown>] {
  if (actor === 'anon') return ['anon', {}];
  if (actor === 'service') return ['service_role', {}];
  return ['authenticated', userClaims(actor === 'owner' ? f.owner : f.stranger)];
}

/** Runs one statement as the actor (rolled back) and classifies the result. */
async function attempt(actor: Actor, [sql, params]: [string, unknown[]]): Promise<Outcome> {
  const [role, claims] = actorSession(actor);
  try {
    const result = await db.as(role, claims, (client) => client.query(sql, params));
    return (result.rowCount ?? 0) > 0 ? 'rows' : 'empty';
  } catch (error) {
    // 42501: insufficient privilege, or a row refused by a policy's WITH CHECK.
    if ((error as { code?: string }).code === '42501') return 'denied';
    throw error;
  }
}

describe('RLS matrix', () => {
  it('covers every table in public', async () => {
    const { rows } = await db.admin.query(
      `select relname from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p', 'v', 'm', 'f')`,
    );
    expect(rows.map((row) => row.relname).sort()).toEqual(Object.keys(matrix).sort());
  });

  for (const [table, testCase] of Object.entries(matrix)) {
    it(`${table}: anon, owner, stranger and service get exactly their rights`, async () => {
      const actual: Record<string, Record<string, Outcome>> = {};
      for (const operation of ['select', 'insert', 'update', 'delete'] as const) {
        actual[operation] = {};
        for (const actor of ['anon', 'owner', 'stranger', 'service'] as const) {
          actual[operation][actor] = await attempt(actor, testCase.sql[operation](f));
        }
      }
      expect(actual).toEqual(testCase.expect);
    });
  }
});

describe('exposed schema hygiene', () => {
  it('every table in public has RLS, and API roles hold a privilege only where a policy grants it', async () => {
    const { rows: tables } = await db.admin.query(
      `select c.relname, c.relrowsecurity, obj_description(c.oid, 'pg_class') as comment from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')`,
    );
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.filter((t) => !t.relrowsecurity).map((t) => t.relname)).toEqual([]);
    expect(tables.filter((t) => !t.comment).map((t) => t.relname)).toEqual([]);

    const { rows: mismatches } = await db.admin.query(`
      with checks as (
        select c.relname, r.role, p.privilege,
          case when p.privilege in ('INSERT', 'UPDATE') then has_any_column_privilege(r.role, c.oid, p.privilege)
               else has_table_privilege(r.role, c.oid, p.privilege) end as granted,
          exists (
            select 1 from pg_policies pol
            where pol.schemaname = 'public' and pol.tablename = c.relname
              and pol.cmd in (p.privilege, 'ALL') and (r.role = any (pol.roles) or 'public' = any (pol.roles))
          ) as has_policy
        from pg_class c
        cross join (values ('anon'), ('authenticated')) r(role)
        cross join (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) p(privilege)
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      )
      select relname, role, privilege, granted, has_policy from checks where granted <> has_policy order by 1, 2, 3`);
    expect(mismatches).toEqual([]);
  });

  it('a table without RLS in public would be reported', async () => {
    // The check above must be able to fail: create an offending table inside a rolled-back transaction.
    const client = await db.admin.connect();
    try {
      await client.query('begin');
      await client.query('create table public.leaky (id int)');
      const { rows } = await client.query(
        `select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' and not relrowsecurity`,
      );
      expect(rows.map((row) => row.relname)).toEqual(['leaky']);
      expect((await client.query(`select has_table_privilege('anon', 'public.leaky', 'SELECT') as reachable`)).rows[0].reachable).toBe(
        true,
      );
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('security definer functions live in private with an empty search_path; nothing executable by PUBLIC', async () => {
    const { rows } = await db.admin.query(`
      select n.nspname as schema, p.proname as name, p.prosecdef as definer, p.proconfig as config,
        exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0) as public_execute
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private')`);
    expect(rows.filter((r) => r.definer && r.schema !== 'private')).toEqual([]);
    expect(rows.filter((r) => !(r.config ?? []).includes('search_path=""'))).toEqual([]);
    expect(rows.filter((r) => r.public_execute).map((r) => `${r.schema}.${r.name}`)).toEqual([]);
  });

  it('public functions are executable by exactly the roles the contract names', async () => {
    const { rows } = await db.admin.query(`
      select p.proname as name,
        array_remove(array[
          case when has_function_privilege('anon', p.oid, 'execute') then 'anon' end,
          case when has_function_privilege('authenticated', p.oid, 'execute') then 'authenticated' end,
          case when has_function_privilege('service_role', p.oid, 'execute') then 'service_role' end], null) as roles
      from pg_proc p where p.pronamespace = 'public'::regnamespace order by 1`);
    const user = ['authenticated'];
    const service = ['service_role'];
    expect(Object.fromEntries(rows.map((r) => [r.name, r.roles]))).toEqual({
      apply_payment: service,
      attach_domain: user,
      booking_availability: ['anon', 'authenticated', 'service_role'],
      booking_setup: user,
      cancel_booking: user,
      claim_daily_bonus: user,
      claim_domain_registrations: service,
      check_project_deletable: user,
      claim_outbox: service,
      claim_payment_checks: service,
      complete_domain_registration: service,
      confirm_booking: service,
      create_booking_hold: service,
      create_checkout: user,
      create_payment: service,
      create_project: user,
      create_public_booking_hold: service,
      credit_ledger: user,
      delete_project: user,
      expire_booking_holds: service,
      fail_domain_registration: service,
      get_me: user,
      get_payment: user,
      get_project: user,
      health_check: ['anon', 'authenticated', 'service_role'],
      list_projects: user,
      mark_domain_verified: service,
      mark_outbox: service,
      my_domain_contacts: user,
      project_bookings: user,
      project_domains: user,
      quote_domain: service,
      record_client_error: service,
      record_domain_attempt: service,
      public_booking: service,
      public_booking_page: ['anon', 'authenticated', 'service_role'],
      record_payment_check: service,
      record_webhook_event: service,
      release_booking_hold: service,
      rename_project: user,
      request_domain_registration: user,
      save_service: user,
      set_booking_calendar_event: service,
      set_booking_settings: user,
      set_closed_dates: user,
      set_opening_hours: user,
      set_payment_checkout: service,
      spend_credits: user,
      get_site: user,
      list_site_versions: user,
      get_site_version: user,
      restore_site_version: user,
      publish_site: user,
      unpublish_site: user,
      site_form_submissions: user,
      mark_site_form_read: user,
      save_site_version: service,
      submit_site_form: service,
      published_site: ['anon', 'authenticated', 'service_role'],
      published_site_document: ['anon', 'authenticated', 'service_role'],
      start_generation: service,
      finish_generation: service,
      fail_generation: service,
      refund_stale_generations: service,
      touch_generation: service,
      owner_generation: user,
      project_generations: user,
    });
  });

  it('anon cannot call the credit functions, even through private', async () => {
    await expect(db.as('anon', {}, (c) => c.query(`select public.get_me()`))).rejects.toMatchObject({ code: '42501' });
    await expect(db.as('anon', {}, (c) => c.query(`select private.spend_credits('chat_message', 'k', null)`))).rejects.toMatchObject({
      code: '42501',
    });
    await expect(
      db.as('authenticated', userClaims(randomUUID()), (c) =>
        c.query(`select private.post_credits($1, 'topup', 0, 0, 100)`, [randomUUID()]),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    expect((await db.as('anon', {}, (c) => c.query(`select public.health_check() as h`))).rows[0].h).toBe('ok');
  });

  it('every error code the migrations raise is in the shared catalogue', async () => {
    const dir = join(SUPABASE_DIR, 'migrations');
    const sql = (await Promise.all((await readdir(dir)).map((name) => readFile(join(dir, name), 'utf8')))).join('\n');
    const codes = new Set([...sql.matchAll(/private\.fail\('([A-Z_0-9]+)'/g)].map((match) => match[1]!));
    expect(codes.size).toBeGreaterThan(10);
    expect([...codes].filter((code) => !Object.hasOwn(ERROR_CATALOGUE, code))).toEqual([]);
  });
});
