/**
 * Section 6, bookings through the real routes: an owner's project with one service and opening
 * hours (owner routes), one slot's availability and form token (public route), then N visitors
 * at once asking POST /api/public/projects/:slug/holds under `wrangler dev` for that slot, each
 * with their own Idempotency-Key → winners and per-call latency (the winner's answer includes
 * its Stripe checkout on the fake). Beside it, a hold that checks for an overlap and then
 * inserts (scripts/bench/naive.ts, straight through `pg`, no HTTP hop) on the same database.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { percentile } from './load';
import { holdByOverlapCheck } from './naive';
import { count, ms, type Line } from './report';
import type { Settings } from './settings';
import { newUser, type BenchUser } from './stack-client';
import type { StackInfo } from './stack-process';

const SERVICE = { nameAr: 'جلسة', nameEn: 'Session', durationMinutes: 60, priceFils: 12_500 };
const ALL_WEEK = Array.from({ length: 7 }, (_, weekday) => ({ weekday, opens: '00:00', closes: '24:00' }));

interface Slot {
  startsAt: string;
  endsAt: string;
}

async function call<T>(workerUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${workerUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function ok<T>(answer: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** A project open around the clock with one 60-minute service, set up through the owner routes. */
async function studio(workerUrl: string, owner: BenchUser) {
  const auth = { Authorization: `Bearer ${owner.token}` };
  const name = `bench-${owner.id.slice(0, 8)}`;
  const { project } = await ok(
    call<{ project: { id: string; slug: string } }>(workerUrl, 'POST', '/api/projects', { name, slug: name }, auth),
    'POST /api/projects',
  );
  const base = `/api/projects/${project.id}`;
  await ok(call(workerUrl, 'PUT', `${base}/hours`, { hours: ALL_WEEK }, auth), 'PUT hours');
  const { service } = await ok(call<{ service: { id: string } }>(workerUrl, 'POST', `${base}/services`, SERVICE, auth), 'POST services');
  return { projectId: project.id, slug: project.slug, serviceId: service.id };
}

/** Asks the public route for a hold; true if this visitor got the slot, false if refused as taken (409 BOOK_001). */
async function holdSlot(workerUrl: string, slug: string, body: Record<string, unknown>): Promise<boolean> {
  const { status, body: answer } = await call<{ error?: { code?: string } }>(
    workerUrl,
    'POST',
    `/api/public/projects/${encodeURIComponent(slug)}/holds`,
    body,
    { 'Idempotency-Key': randomUUID() },
  );
  if (status === 201) return true;
  if (status === 409 && answer.error?.code === 'BOOK_001') return false;
  throw new Error(`POST holds answered ${status}: ${JSON.stringify(answer).slice(0, 300)}`);
}

async function timedRace(n: number, attempt: (i: number) => Promise<boolean>) {
  const latencies: number[] = [];
  const outcomes = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const started = performance.now();
      const won = await attempt(i);
      latencies.push(performance.now() - started);
      return won;
    }),
  );
  return { winners: outcomes.filter(Boolean).length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function measureBookings(settings: Settings, stack: StackInfo, clients: pg.Client[], workerUrl: string) {
  const { projectId, slug, serviceId } = await studio(workerUrl, await newUser(stack));
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const availability = await ok(
    call<{ slots: Slot[]; formToken: string }>(
      workerUrl,
      'GET',
      `/api/public/projects/${encodeURIComponent(slug)}/availability?service=${serviceId}&date=${day}`,
    ),
    'GET availability',
  );
  const slot = availability.slots[0];
  if (!slot) throw new Error(`no free slot on ${day}`);
  const kwq8 = await timedRace(settings.holds, (i) =>
    holdSlot(workerUrl, slug, {
      serviceId,
      startsAt: slot.startsAt,
      name: `Visitor ${i}`,
      email: `visitor-${i}@example.test`,
      provider: 'stripe',
      formToken: availability.formToken,
    }),
  );
  const naive = await timedRace(settings.holds, (i) =>
    holdByOverlapCheck(clients[i]!, projectId, slot.startsAt, slot.endsAt, `Visitor ${i}`),
  );
  console.log(
    `${settings.holds} holds on one slot: POST holds ${kwq8.winners} winner(s), p50 ${kwq8.p50.toFixed(1)} ms, p99 ${kwq8.p99.toFixed(1)} ms; ` +
      `check-then-insert ${naive.winners} winner(s), p50 ${naive.p50.toFixed(1)} ms, p99 ${naive.p99.toFixed(1)} ms`,
  );
  const label = { label: 'check for overlap, then insert (pg, no HTTP)' };
  const lines: Line[] = [
    {
      section: '6',
      metric: `${settings.holds} concurrent holds on one slot → winners (POST /api/public/projects/:slug/holds, wrangler dev)`,
      figure: count(kwq8.winners),
      comparison: { ...label, ...count(naive.winners) },
      budget: { text: 'exactly 1', ok: kwq8.winners === 1 },
    },
    {
      section: '6',
      metric: 'hold latency p50 (route, with the winner’s checkout)',
      figure: ms(kwq8.p50),
      comparison: { ...label, ...ms(naive.p50) },
    },
    {
      section: '6',
      metric: 'hold latency p99 (route, with the winner’s checkout)',
      figure: ms(kwq8.p99),
      comparison: { ...label, ...ms(naive.p99) },
    },
  ];
  return { lines, details: { path: 'POST /api/public/projects/:slug/holds through wrangler dev', kwq8, naive } };
}
