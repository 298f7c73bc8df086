/**
 * Arrangements shared by the tests/db/bookings-*.test.ts files: a project whose owner set up
 * services, hours and a time zone through the owner functions, visitors' calls as anon, holds
 * through the service function the Worker calls, and reads of the outbox.
 */
import type { TestDatabase } from '../support/db';
import { asService, asUser, call, newProject } from './helpers';

export interface BookingProject {
  ownerId: string;
  projectId: string;
  slug: string;
}

export interface Hours {
  weekday: number;
  opens: string;
  closes: string;
}

let counter = 0;

/** A new owner with a project and, when given, its time zone, weekly hours and closed dates. */
export async function bookingProject(
  db: TestDatabase,
  {
    timeZone = 'Asia/Kuwait',
    hours = [],
    closed = [],
    holdMinutes = 15,
  }: { timeZone?: string; hours?: Hours[]; closed?: string[]; holdMinutes?: number } = {},
): Promise<BookingProject> {
  const ownerId = await db.newUser();
  const slug = `studio-${++counter}-${ownerId.slice(0, 6)}`;
  const projectId = await newProject(db, ownerId, slug);
  await asUser(db, ownerId, `public.set_booking_settings($1, $2, $3)`, [projectId, timeZone, holdMinutes]);
  await asUser(db, ownerId, `public.set_opening_hours($1, $2)`, [projectId, JSON.stringify(hours)]);
  if (closed.length) await asUser(db, ownerId, `public.set_closed_dates($1, $2)`, [projectId, closed]);
  return { ownerId, projectId, slug };
}

/** A service of the project, created by its owner; returns its id. */
export async function addService(
  db: TestDatabase,
  project: BookingProject,
  { duration = 60, price = 5000, buffer = 0, active = true, name = 'Session' } = {},
): Promise<string> {
  const service = await asUser(db, project.ownerId, `public.save_service($1, $2, $3, $4, $5, $6, $7)`, [
    project.projectId,
    `جلسة ${name}`,
    name,
    duration,
    price,
    buffer,
    active,
  ]);
  return service.id;
}

/** Calls a jsonb function as a visitor with the public anon key. */
export async function asAnon(db: TestDatabase, sql: string, params: unknown[] = [], at?: string) {
  const rows = await call<{ result: unknown }>(db, 'anon', {}, `select ${sql} as result`, params, at);
  return rows[0]!.result as any;
}

export interface Slot {
  starts_at: string;
  ends_at: string;
  label: string;
  ends_label: string;
}

export async function availability(db: TestDatabase, project: BookingProject, serviceId: string, date: string, at?: string) {
  return (await asAnon(db, `public.booking_availability($1, $2, $3)`, [project.slug, serviceId, date], at)) as {
    date: string;
    time_zone: string;
    slots: Slot[];
  };
}

/** Instants as ISO strings in UTC, whatever offset Postgres wrote. */
export const iso = (value: string) => new Date(value).toISOString();

export interface HoldInput {
  startsAt: string;
  name?: string;
  email?: string | null;
  phone?: string | null;
  provider?: string;
  method?: string | null;
  requestKey?: string | null;
}

/** A visitor's hold, as the Worker makes it (service key). */
export function publicHold(db: TestDatabase, project: BookingProject, serviceId: string, input: HoldInput, at?: string) {
  return asService(
    db,
    `public.create_public_booking_hold($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      project.slug,
      serviceId,
      input.startsAt,
      input.name ?? 'زائر',
      input.email === undefined ? 'visitor@example.test' : input.email,
      input.phone === undefined ? '9999 0000' : input.phone,
      input.provider ?? 'upayments',
      input.method === undefined ? 'knet' : input.method,
      input.requestKey ?? null,
    ],
    at,
  );
}

/** Outbox rows of one aggregate, oldest first. */
export async function outboxOf(db: TestDatabase, aggregate: string) {
  const { rows } = await db.admin.query(
    `select id, topic, payload, project_id, attempts, delivered_at, dead_at, last_error from public.outbox where aggregate = $1 order by id`,
    [aggregate],
  );
  return rows as Array<{ id: string; topic: string; payload: any; project_id: string | null; attempts: number; dead_at: Date | null }>;
}
