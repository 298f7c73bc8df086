/**
 * Section 6, bookings: N concurrent holds on one slot of one project → winners and per-call
 * latency, beside a hold that checks for an overlap and then inserts (scripts/bench/naive.ts,
 * straight through `pg`, with no HTTP hop) on the same database.
 *
 * `holdSlot` is the one place that asks KWq8 for a hold: until the public hold route is on this
 * branch, it calls create_booking_hold through the local stack's RPC with the service key, as
 * that route will. To measure the route, replace its body with the route's POST through
 * `wrangler dev` (and raise the `booking` rate rule in the bench's RATE_LIMITS, or the 100
 * callers from one IP are refused after 20).
 */
import type pg from 'pg';
import { percentile } from './load';
import { holdByOverlapCheck } from './naive';
import { count, ms, type Line } from './report';
import type { Settings } from './settings';
import { createProject, newUser, RpcError, service } from './stack-client';
import type { StackInfo } from './stack-process';

const SLOT = { startsAt: '2030-01-10T10:00:00Z', endsAt: '2030-01-10T11:00:00Z' };

/** Asks for a hold; true if this caller got the slot, false if it was refused as taken (BOOK_001). */
export async function holdSlot(stack: StackInfo, projectId: string, clientName: string): Promise<boolean> {
  try {
    await service(stack, '/rest/v1/rpc/create_booking_hold', {
      p_project_id: projectId,
      p_starts_at: SLOT.startsAt,
      p_ends_at: SLOT.endsAt,
      p_client_name: clientName,
    });
    return true;
  } catch (error) {
    if (error instanceof RpcError && error.body.includes('BOOK_001')) return false;
    throw error;
  }
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

export async function measureBookings(settings: Settings, stack: StackInfo, clients: pg.Client[]) {
  const owner = await newUser(stack);
  const projectId = await createProject(stack, owner, `bench-${owner.id.slice(0, 8)}`);
  const kwq8 = await timedRace(settings.holds, (i) => holdSlot(stack, projectId, `Visitor ${i}`));
  const naive = await timedRace(settings.holds, (i) =>
    holdByOverlapCheck(clients[i]!, projectId, SLOT.startsAt, SLOT.endsAt, `Visitor ${i}`),
  );
  console.log(
    `${settings.holds} holds on one slot: create_booking_hold ${kwq8.winners} winner(s), p50 ${kwq8.p50.toFixed(1)} ms, p99 ${kwq8.p99.toFixed(1)} ms; ` +
      `check-then-insert ${naive.winners} winner(s), p50 ${naive.p50.toFixed(1)} ms, p99 ${naive.p99.toFixed(1)} ms`,
  );
  const label = { label: 'check for overlap, then insert (pg, no HTTP)' };
  const lines: Line[] = [
    {
      section: '6',
      metric: `${settings.holds} concurrent holds on one slot → winners (create_booking_hold RPC)`,
      figure: count(kwq8.winners),
      comparison: { ...label, ...count(naive.winners) },
      budget: { text: 'exactly 1', ok: kwq8.winners === 1 },
    },
    { section: '6', metric: 'hold latency p50', figure: ms(kwq8.p50), comparison: { ...label, ...ms(naive.p50) } },
    { section: '6', metric: 'hold latency p99', figure: ms(kwq8.p99), comparison: { ...label, ...ms(naive.p99) } },
  ];
  return { lines, details: { path: 'create_booking_hold RPC, service key (route not on this branch)', kwq8, naive } };
}
