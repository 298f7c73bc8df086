/**
 * Booking arrangements for Worker tests: an owner's studio set up through the owner routes (with
 * its own Make inbox, secret registered with the fake, and its own calendar), visitors calling
 * the public routes from their own IPs, payments settled as billing's verified webhook would
 * (service RPC), and reads of the fake Make inbox and fake Google calendar.
 */
import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import type { FakeCalendarEvent, FakeMakeAttempt, FakeMakeEvent } from '../fakes/records';
import { adminSql, call, newUser, type TestUser } from './api';

const make = () => inject('makeFake');
const google = () => inject('googleFake');

export interface Studio {
  owner: TestUser;
  projectId: string;
  slug: string;
  serviceId: string;
  /** The project's own Make inbox on the fake (events are signed with the project's secret). */
  inbox: string;
  calendarId: string;
}

export interface Hours {
  weekday: number;
  opens: string;
  closes: string;
}

/** Open around the clock: every whole hour of the booking window is a slot of a 60-minute service. */
export const ALL_WEEK: Hours[] = Array.from({ length: 7 }, (_, weekday) => ({ weekday, opens: '00:00', closes: '24:00' }));

async function ok<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  const text = await answer.text();
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A new owner's project with one service, hours, a time zone, its own Make inbox and calendar. */
export async function studio({
  hours = ALL_WEEK,
  timeZone = 'Asia/Kuwait',
  service = { nameAr: 'جلسة', nameEn: 'Session', durationMinutes: 60, priceFils: 12500 },
}: { hours?: Hours[]; timeZone?: string; service?: Record<string, unknown> } = {}): Promise<Studio> {
  const owner = await newUser();
  const name = `studio-${crypto.randomUUID().slice(0, 8)}`;
  const { project } = await ok<{ project: { id: string; slug: string } }>(
    call('POST', '/api/projects', { token: owner.token, body: { name, slug: name } }),
    201,
  );
  const inbox = `p${project.id.replaceAll('-', '').slice(0, 16)}`;
  const calendarId = `${inbox}@calendar.test`;
  const base = `/api/projects/${project.id}`;
  const { settings } = await ok<{ settings: { makeWebhookSecret: string } }>(
    call('PUT', `${base}/booking-settings`, {
      token: owner.token,
      body: { timeZone, holdMinutes: 15, makeWebhookUrl: `${make().url}/hooks/${inbox}`, googleCalendarId: calendarId },
    }),
  );
  const registered = await fetch(`${make().url}/__control/secret`, {
    method: 'POST',
    body: JSON.stringify({ inbox, secret: settings.makeWebhookSecret }),
  });
  if (!registered.ok) throw new Error(`registering the inbox secret failed: ${await registered.text()}`);
  await ok(call('PUT', `${base}/hours`, { token: owner.token, body: { hours } }));
  const created = await ok<{ service: { id: string } }>(call('POST', `${base}/services`, { token: owner.token, body: service }), 201);
  return { owner, projectId: project.id, slug: project.slug, serviceId: created.service.id, inbox, calendarId };
}

/** A random client IP, so each visitor has its own rate-limit budget. */
export const visitorIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

export interface Slot {
  startsAt: string;
  endsAt: string;
  label: string;
  endsLabel: string;
}

export interface Availability {
  date: string;
  timeZone: string;
  serviceId: string;
  slots: Slot[];
  formToken: string;
  formTokenExpiresAt: string;
}

export function availability(slug: string, serviceId: string, date: string, ip = visitorIp()) {
  return ok<Availability>(
    call('GET', `/api/public/projects/${encodeURIComponent(slug)}/availability?service=${serviceId}&date=${date}`, {
      headers: { 'CF-Connecting-IP': ip },
    }),
  );
}

/** A date `days` after today (UTC), as YYYY-MM-DD. */
export function dayFromNow(days: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10);
}

export interface HoldAnswer {
  booking: { id: string; status: string; startsAt: string; endsAt: string; localDate: string; localTime: string } & Record<string, unknown>;
  payment: { id: string; provider: string; method: string | null; status: string; amountFils: number; currency: string };
  checkoutUrl: string;
  confirmationUrl: string;
  token: string;
}

export interface Visitor {
  name?: string;
  email?: string | null;
  phone?: string | null;
  provider?: 'upayments' | 'stripe';
  method?: 'knet' | 'card' | null;
}

/** POST …/holds as a visitor would, from its own IP and with its own Idempotency-Key unless given. */
export function holdRequest(
  s: Pick<Studio, 'slug' | 'serviceId'>,
  startsAt: string,
  formToken: string,
  visitor: Visitor & { website?: string; serviceId?: string } = {},
  { ip = visitorIp(), key = `hold-${crypto.randomUUID()}` }: { ip?: string; key?: string | null } = {},
) {
  const headers: Record<string, string> = { 'CF-Connecting-IP': ip };
  if (key) headers['Idempotency-Key'] = key;
  const provider = visitor.provider ?? 'upayments';
  return call('POST', `/api/public/projects/${encodeURIComponent(s.slug)}/holds`, {
    headers,
    body: {
      serviceId: visitor.serviceId ?? s.serviceId,
      startsAt,
      name: visitor.name ?? 'زائر',
      email: visitor.email === undefined ? 'visitor@example.test' : visitor.email,
      phone: visitor.phone === undefined ? '99990000' : visitor.phone,
      provider,
      method: visitor.method === undefined ? (provider === 'upayments' ? 'knet' : null) : visitor.method,
      formToken,
      ...(visitor.website === undefined ? {} : { website: visitor.website }),
    },
  });
}

/** Holds the first free slot `days` from now; returns the hold and the slot. */
export async function holdFirstSlot(s: Studio, visitor: Visitor = {}, days = 2) {
  const { slots, formToken } = await availability(s.slug, s.serviceId, dayFromNow(days));
  const slot = slots[0]!;
  return { slot, hold: await ok<HoldAnswer>(holdRequest(s, slot.startsAt, formToken, visitor), 201) };
}

async function service<T>(fn: string, body: unknown): Promise<T> {
  const response = await fetch(`${env.SUPABASE_URL}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: {
      apikey: env.SUPABASE_SERVICE_ROLE_KEY,
      Authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${fn} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Applies a provider outcome the way billing's verified webhook does (by our payment id). */
export const settlePayment = (paymentId: string, status: 'succeeded' | 'failed', amountFils = 12500) =>
  service<{ status: string; review_reason: string | null }>('apply_payment', {
    p_provider: 'upayments',
    p_provider_ref: null,
    p_status: status,
    p_payment_id: paymentId,
    ...(status === 'succeeded' ? { p_amount_fils: amountFils, p_currency: 'KWD' } : {}),
  });

/** Ends every backoff and lease of a project's undelivered events, as if the time had come. */
export const makeOutboxDue = (projectId: string) =>
  adminSql(
    `update public.outbox set available_at = now(), locked_until = null where project_id = $1 and delivered_at is null and dead_at is null`,
    [projectId],
  );

/** The project's events still waiting (not delivered, not parked). */
export async function pendingEvents(projectId: string): Promise<number> {
  const [row] = await adminSql<{ n: number }>(
    `select count(*)::int as n from public.outbox where project_id = $1 and delivered_at is null and dead_at is null`,
    [projectId],
  );
  return row!.n;
}

export async function makeEvents(inbox: string): Promise<FakeMakeEvent[]> {
  return (await fetch(`${make().url}/events?inbox=${inbox}`)).json();
}

export async function makeAttempts(inbox: string): Promise<FakeMakeAttempt[]> {
  return (await fetch(`${make().url}/attempts?inbox=${inbox}`)).json();
}

export async function failMake(inbox: string, count: number, status = 500) {
  const response = await fetch(`${make().url}/__control/fail`, {
    method: 'POST',
    body: JSON.stringify({ inbox, count, mode: 'error', status }),
  });
  if (!response.ok) throw new Error(await response.text());
}

export async function calendarEvents(calendarId: string): Promise<FakeCalendarEvent[]> {
  const state = (await (await fetch(`${google().url}/__control/state?calendarId=${encodeURIComponent(calendarId)}`)).json()) as {
    events: FakeCalendarEvent[];
  };
  return state.events;
}

export async function failCalendar(calendarId: string, count: number, status = 500) {
  const response = await fetch(`${google().url}/__control/fail`, { method: 'POST', body: JSON.stringify({ calendarId, count, status }) });
  if (!response.ok) throw new Error(await response.text());
}

/** The booking row as stored (status, calendar event), read as the superuser. */
export async function bookingRow(id: string) {
  const [row] = await adminSql<{ status: string; calendar_id: string | null; calendar_event_id: string | null }>(
    `select status, calendar_id, calendar_event_id from public.bookings where id = $1`,
    [id],
  );
  return row!;
}
