/**
 * Races, each call on its own connection and transaction: 200 spends on one user, one key sent 20
 * times at once, 100 holds on one slot. One file so the large pools never run side by side.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase, userClaims } from '../support/db';
import { balanceAndLedger, call, giveCredits, newProject } from './helpers';

const db = useTestDatabase({ poolSize: 200 });

type Outcome = { ok: true; value: any } | { ok: false; code: string; message: string };

async function settle(promises: Promise<unknown>[]): Promise<Outcome[]> {
  return (await Promise.allSettled(promises)).map((result) =>
    result.status === 'fulfilled'
      ? { ok: true, value: result.value }
      : { ok: false, code: result.reason.code, message: result.reason.message },
  );
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();

describe('concurrency', () => {
  it('200 concurrent spends never overdraw: exactly as many succeed as the balance allows', async () => {
    const userId = await db.newUser();
    // 37.5 credits across all three buckets; simple_edit costs 0.5, so 75 spends fit.
    await giveCredits(db, userId, { daily: 5, dailyExpiresAt: tomorrow(), monthly: 10, monthlyExpiresAt: tomorrow(), purchased: 22.5 });

    const outcomes = await settle(
      Array.from({ length: 200 }, (_, i) =>
        call(db, 'authenticated', userClaims(userId), `select public.spend_credits('simple_edit', $1) as r`, [`race-${i}`]),
      ),
    );
    const succeeded = outcomes.filter((o) => o.ok);
    const refused = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    expect(succeeded).toHaveLength(75);
    expect(refused).toHaveLength(125);
    expect(new Set(refused.map((o) => `${o.code} ${o.message}`))).toEqual(new Set(['P0001 CREDIT_001']));

    const totals = succeeded.map((o) => (o as { value: { r: { balance: { total: number } } }[] }).value[0]!.r.balance.total);
    expect(Math.min(...totals)).toBe(0);
    expect(new Set(totals).size).toBe(75); // every success saw a distinct balance: serialised, none lost
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 0, ledger: 0, spends: 75 });
  });

  it('the same idempotency key sent 20 times at once charges once', async () => {
    const userId = await db.newUser();
    await giveCredits(db, userId, { purchased: 10 });
    const outcomes = await settle(
      Array.from({ length: 20 }, () =>
        call(db, 'authenticated', userClaims(userId), `select public.spend_credits('component_generation', 'one-key') as r`),
      ),
    );
    const results = outcomes.map((o) => {
      if (!o.ok) throw new Error(`unexpected refusal ${o.message}`);
      return o.value[0].r;
    });
    expect(new Set(results.map((r) => r.ledger_id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(results.every((r) => r.balance.total === 8)).toBe(true);
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 8, ledger: 8, spends: 1 });
  });

  it('100 concurrent holds on one slot: exactly one wins, the others get BOOK_001', async () => {
    const ownerId = await db.newUser();
    const projectId = await newProject(db, ownerId, 'race-slot');
    const outcomes = await settle(
      Array.from({ length: 100 }, (_, i) =>
        call(db, 'service_role', {}, `select public.create_booking_hold($1, $2, $3, $4) as r`, [
          projectId,
          '2027-01-10T10:00:00Z',
          '2027-01-10T11:00:00Z',
          `Visitor ${i}`,
        ]),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const refused = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    expect(new Set(refused.map((o) => `${o.code} ${o.message}`))).toEqual(new Set(['P0001 BOOK_001']));
    const { rows } = await db.admin.query(`select count(*)::int as n from public.bookings where project_id = $1`, [projectId]);
    expect(rows[0].n).toBe(1);
  });
});
