/**
 * The owner's booking setup: services, weekly hours, closed dates and settings, each function
 * refusing strangers (NOT_FOUND_002), anonymous sign-ins (AUTH_005) and anon (no grant), and
 * refusing bad input with REQ_004 inside SQL, whoever calls it.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase, userClaims } from '../support/db';
import { addService, bookingProject } from './booking-fixtures';
import { asUser, call, expectCode } from './helpers';

const db = useTestDatabase();

const service = (projectId: string, fields: Partial<Record<'nameAr' | 'nameEn' | 'duration' | 'price' | 'buffer', unknown>> = {}) => [
  projectId,
  fields.nameAr ?? 'جلسة',
  fields.nameEn ?? 'Session',
  fields.duration ?? 60,
  fields.price ?? 5000,
  fields.buffer ?? 0,
];

const OWNER_CALLS: Array<[string, (projectId: string) => unknown[]]> = [
  ['public.booking_setup($1)', (id) => [id]],
  ['public.save_service($1, $2, $3, $4, $5, $6)', (id) => service(id)],
  ['public.set_opening_hours($1, $2)', (id) => [id, '[]']],
  ['public.set_closed_dates($1, $2)', (id) => [id, []]],
  ['public.set_booking_settings($1, $2, $3)', (id) => [id, 'Asia/Kuwait', 15]],
  ['public.cancel_booking($1, gen_random_uuid())', (id) => [id]],
];

describe('who may call the owner functions', () => {
  it.each(OWNER_CALLS)('%s: the owner yes; a stranger NOT_FOUND_002; an anonymous sign-in AUTH_005; anon denied', async (sql, args) => {
    const project = await bookingProject(db);
    const stranger = await db.newUser();
    const anonymous = await db.newUser({ isAnonymous: true });
    if (!sql.includes('cancel_booking')) await asUser(db, project.ownerId, sql, args(project.projectId));
    await expectCode(asUser(db, stranger, sql, args(project.projectId)), 'NOT_FOUND_002');
    await expectCode(
      call(db, 'authenticated', userClaims(anonymous, { is_anonymous: true }), `select ${sql}`, args(project.projectId)),
      'AUTH_005',
    );
    await expect(call(db, 'anon', {}, `select ${sql}`, args(project.projectId))).rejects.toMatchObject({ code: '42501' });
  });
});

describe('services', () => {
  it('creates, replaces and lists them (inactive ones too); the setup shows them to the owner', async () => {
    const project = await bookingProject(db);
    const created = await asUser(
      db,
      project.ownerId,
      `public.save_service($1, $2, $3, $4, $5, $6)`,
      service(project.projectId, { nameAr: '  جلسة  ' }),
    );
    expect(created).toMatchObject({
      name_ar: 'جلسة',
      name_en: 'Session',
      duration_minutes: 60,
      price_fils: 5000,
      buffer_minutes: 0,
      active: true,
    });
    const replaced = await asUser(db, project.ownerId, `public.save_service($1, $2, $3, $4, $5, $6, false, $7)`, [
      ...service(project.projectId, { duration: 90, buffer: 15 }),
      created.id,
    ]);
    expect(replaced).toMatchObject({ id: created.id, duration_minutes: 90, buffer_minutes: 15, active: false });
    const setup = await asUser(db, project.ownerId, `public.booking_setup($1)`, [project.projectId]);
    expect(setup.services).toEqual([replaced]);
    const other = await bookingProject(db);
    await expectCode(
      asUser(db, other.ownerId, `public.save_service($1, $2, $3, $4, $5, $6, true, $7)`, [...service(other.projectId), created.id]),
      'NOT_FOUND_002',
    );
  });

  it.each([
    ['a duration that is not a multiple of 5', { duration: 42 }],
    ['a duration over 8 hours', { duration: 485 }],
    ['a price of 0', { price: 0 }],
    ['a price Stripe cannot take (5 fils)', { price: 12345 }],
    ['a negative buffer', { buffer: -5 }],
    ['an empty Arabic name', { nameAr: '  ' }],
    ['an English name of 81 characters', { nameEn: 'x'.repeat(81) }],
    ['a name with a bidi override', { nameEn: 'gnp\u202Eexe' }],
  ])('refuses %s (REQ_004)', async (_, fields) => {
    const project = await bookingProject(db);
    await expectCode(
      asUser(db, project.ownerId, `public.save_service($1, $2, $3, $4, $5, $6)`, service(project.projectId, fields)),
      'REQ_004',
    );
  });

  it('a project has at most 50 services (BOOK_004)', async () => {
    const project = await bookingProject(db);
    await db.admin.query(
      `insert into public.services (project_id, name_ar, name_en, duration_minutes, price_fils)
       select $1, 'جلسة ' || n, 'Session ' || n, 30, 1000 from generate_series(1, 50) n`,
      [project.projectId],
    );
    await expectCode(addService(db, project), 'BOOK_004');
  });
});

describe('opening hours', () => {
  it('replace the whole week, sorted, with 24:00 as a closing time', async () => {
    const project = await bookingProject(db, { hours: [{ weekday: 1, opens: '08:00', closes: '09:00' }] });
    const hours = [
      { weekday: 4, opens: '16:00', closes: '24:00' },
      { weekday: 0, opens: '13:00', closes: '17:00' },
      { weekday: 0, opens: '09:00', closes: '12:00' },
    ];
    expect(await asUser(db, project.ownerId, `public.set_opening_hours($1, $2)`, [project.projectId, JSON.stringify(hours)])).toEqual([
      { weekday: 0, opens: '09:00', closes: '12:00' },
      { weekday: 0, opens: '13:00', closes: '17:00' },
      { weekday: 4, opens: '16:00', closes: '24:00' },
    ]);
  });

  it.each([
    ['not an array', { weekday: 0, opens: '09:00', closes: '17:00' }],
    ['weekday 7', [{ weekday: 7, opens: '09:00', closes: '17:00' }]],
    ['closing before opening', [{ weekday: 0, opens: '17:00', closes: '09:00' }]],
    ['a closing equal to its opening', [{ weekday: 0, opens: '09:00', closes: '09:00' }]],
    ['25:00', [{ weekday: 0, opens: '09:00', closes: '25:00' }]],
    ['an extra field', [{ weekday: 0, opens: '09:00', closes: '17:00', note: 'x' }]],
    [
      'overlapping ranges',
      [
        { weekday: 2, opens: '09:00', closes: '12:00' },
        { weekday: 2, opens: '11:00', closes: '13:00' },
      ],
    ],
    [
      'two ranges opening together',
      [
        { weekday: 2, opens: '09:00', closes: '12:00' },
        { weekday: 2, opens: '09:00', closes: '10:00' },
      ],
    ],
    [
      '29 ranges',
      Array.from({ length: 29 }, (_, i) => ({ weekday: i % 7, opens: `0${Math.floor(i / 7)}:00`, closes: `0${Math.floor(i / 7)}:30` })),
    ],
  ])('refuses %s (REQ_004) and keeps the week it had', async (_, hours) => {
    const project = await bookingProject(db, { hours: [{ weekday: 1, opens: '08:00', closes: '09:00' }] });
    await expectCode(
      asUser(db, project.ownerId, `public.set_opening_hours($1, $2)`, [project.projectId, JSON.stringify(hours)]),
      'REQ_004',
    );
    expect((await asUser(db, project.ownerId, `public.booking_setup($1)`, [project.projectId])).hours).toEqual([
      { weekday: 1, opens: '08:00', closes: '09:00' },
    ]);
  });
});

describe('closed dates and settings', () => {
  it('closed dates are replaced as a set; infinity is refused', async () => {
    const project = await bookingProject(db);
    expect(
      await asUser(db, project.ownerId, `public.set_closed_dates($1, $2)`, [project.projectId, ['2027-02-26', '2027-02-25', '2027-02-26']]),
    ).toEqual(['2027-02-25', '2027-02-26']);
    await expectCode(asUser(db, project.ownerId, `public.set_closed_dates($1, array['infinity']::date[])`, [project.projectId]), 'REQ_004');
  });

  it('settings: a time zone Postgres knows, a hold of 5 to 60 minutes; a Make URL gets a secret that stays until rotated', async () => {
    const project = await bookingProject(db);
    const settings = (extra: unknown[] = []) =>
      asUser(db, project.ownerId, `public.set_booking_settings($1, $2, $3, $4, $5${extra.length ? ', $6' : ''})`, [
        project.projectId,
        'Europe/London',
        30,
        'https://hook.eu1.make.com/abc',
        'owner@example.test',
        ...extra,
      ]);
    const first = await settings();
    expect(first).toMatchObject({
      time_zone: 'Europe/London',
      hold_minutes: 30,
      make_webhook_url: 'https://hook.eu1.make.com/abc',
      google_calendar_id: 'owner@example.test',
    });
    expect(first.make_webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect((await settings()).make_webhook_secret).toBe(first.make_webhook_secret);
    const rotated = await settings([true]);
    expect(rotated.make_webhook_secret).not.toBe(first.make_webhook_secret);
    const cleared = await asUser(db, project.ownerId, `public.set_booking_settings($1, 'Asia/Kuwait', 15)`, [project.projectId]);
    expect(cleared).toEqual({
      time_zone: 'Asia/Kuwait',
      hold_minutes: 15,
      make_webhook_url: null,
      make_webhook_secret: null,
      google_calendar_id: null,
    });

    for (const [zone, hold, url] of [
      ['Mars/Olympus', 15, null],
      ['EST', 15, null],
      ['Asia/Kuwait', 4, null],
      ['Asia/Kuwait', 61, null],
      ['Asia/Kuwait', 15, 'ftp://hook.example.test'],
      ['Asia/Kuwait', 15, 'https://hook with space'],
    ] as const) {
      await expectCode(
        asUser(db, project.ownerId, `public.set_booking_settings($1, $2, $3, $4)`, [project.projectId, zone, hold, url]),
        'REQ_004',
      );
    }
  });
});
