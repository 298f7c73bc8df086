/**
 * Availability computed in SQL: slots from the weekly hours in the project's time zone (across a
 * Kuwait midnight, in New York on the day its clocks move), closed dates, buffers, live holds and
 * confirmed bookings, the clock and the booking window; and the public page of a project.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/db';
import { addService, asAnon, availability, bookingProject, iso, publicHold } from './booking-fixtures';
import { asService, expectCode, newProject } from './helpers';

const db = useTestDatabase();

/** Wednesday 6 January 2027, 08:00 UTC (11:00 in Kuwait). */
const T0 = '2027-01-06T08:00:00Z';
const WEDNESDAY = 3;
const THURSDAY = 4;

const instants = (slots: Array<{ starts_at: string }>) => slots.map((slot) => iso(slot.starts_at));
const labels = (slots: Array<{ label: string }>) => slots.map((slot) => slot.label);

describe('across a Kuwait midnight', () => {
  // Open Wednesday 22:00-24:00 and Thursday 00:00-02:00, Kuwait time (UTC+3).
  const night = () =>
    bookingProject(db, {
      hours: [
        { weekday: WEDNESDAY, opens: '22:00', closes: '24:00' },
        { weekday: THURSDAY, opens: '00:00', closes: '02:00' },
      ],
    });

  it("gives each local day its own slots, the Thursday ones on Wednesday's UTC date", async () => {
    const project = await night();
    const service = await addService(db, project);
    const wednesday = await availability(db, project, service, '2027-01-06', T0);
    expect(wednesday.time_zone).toBe('Asia/Kuwait');
    expect(labels(wednesday.slots)).toEqual(['22:00', '23:00']);
    expect(instants(wednesday.slots)).toEqual(['2027-01-06T19:00:00.000Z', '2027-01-06T20:00:00.000Z']);
    expect(wednesday.slots.at(-1)!.ends_label).toBe('00:00');

    const thursday = await availability(db, project, service, '2027-01-07', T0);
    expect(labels(thursday.slots)).toEqual(['00:00', '01:00']);
    expect(instants(thursday.slots)).toEqual(['2027-01-06T21:00:00.000Z', '2027-01-06T22:00:00.000Z']);
  });

  it('after midnight in Kuwait (still Wednesday in UTC), Wednesday is over and Thursday has only its future slots', async () => {
    const project = await night();
    const service = await addService(db, project);
    const at = '2027-01-06T21:30:00Z'; // Thursday 00:30 in Kuwait
    expect((await availability(db, project, service, '2027-01-06', at)).slots).toEqual([]);
    expect(labels((await availability(db, project, service, '2027-01-07', at)).slots)).toEqual(['01:00']);
  });

  it('a confirmed booking at 00:00 Thursday takes that slot and no other', async () => {
    const project = await night();
    const service = await addService(db, project);
    const { booking } = await publicHold(db, project, service, { startsAt: '2027-01-06T21:00:00Z' }, T0);
    await asService(db, `public.confirm_booking($1)`, [booking.id], T0);
    expect(labels((await availability(db, project, service, '2027-01-07', T0)).slots)).toEqual(['01:00']);
    expect(labels((await availability(db, project, service, '2027-01-06', T0)).slots)).toEqual(['22:00', '23:00']);
  });
});

describe('in another time zone', () => {
  it('New York in winter is UTC-5 and on the day its clocks move forward UTC-4', async () => {
    const project = await bookingProject(db, {
      timeZone: 'America/New_York',
      hours: [
        { weekday: 0, opens: '09:00', closes: '11:00' },
        { weekday: 1, opens: '09:00', closes: '11:00' },
      ],
    });
    const service = await addService(db, project);
    const monday = await availability(db, project, service, '2027-01-11', T0);
    expect(monday.time_zone).toBe('America/New_York');
    expect(labels(monday.slots)).toEqual(['09:00', '10:00']);
    expect(instants(monday.slots)).toEqual(['2027-01-11T14:00:00.000Z', '2027-01-11T15:00:00.000Z']);
    // 14 March 2027: 02:00 becomes 03:00 in New York.
    expect(instants((await availability(db, project, service, '2027-03-14', T0)).slots)).toEqual([
      '2027-03-14T13:00:00.000Z',
      '2027-03-14T14:00:00.000Z',
    ]);
  });

  it("uses the project's own calendar day: late on Wednesday in New York is already Thursday in UTC", async () => {
    const project = await bookingProject(db, {
      timeZone: 'America/New_York',
      hours: [{ weekday: WEDNESDAY, opens: '21:00', closes: '23:00' }],
    });
    const service = await addService(db, project);
    expect(instants((await availability(db, project, service, '2027-01-06', T0)).slots)).toEqual([
      '2027-01-07T02:00:00.000Z',
      '2027-01-07T03:00:00.000Z',
    ]);
    expect((await availability(db, project, service, '2027-01-07', T0)).slots).toEqual([]);
  });
});

describe('what takes slots away', () => {
  const dayProject = (closed: string[] = []) =>
    bookingProject(db, { hours: [{ weekday: WEDNESDAY, opens: '09:00', closes: '17:00' }], closed });
  const NEXT_WEDNESDAY = '2027-01-13';

  it('steps by duration plus buffer and ends every slot by closing time', async () => {
    const project = await dayProject();
    const service = await addService(db, project, { duration: 60, buffer: 15 });
    expect(labels((await availability(db, project, service, NEXT_WEDNESDAY, T0)).slots)).toEqual([
      '09:00',
      '10:15',
      '11:30',
      '12:45',
      '14:00',
      '15:15',
    ]);
  });

  it('a closed date, a closed weekday and a day past the booking window have no slots; a past day neither', async () => {
    const project = await dayProject([NEXT_WEDNESDAY]);
    const service = await addService(db, project);
    expect((await availability(db, project, service, NEXT_WEDNESDAY, T0)).slots).toEqual([]);
    expect((await availability(db, project, service, '2027-01-14', T0)).slots).toEqual([]);
    expect((await availability(db, project, service, '2027-12-29', T0)).slots).toEqual([]);
    expect((await availability(db, project, service, '2026-12-30', T0)).slots).toEqual([]);
    expect((await availability(db, project, service, '2027-01-20', T0)).slots).toHaveLength(8);
    await expectCode(asAnon(db, `public.booking_availability($1, $2, 'infinity')`, [project.slug, service], T0), 'REQ_004');
  });

  it('on the day itself, only slots that have not started', async () => {
    const project = await dayProject();
    const service = await addService(db, project);
    // 11:00 in Kuwait: the 11:00 slot has started.
    expect(labels((await availability(db, project, service, '2027-01-06', T0)).slots)).toEqual([
      '12:00',
      '13:00',
      '14:00',
      '15:00',
      '16:00',
    ]);
  });

  it("a live hold takes its slot and its buffer's; once lapsed the slots come back", async () => {
    const project = await dayProject();
    const long = await addService(db, project, { duration: 60, buffer: 30, name: 'Long' });
    const short = await addService(db, project, { duration: 30, name: 'Short' });
    // The long session 09:00-10:00 Kuwait, then 30 minutes nobody may start in.
    await publicHold(db, project, long, { startsAt: '2027-01-13T06:00:00Z' }, T0);
    const shortSlots = labels((await availability(db, project, short, NEXT_WEDNESDAY, T0)).slots);
    expect(shortSlots.slice(0, 4)).toEqual(['10:30', '11:00', '11:30', '12:00']);
    // The hold lasts 15 minutes.
    const later = '2027-01-06T08:16:00Z';
    expect(labels((await availability(db, project, short, NEXT_WEDNESDAY, later)).slots).slice(0, 6)).toEqual([
      '09:00',
      '09:30',
      '10:00',
      '10:30',
      '11:00',
      '11:30',
    ]);
  });

  it('a session of another project never takes a slot', async () => {
    const project = await dayProject();
    const other = await dayProject();
    const service = await addService(db, project);
    const otherService = await addService(db, other);
    await publicHold(db, other, otherService, { startsAt: '2027-01-13T06:00:00Z' }, T0);
    expect(labels((await availability(db, project, service, NEXT_WEDNESDAY, T0)).slots)[0]).toBe('09:00');
  });
});

describe('the public page of a project', () => {
  it('shows active services, hours and upcoming closed dates, finds look-alike slugs, and hides everything else', async () => {
    const project = await bookingProject(db, {
      hours: [{ weekday: WEDNESDAY, opens: '09:00', closes: '17:00' }],
      closed: ['2026-12-01', '2027-01-13'],
    });
    const shown = await addService(db, project, { name: 'Shown', price: 12500, buffer: 10 });
    await addService(db, project, { name: 'Hidden', active: false });
    const page = await asAnon(db, `public.public_booking_page($1)`, [project.slug], T0);
    expect(page).toEqual({
      project: { slug: project.slug, name: `Project ${project.slug}`, time_zone: 'Asia/Kuwait', hold_minutes: 15 },
      logo: null,
      today: '2027-01-06',
      booking_window_days: 180,
      services: [{ id: shown, name_ar: 'جلسة Shown', name_en: 'Shown', duration_minutes: 60, price_fils: 12500, currency: 'KWD' }],
      hours: [{ weekday: WEDNESDAY, opens: '09:00', closes: '17:00' }],
      closed_dates: ['2027-01-13'],
    });
    await expectCode(asAnon(db, `public.public_booking_page('no-such-studio')`), 'NOT_FOUND_002');

    const arabic = await newProject(db, project.ownerId, 'استوديو-علي');
    expect(arabic).toBeTruthy();
    expect((await asAnon(db, `public.public_booking_page('استوديو-على')`, [], T0)).project.slug).toBe('استوديو-علي');
    // The stored spelling is kept; any look-alike spelling finds it and the page answers the stored one.
    await newProject(db, project.ownerId, 'عيادة-الشفاء-مستشفى');
    for (const spelling of ['عيادة-الشفاء-مستشفى', 'عياده-الشفاء-مستشفي', 'عيادة-الشفاء-مستشفی']) {
      expect((await asAnon(db, `public.public_booking_page($1)`, [spelling], T0)).project.slug).toBe('عيادة-الشفاء-مستشفى');
    }
  });

  it("names the project's logo only when the public bucket has it, with the time it last changed", async () => {
    const project = await bookingProject(db);
    const logo = async () => (await asAnon(db, `public.public_booking_page($1)`, [project.slug], T0)).logo;
    const store = (bucket: string, name: string) =>
      db.admin.query(
        `insert into storage.objects (bucket_id, name, metadata) values ($1, $2, '{"size": 1}') returning to_jsonb(updated_at) as at`,
        [bucket, `${project.projectId}/${name}`],
      );
    await store('project-assets', 'logo');
    await store('project-public', '3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f');
    expect(await logo()).toBeNull();
    const { rows } = await store('project-public', 'logo');
    expect(await logo()).toEqual({ project_id: project.projectId, updated_at: rows[0].at });
  });

  it('availability of an inactive service or one of another project is NOT_FOUND_002', async () => {
    const project = await bookingProject(db, { hours: [{ weekday: WEDNESDAY, opens: '09:00', closes: '17:00' }] });
    const other = await bookingProject(db);
    const hidden = await addService(db, project, { active: false });
    const foreign = await addService(db, other);
    await expectCode(availability(db, project, hidden, '2027-01-13', T0), 'NOT_FOUND_002');
    await expectCode(availability(db, project, foreign, '2027-01-13', T0), 'NOT_FOUND_002');
  });
});
