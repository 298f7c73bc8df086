/**
 * The outbox as the Worker's deliverer sees it: only the oldest undelivered event of a booking is
 * claimable (also with concurrent claimers), failures back off exponentially, the 10th failure or
 * a permanent refusal parks the row with its last error and lets the next one through, each row
 * comes with its project's Make webhook, calendar and time zone; and the expiry job's releases.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/db';
import { addService, bookingProject, outboxOf, publicHold } from './booking-fixtures';
import { asService, asUser, call, expectCode } from './helpers';

const db = useTestDatabase({ poolSize: 12 });

const T0 = '2027-01-06T08:00:00Z';
const SLOTS = ['2027-01-13T06:00:00Z', '2027-01-13T07:00:00Z', '2027-01-13T08:00:00Z'];

interface Claimed {
  id: string;
  event_id: string;
  topic: string;
  attempts: number;
  aggregate: string | null;
  project_id: string | null;
  make_webhook_url: string | null;
  make_webhook_secret: string | null;
  google_calendar_id: string | null;
  time_zone: string | null;
  booking_calendar_id: string | null;
  booking_calendar_event_id: string | null;
}

const claim = (at: string, limit = 100) => call<Claimed>(db, 'service_role', {}, `select * from public.claim_outbox($1, 60)`, [limit], at);
const mark = (id: string, delivered: boolean, at: string, error: string | null = null, permanent = false) =>
  asService(db, `public.mark_outbox($1, $2, $3, $4)`, [id, delivered, error, permanent], at);

async function studio() {
  const project = await bookingProject(db, { hours: [{ weekday: 3, opens: '09:00', closes: '17:00' }] });
  return { ...project, service: await addService(db, project) };
}

/** A booking held then confirmed by payment: booking.held, booking.confirmed, payment.succeeded (+ calendar.create). */
async function paidBooking(s: Awaited<ReturnType<typeof studio>>, slot = SLOTS[0]!) {
  const { booking, payment } = await publicHold(db, s, s.service, { startsAt: slot }, T0);
  await asService(db, `public.apply_payment('upayments', null, 'succeeded', 5000, 'KWD', p_payment_id => $1)`, [payment.id], T0);
  return booking.id as string;
}

// Other tests' rows would be claimed too; each test starts from an empty outbox.
beforeEach(async () => {
  await db.admin.query(`delete from public.outbox`);
});

describe('claim_outbox', () => {
  it('hands out only the oldest undelivered event of each booking; the next one after it is delivered', async () => {
    const s = await studio();
    const first = await paidBooking(s, SLOTS[0]);
    const second = await paidBooking(s, SLOTS[1]);
    const topicsOf = (rows: Claimed[], bookingId: string) =>
      rows.filter((row) => row.aggregate === `booking:${bookingId}`).map((row) => row.topic);

    let rows = await claim(T0);
    expect(topicsOf(rows, first)).toEqual(['booking.held']);
    expect(topicsOf(rows, second)).toEqual(['booking.held']);
    expect(rows.filter((row) => row.topic === 'calendar.create')).toHaveLength(2);
    // Leased: nothing more until they are marked.
    expect(await claim(T0)).toEqual([]);
    for (const row of rows) await mark(row.id, true, T0);

    const delivered: string[] = ['booking.held'];
    for (;;) {
      rows = await claim(T0);
      const mine = rows.filter((row) => row.aggregate === `booking:${first}`);
      expect(mine.length).toBeLessThanOrEqual(1);
      for (const row of rows) await mark(row.id, true, T0);
      if (!mine.length) break;
      delivered.push(mine[0]!.topic);
    }
    expect(delivered).toEqual(['booking.held', 'booking.confirmed', 'payment.succeeded']);
  });

  it('five concurrent claimers together hand out each head once and never two events of one booking', async () => {
    const s = await studio();
    const bookings = await Promise.all(SLOTS.map((slot) => paidBooking(s, slot)));
    const batches = await Promise.all(Array.from({ length: 5 }, () => claim(T0, 2)));
    const claimed = batches.flat();
    expect(new Set(claimed.map((row) => row.id)).size).toBe(claimed.length);
    for (const booking of bookings) {
      expect(claimed.filter((row) => row.aggregate === `booking:${booking}`).map((row) => row.topic)).toEqual(['booking.held']);
    }
  });

  it("comes with the project's Make webhook and secret, calendar and time zone, and for calendar rows the stored event", async () => {
    const s = await studio();
    const settings = await asUser(
      db,
      s.ownerId,
      `public.set_booking_settings($1, 'Asia/Kuwait', 15, 'https://hook.example.test/x', 'studio@example.test')`,
      [s.projectId],
    );
    const booking = await paidBooking(s);
    await asService(db, `public.set_booking_calendar_event($1, 'studio@example.test', 'evt123')`, [booking]);
    await asService(db, `public.set_booking_calendar_event($1, 'other@example.test', 'evt999')`, [booking]);
    const calendar = (await claim(T0)).find((row) => row.topic === 'calendar.create')!;
    expect(calendar).toMatchObject({
      project_id: s.projectId,
      make_webhook_url: 'https://hook.example.test/x',
      make_webhook_secret: settings.make_webhook_secret,
      google_calendar_id: 'studio@example.test',
      time_zone: 'Asia/Kuwait',
      booking_calendar_id: 'studio@example.test',
      booking_calendar_event_id: 'evt123',
      attempts: 1,
    });
    expect(calendar.event_id).toMatch(/^[0-9a-f-]{36}$/);
    await expectCode(asService(db, `public.set_booking_calendar_event(gen_random_uuid(), 'c', 'e')`), 'NOT_FOUND_002');
  });

  it('platform events (a plan payment) have no project and an aggregate of their own', async () => {
    const userId = await db.newUser();
    await asService(db, `public.create_payment('plan', 'upayments', 'plan-ref', 23000, 'KWD', $1, 'basic')`, [userId]);
    await asService(db, `public.apply_payment('upayments', 'plan-ref', 'succeeded', 23000, 'KWD')`, [], T0);
    const [row] = await claim(T0);
    expect(row).toMatchObject({ topic: 'payment.succeeded', project_id: null, make_webhook_url: null });
    expect(row!.aggregate).toMatch(/^payment:/);
  });
});

describe('mark_outbox', () => {
  it('backs off 2, 4, 8 minutes; the 10th failure parks the row with its last error and frees the next event', async () => {
    const s = await studio();
    const booking = await paidBooking(s);
    const aggregate = `booking:${booking}`;
    let at = new Date(T0);
    const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000).toISOString();
    const head = async (when: string) => (await claim(when)).find((row) => row.aggregate === aggregate);

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt++) {
      const row = await head(at.toISOString());
      expect(row).toMatchObject({ topic: 'booking.held', attempts: attempt });
      const result = await mark(row!.id, false, at.toISOString(), `HTTP 503 on attempt ${attempt}`);
      if (attempt < 10) {
        const wait = (new Date(result.next_attempt_at).getTime() - at.getTime()) / 60_000;
        waits.push(wait);
        expect(await head(later(wait - 1))).toBeUndefined();
        at = new Date(later(wait));
      } else {
        expect(result).toMatchObject({ dead: true, delivered: false, attempts: 10, next_attempt_at: null });
      }
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 360]);
    const [dead] = await outboxOf(db, aggregate);
    expect(dead).toMatchObject({ topic: 'booking.held', last_error: 'HTTP 503 on attempt 10' });
    expect(dead!.dead_at).not.toBeNull();
    // The parked row no longer holds back the booking's next event.
    expect((await head(at.toISOString()))!.topic).toBe('booking.confirmed');
  });

  it('a permanent refusal parks the row at once; a delivered or dead row cannot be marked again', async () => {
    const s = await studio();
    await paidBooking(s);
    const [first, second] = await claim(T0);
    expect(await mark(first!.id, false, T0, 'HTTP 410', true)).toMatchObject({ dead: true });
    expect(await mark(second!.id, true, T0)).toMatchObject({ delivered: true, dead: false });
    await expectCode(mark(first!.id, true, T0), 'NOT_FOUND_002');
    await expectCode(mark(second!.id, false, T0, 'again'), 'NOT_FOUND_002');
  });
});

describe('booking events', () => {
  it('the expiry job writes booking.released for each lapsed hold, in the transaction that expires it', async () => {
    const s = await studio();
    const { booking } = await publicHold(db, s, s.service, { startsAt: SLOTS[0]! }, T0);
    expect(await asService(db, `public.expire_booking_holds($1)`, [s.projectId], '2027-01-06T08:15:00Z')).toBe(1);
    expect((await outboxOf(db, `booking:${booking.id}`)).map((row) => row.topic)).toEqual(['booking.held', 'booking.released']);
    expect((await outboxOf(db, `booking:${booking.id}`))[1]!.payload).toMatchObject({ status: 'expired', project_slug: s.slug });
  });
});
