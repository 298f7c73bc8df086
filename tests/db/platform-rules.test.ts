/**
 * Platform rules held by the SQL functions themselves (migration 20261122000100_platform_rules):
 * anonymous sign-ins and deleted accounts refused, the project quota and creation rate, name and
 * slug rules equal to shared/schemas.ts and shared/slug.ts (spelling kept, look-alike slugs collide
 * through the key of migration 20261122001000_slug_spelling), numbers
 * that are not finite refused, constraint errors mapped to catalogue codes, and projects with
 * confirmed bookings still to come kept from deletion.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectName, projectSlug } from '../../shared/schemas';
import { cleanSlugLetters, slugify, slugKey } from '../../shared/slug';
import { useTestDatabase, userClaims } from '../support/db';
import { asService, asUser, balanceAndLedger, call, expectCode, giveCredits, newProject, setPlan } from './helpers';

const db = useTestDatabase();

const T0 = '2026-11-22T09:00:00Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

let counter = 0;
const uniqueSlug = (label = 'p') => `${label}-${++counter}`;

const create = (userId: string, name: string, slug: string, when = T0) =>
  asUser(db, userId, `public.create_project($1, $2)`, [name, slug], when);
const projectCount = async (userId: string) =>
  (await db.admin.query(`select count(*)::int as n from public.projects where owner_id = $1`, [userId])).rows[0].n as number;

describe('anonymous sign-ins', () => {
  it('create none of 25 projects through the functions, and may not write the table directly', async () => {
    const anonymous = await db.newUser({ isAnonymous: true });
    const claims = userClaims(anonymous, { is_anonymous: true });
    for (let i = 0; i < 25; i++) {
      await expectCode(call(db, 'authenticated', claims, `select public.create_project($1, $2)`, [`Squat ${i}`, `squat-${i}`]), 'AUTH_005');
    }
    await expect(
      call(db, 'authenticated', claims, `insert into public.projects (owner_id, name, slug) values ($1, 'Direct', 'direct-squat')`, [
        anonymous,
      ]),
    ).rejects.toMatchObject({ code: '42501' });
    expect(await projectCount(anonymous)).toBe(0);
  });

  it('are refused by every function the Worker keeps from them, and may read get_me', async () => {
    const anonymous = await db.newUser({ isAnonymous: true });
    const claims = userClaims(anonymous, { is_anonymous: true });
    const projectId = await newProject(db, await db.newUser(), uniqueSlug('anon-target'));
    for (const sql of [
      `select * from public.list_projects()`,
      `select public.create_project('Mine', 'anon-mine')`,
      `select public.get_project('${projectId}')`,
      `select public.rename_project('${projectId}', 'x')`,
      `select public.delete_project('${projectId}')`,
      `select * from public.project_bookings('${projectId}')`,
      `select * from public.credit_ledger()`,
      `select public.spend_credits('chat_message', 'anon-key')`,
      `select public.claim_daily_bonus()`,
    ]) {
      await expectCode(call(db, 'authenticated', claims, sql), 'AUTH_005');
    }
    const [me] = await call<{ me: { credits: { total: number } } }>(db, 'authenticated', claims, `select public.get_me() as me`);
    expect(me!.me.credits.total).toBe(0);
  });

  it('are refused by the account itself, even with a token that does not say so', async () => {
    const anonymous = await db.newUser({ isAnonymous: true });
    await expectCode(create(anonymous, 'Claimless', uniqueSlug()), 'AUTH_005');
    await expectCode(asUser(db, anonymous, `public.get_project(gen_random_uuid())`), 'AUTH_005');
  });
});

describe('project quota and creation rate', () => {
  it('a user owns at most 20 projects (PROJ_002); deleting one makes room', async () => {
    const userId = await db.newUser();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await create(userId, `Site ${i}`, uniqueSlug('quota'), at(61 * Math.floor(i / 10)))).id);
    await expectCode(create(userId, 'One too many', uniqueSlug('quota'), at(200)), 'PROJ_002');
    expect(await projectCount(userId)).toBe(20);

    await asUser(db, userId, `public.delete_project($1)`, [ids[0]], at(200));
    expect((await create(userId, 'Room again', uniqueSlug('quota'), at(200))).name).toBe('Room again');
    await expectCode(create(userId, 'Full again', uniqueSlug('quota'), at(200)), 'PROJ_002');
  });

  it('a user creates at most 10 projects a minute (PROJ_003); deleting does not give a creation back', async () => {
    const userId = await db.newUser();
    let last: { id: string } | undefined;
    for (let i = 0; i < 10; i++) last = await create(userId, `Fast ${i}`, uniqueSlug('rate'), at(i));
    await expectCode(create(userId, 'Eleventh', uniqueSlug('rate'), at(30)), 'PROJ_003');
    await asUser(db, userId, `public.delete_project($1)`, [last!.id], at(30));
    await expectCode(create(userId, 'After delete', uniqueSlug('rate'), at(59)), 'PROJ_003');
    // The first creation (at T0) leaves the window 60 s later.
    expect((await create(userId, 'Next minute', uniqueSlug('rate'), at(60))).name).toBe('Next minute');
    await expectCode(create(userId, 'Still fast', uniqueSlug('rate'), at(60)), 'PROJ_003');
  });

  it('holds under concurrency: 20 simultaneous creations by one user, exactly 10 succeed', async () => {
    const userId = await db.newUser();
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => create(userId, `Burst ${i}`, uniqueSlug('burst'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'P0001', message: 'PROJ_003' });
    expect(await projectCount(userId)).toBe(10);
  });

  it('reads both limits from private.platform_limits', async () => {
    const userId = await db.newUser();
    await db.admin.query(`update private.platform_limits set projects_per_user = 2, project_creations_per_minute = 1`);
    try {
      await create(userId, 'One', uniqueSlug('limits'), at(0));
      await expectCode(create(userId, 'Two', uniqueSlug('limits'), at(1)), 'PROJ_003');
      await create(userId, 'Two', uniqueSlug('limits'), at(61));
      await expectCode(create(userId, 'Three', uniqueSlug('limits'), at(200)), 'PROJ_002');
    } finally {
      await db.admin.query(`update private.platform_limits set projects_per_user = 20, project_creations_per_minute = 10`);
    }
    const { rows } = await db.admin.query(`select * from private.platform_limits`);
    expect(rows).toEqual([{ id: true, projects_per_user: 20, project_creations_per_minute: 10 }]);
  });
});

describe('project names', () => {
  it('refuse bidi controls, invisible-only names, controls and more than 80 characters (REQ_004)', async () => {
    const userId = await db.newUser();
    for (const name of [
      'evil\u202Egnp.exe',
      'a\u2066b',
      '\u200B\u200C\u200D',
      '\u2060\uFEFF\u00AD',
      '\u3164\u3164',
      ' \u00A0\u3000 ',
      'tab\tinside',
      'x'.repeat(81),
      '',
    ]) {
      await expectCode(create(userId, name, uniqueSlug('name')), 'REQ_004');
    }
    expect(await projectCount(userId)).toBe(0);
  });

  it('are trimmed as JavaScript trims them and count characters, not bytes', async () => {
    const userId = await db.newUser();
    expect((await create(userId, '\u3000\u00A0 مطعم الخليج \u2028', uniqueSlug('trim'))).name).toBe('مطعم الخليج');
    expect((await create(userId, '😀'.repeat(80), uniqueSlug('emoji'))).name).toBe('😀'.repeat(80));
    // Marks and joiners inside a visible name are fine: Arabic text uses them.
    expect((await create(userId, 'مُحَمَّد\u200Dـ', uniqueSlug('marks'))).name).toBe('مُحَمَّد\u200Dـ');
  });

  it('rename follows the same rule', async () => {
    const userId = await db.newUser();
    const { id } = await create(userId, 'Before', uniqueSlug('rename'));
    await expectCode(asUser(db, userId, `public.rename_project($1, $2)`, [id, '\u200B']), 'REQ_004');
    await expectCode(asUser(db, userId, `public.rename_project($1, $2)`, [id, 'a\u202Db']), 'REQ_004');
    expect((await asUser(db, userId, `public.rename_project($1, $2)`, [id, '  After  '])).name).toBe('After');
  });

  it('U+0000 cannot reach a text value at all', async () => {
    const userId = await db.newUser();
    await expect(create(userId, 'a\u0000b', uniqueSlug('nul'))).rejects.toMatchObject({ code: '22021' });
  });
});

describe('project slugs', () => {
  it('keep the spelling the owner typed: ة, ى and the hamza letters stay', async () => {
    const userId = await db.newUser();
    expect((await create(userId, 'Clinic', 'عيادة-الشفاء')).slug).toBe('عيادة-الشفاء');
    expect((await create(userId, 'Hospital', 'مستشفى')).slug).toBe('مستشفى');
    expect((await create(userId, 'Ahmad', 'أحمد-إيمان-آمال-مؤمن-رئيس-سماء')).slug).toBe('أحمد-إيمان-آمال-مؤمن-رئيس-سماء');
    // Not spelling: diacritics, tatweel, Persian letters, Arabic-Indic digits, compatibility forms.
    expect((await create(userId, 'School', 'مَدْرَسَـة-ی-ک-٢-ﻻ')).slug).toBe('مدرسة-ي-ك-2-لا');
    // A decomposed hamza (ا + U+0654) is stored as the letter أ.
    expect((await create(userId, 'Decomposed', 'ا\u0654سد')).slug).toBe('أسد');
    const [row] = (await db.admin.query(`select slug, slug_key from public.projects where owner_id = $1 and name = 'Clinic'`, [userId]))
      .rows;
    expect(row).toEqual({ slug: 'عيادة-الشفاء', slug_key: 'عياده-الشفاء' });
  });

  it('look-alike Arabic spellings are still one address (PROJ_001)', async () => {
    const first = await db.newUser();
    const second = await db.newUser();
    expect((await create(first, 'Library', 'مكتبي')).slug).toBe('مكتبي');
    for (const lookAlike of ['مكتبى', 'مكتبی', 'مكتبـي']) await expectCode(create(second, 'Library', lookAlike), 'PROJ_001');

    expect((await create(first, 'Ahmad', 'أحمد')).slug).toBe('أحمد');
    for (const lookAlike of ['احمد', 'إحمد', 'آحمد', 'أَحْمَد', 'اـحمد']) await expectCode(create(second, 'Ahmad', lookAlike), 'PROJ_001');

    expect((await create(first, 'Clinic', 'عيادة-الشفاء-٢')).slug).toBe('عيادة-الشفاء-2');
    await expectCode(create(second, 'Clinic', 'عياده-الشفاء-2'), 'PROJ_001');
    await expectCode(create(second, 'Clinic', 'عيادة-الشفاء-2'), 'PROJ_001');
  });

  it('the service role cannot store two look-alike slugs either (the unique key)', async () => {
    const userId = await db.newUser();
    const insert = (slug: string) =>
      call(db, 'service_role', {}, `insert into public.projects (owner_id, name, slug) values ($1, 'Direct', $2)`, [userId, slug]);
    await insert('مستشفى-الأمل-service');
    await expect(insert('مستشفي-الامل-service')).rejects.toMatchObject({ code: '23505' });
  });

  it('keep the slug pattern: lowercase words and single hyphens, at most 48 characters (REQ_004)', async () => {
    const userId = await db.newUser();
    for (const slug of ['Upper', 'a--b', '-a', 'a-', 'a b', 'a_b', 'x'.repeat(49), '', 'ـ', '\u202Eabc']) {
      await expectCode(create(userId, 'Bad slug', slug), 'REQ_004');
    }
    expect((await create(userId, 'Long', 'x'.repeat(48))).slug).toBe('x'.repeat(48));
  });

  it('the service role cannot store a malformed name or slug either', async () => {
    const userId = await db.newUser();
    for (const [name, slug] of [
      ['ok', 'مكتبـى-service'],
      ['ok', 'مكتبی-service'],
      ['ok', 'ا\u0654سد-service'],
      ['\u200B', 'zero-width-service'],
    ]) {
      await expect(
        call(db, 'service_role', {}, `insert into public.projects (owner_id, name, slug) values ($1, $2, $3)`, [userId, name, slug]),
      ).rejects.toMatchObject({ code: '23514' });
    }
  });
});

/** Characters where the rules have something to say, mixed with anything else Unicode holds. */
const interesting = fc.constantFrom(
  ...'aZ09 -_.أإآؤئاىيیکكةهھہەٱـًٌٍَُِّْٰ٠٣۹ﻻﷲ\u00A0\u3000\u2028\u200B\u200D\u200E\u202A\u202E\u2066\u2069\uFEFF\u00AD\u3164\u0001\u007F\u0085\u0301\u0130\u212AÅ',
  '\u{E0041}',
  '\u{1D173}',
  '😀',
);
const text = fc.oneof(
  fc.string({ unit: fc.oneof(interesting, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 90 }),
  fc.string({ unit: interesting, maxLength: 90 }),
  fc.string({ unit: fc.constantFrom(...'abxz09-أإآؤئءاىيیکةهھہەۀۓٱـَُّ٣۹ﺃ\u0653\u0654\u0655'), maxLength: 50 }),
);

describe('the same rules in TypeScript and SQL', () => {
  it('agree on generated strings: name acceptance and trimming, slug cleaning, key, acceptance and canonical form', async () => {
    await fc.assert(
      // U+0000 and lone surrogates cannot be sent as text (see the tests above and tests/db/exposed-functions.test.ts).
      fc.asyncProperty(
        fc.array(
          text.filter((s) => !/\u0000|\p{Cs}/u.test(s)),
          { minLength: 1, maxLength: 50 },
        ),
        async (inputs) => {
          const { rows } = await db.admin.query<{
            input: string;
            assigned: boolean;
            name: string | null;
            slug: string | null;
            cleaned: string;
            key: string;
            slugged: string | null;
          }>(
            `select s as input, unicode_assigned(s) as assigned,
             case when private.is_project_name(private.trim_js(s)) then private.trim_js(s) end as name,
             case when private.is_project_slug(private.clean_slug_letters(s)) then private.clean_slug_letters(s) end as slug,
             private.clean_slug_letters(s) as cleaned,
             private.fold_slug_letters(s) as key,
             case when private.is_project_slug(t) then t end as slugged
           from unnest($1::text[], $2::text[]) as u(s, t)`,
            [inputs, inputs.map(slugify)],
          );
          for (const row of rows) {
            const ts = {
              name: projectName().safeParse(row.input).data ?? null,
              slug: projectSlug().safeParse(row.input).data ?? null,
              cleaned: cleanSlugLetters(row.input),
              key: slugKey(row.input),
              slugged: slugify(row.input) || null,
            };
            // Postgres 17 knows Unicode 15.1: normalisation is compared only on characters it knows.
            const sql = {
              name: row.name,
              slug: row.assigned ? row.slug : ts.slug,
              cleaned: row.assigned ? row.cleaned : ts.cleaned,
              key: row.assigned ? row.key : ts.key,
              slugged: row.slugged,
            };
            expect(sql, JSON.stringify(row.input)).toEqual(ts);
            // A stored slug has the key of what was typed, so a lookup by any spelling finds it.
            expect(slugKey(ts.cleaned), JSON.stringify(row.input)).toBe(ts.key);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('agree on the names and slugs of the issue', () => {
    expect(projectName().safeParse('a\u0000b').success).toBe(false);
    expect(projectName().safeParse('a\uD800b').success).toBe(false);
    expect(projectName().safeParse('\u200B\u200C').success).toBe(false);
    expect(projectName().safeParse('x\u202E').success).toBe(false);
    expect(projectSlug().safeParse('مكتبى').data).toBe('مكتبى');
    expect(projectSlug().safeParse('مكتبی').data).toBe('مكتبي');
    expect(slugify('عيادة الشفاء')).toBe('عيادة-الشفاء');
    expect(slugify('مدرسة الأمل ى')).toBe('مدرسة-الأمل-ى');
    expect(slugKey(slugify('مدرسة الأمل ى'))).toBe('مدرسه-الامل-ي');
  });
});

describe('numbers', () => {
  it("a top-up of 'NaN' or an infinity is refused (REQ_004) and NaN cannot be stored", async () => {
    const userId = await db.newUser();
    for (const credits of ['NaN', 'Infinity', '-Infinity', '1e20']) {
      await expectCode(
        asService(db, `public.create_payment('topup', 'upayments', $1, 1000, 'KWD', $2, p_credits => $3::numeric)`, [
          `nan-${credits}`,
          userId,
          credits,
        ]),
        'REQ_004',
      );
    }
    await expect(
      db.admin.query(
        `insert into public.payments (user_id, purpose, provider, provider_ref, amount_fils, currency, credits)
        values ($1, 'topup', 'stripe', 'nan-direct', 1000, 'KWD', 'NaN')`,
        [userId],
      ),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(db.admin.query(`update public.tiers set daily_bonus = 'NaN' where id = 'basic'`)).rejects.toMatchObject({ code: '23514' });
    expect(await db.admin.query(`select count(*)::int as n from public.payments where user_id = $1`, [userId])).toMatchObject({
      rows: [{ n: 0 }],
    });
  });

  it('the ledger writer refuses amounts that are not finite', async () => {
    const userId = await db.newUser();
    await giveCredits(db, userId, { purchased: 5 });
    const client = await db.admin.connect();
    try {
      await client.query('begin');
      await client.query(`select private.lock_balance($1)`, [userId]);
      await expect(client.query(`select private.post_credits($1, 'topup', 0, 0, 'NaN')`, [userId])).rejects.toMatchObject({
        message: 'REQ_004',
      });
    } finally {
      await client.query('rollback');
      client.release();
    }
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 5, ledger: 5, spends: 0 });
  });

  it('a booking slot ending at infinity is refused (REQ_004)', async () => {
    const projectId = await newProject(db, await db.newUser(), uniqueSlug('forever'));
    await expectCode(asService(db, `public.create_booking_hold($1, '2027-01-01T10:00Z', 'infinity', 'Client')`, [projectId]), 'REQ_004');
    await expectCode(asService(db, `public.create_booking_hold($1, '-infinity', '2027-01-01T10:00Z', 'Client')`, [projectId]), 'REQ_004');
  });
});

describe('deleted accounts', () => {
  it('a valid token of a deleted account gets AUTH_007 from every function, never a raw SQL error', async () => {
    const userId = await db.newUser();
    await setPlan(db, userId, 'premium', '2027-12-31T00:00:00Z');
    await giveCredits(db, userId, { purchased: 10 });
    const projectId = await newProject(db, userId, uniqueSlug('gone'));
    await db.admin.query(`delete from auth.users where id = $1`, [userId]);

    for (const sql of [
      `public.spend_credits('chat_message', 'gone-key')`,
      `public.claim_daily_bonus()`,
      `public.create_project('Again', '${uniqueSlug('gone')}')`,
      `public.get_me()`,
      `public.get_project('${projectId}')`,
      `public.rename_project('${projectId}', 'x')`,
      `public.delete_project('${projectId}')`,
    ]) {
      await expectCode(asUser(db, userId, sql), 'AUTH_007');
    }
    for (const sql of [
      `select * from public.list_projects()`,
      `select * from public.credit_ledger()`,
      `select * from public.project_bookings('${projectId}')`,
    ]) {
      await expectCode(call(db, 'authenticated', userClaims(userId), sql), 'AUTH_007');
    }
  });

  it('an account GoTrue soft-deleted counts as deleted', async () => {
    const userId = await db.newUser();
    await db.admin.query(`update auth.users set deleted_at = now() where id = $1`, [userId]);
    await expectCode(asUser(db, userId, `public.get_me()`), 'AUTH_007');
  });

  it('a constraint an account trips on inside a function is a catalogue code, not SRV_001', async () => {
    // An account row without its profile: require_user passes, the writes then miss their foreign key.
    const userId = await db.newUser();
    await setPlan(db, userId, 'basic', '2027-12-31T00:00:00Z');
    await db.admin.query(`delete from public.profiles where id = $1`, [userId]);
    await expectCode(asUser(db, userId, `public.spend_credits('chat_message', 'fk-key')`), 'AUTH_007');
    await expectCode(asUser(db, userId, `public.claim_daily_bonus()`), 'AUTH_007');
    await expectCode(create(userId, 'Orphan', uniqueSlug('fk')), 'AUTH_007');
  });
});

describe('deleting a project', () => {
  it('is refused while a confirmed booking has not ended (PROJ_004), and allowed once it has', async () => {
    const ownerId = await db.newUser();
    const projectId = await newProject(db, ownerId, uniqueSlug('booked'));
    const [start, end] = ['2027-02-01T10:00:00Z', '2027-02-01T11:00:00Z'];
    const booking = await asService(
      db,
      `public.create_booking_hold($1, $2, $3, 'Client')`,
      [projectId, start, end],
      '2027-01-20T00:00:00Z',
    );
    await asService(db, `public.confirm_booking($1)`, [booking.id], '2027-01-20T00:05:00Z');

    await expectCode(asUser(db, ownerId, `public.delete_project($1)`, [projectId], '2027-01-25T00:00:00Z'), 'PROJ_004');
    await expectCode(asUser(db, ownerId, `public.delete_project($1)`, [projectId], '2027-02-01T10:30:00Z'), 'PROJ_004');
    expect(await projectCount(ownerId)).toBe(1);
    expect(await asUser(db, ownerId, `public.delete_project($1)`, [projectId], end)).toEqual({ id: projectId });
  });

  it('held, cancelled and expired bookings do not block it', async () => {
    const ownerId = await db.newUser();
    const projectId = await newProject(db, ownerId, uniqueSlug('held'));
    const held = await asService(
      db,
      `public.create_booking_hold($1, '2027-03-01T10:00Z', '2027-03-01T11:00Z', 'A')`,
      [projectId],
      '2027-02-20T00:00:00Z',
    );
    const released = await asService(
      db,
      `public.create_booking_hold($1, '2027-03-02T10:00Z', '2027-03-02T11:00Z', 'B')`,
      [projectId],
      '2027-02-20T00:00:00Z',
    );
    await asService(db, `public.release_booking_hold($1)`, [released.id]);
    expect(held.status).toBe('held');
    expect(await asUser(db, ownerId, `public.delete_project($1)`, [projectId], '2027-02-20T00:01:00Z')).toEqual({ id: projectId });
  });

  it('a hold racing a project deletion gets NOT_FOUND_002, not a foreign-key error', async () => {
    const ownerId = await db.newUser();
    const projectId = await newProject(db, ownerId, uniqueSlug('race'));
    const deleter = await db.admin.connect();
    try {
      const pid = (await deleter.query(`select pg_backend_pid() as pid`)).rows[0].pid as number;
      await deleter.query('begin');
      await deleter.query(`delete from public.projects where id = $1`, [projectId]);
      // The hold sees the project (the delete is not committed) and then waits on its row.
      // The expectation is attached at once: the hold's refusal can arrive before the commit's answer.
      const holding = expectCode(
        asService(db, `public.create_booking_hold($1, '2027-04-01T10:00Z', '2027-04-01T11:00Z', 'Racer')`, [projectId]),
        'NOT_FOUND_002',
      );
      const waiting = async () =>
        (await db.admin.query(`select count(*)::int as n from pg_stat_activity where $1 = any (pg_blocking_pids(pid))`, [pid])).rows[0].n;
      await expect.poll(waiting).toBe(1);
      await deleter.query('commit');
      await holding;
    } finally {
      deleter.release();
    }
  });
});
