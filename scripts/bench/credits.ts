/**
 * Section 3, credits under contention: N concurrent spends of 0.5 credit (simple_edit) on one user
 * who has enough for all of them, each on its own connection, through `pg` to the local stack's
 * Postgres; once through public.spend_credits (run as PostgREST runs an RPC: one transaction,
 * the user's claims and role set, then the call) and once through the seed's read-then-write
 * `deductCredits` (scripts/bench/naive.ts) on the same database and the same user id. Lost
 * updates = spends that reported success but are missing from the final balance.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { deductCredits } from './naive';
import { count, perSecond, type Line } from './report';
import type { Settings } from './settings';
import { newUser, topUp } from './stack-client';
import type { StackInfo } from './stack-process';

interface Race {
  succeeded: number;
  failed: number;
  seconds: number;
  /** Final balance minus what the successes leave (positive: charges lost). */
  balanceError: number;
}

const ACTION = 'simple_edit';
const COST = 0.5;

async function spendAsUser(client: pg.Client, userId: string, key: string): Promise<void> {
  const claims = JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated', is_anonymous: false });
  await client.query('begin');
  try {
    await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [claims]);
    await client.query(`select public.spend_credits($2, $1)`, [key, ACTION]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
}

async function race(clients: pg.Client[], call: (client: pg.Client, i: number) => Promise<unknown>) {
  const started = performance.now();
  const outcomes = await Promise.allSettled(clients.map(call));
  const seconds = (performance.now() - started) / 1000;
  const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  return { succeeded: outcomes.length - failures.length, failed: failures.length, seconds, firstError: failures[0]?.reason };
}

export async function measureCredits(settings: Settings, stack: StackInfo, clients: pg.Client[]) {
  const racers = clients.slice(0, settings.contention);
  const admin = clients[0]!;
  const start = settings.contention * COST + 50;
  const rounds: Array<{ kwq8: Race; seed: Race }> = [];

  for (let round = 0; round < settings.contentionRounds; round += 1) {
    const user = await newUser(stack);
    await topUp(stack, user, start);
    await admin.query('insert into bench_naive.users (id, credits_balance) values ($1, $2)', [user.id, start]);

    const runKwq8 = async (): Promise<Race> => {
      const result = await race(racers, (client) => spendAsUser(client, user.id, randomUUID()));
      const { rows } = await admin.query<{ balance: number; ledger: number }>(
        `select (select (daily + monthly + purchased)::float8 from public.credit_balances where user_id = $1) as balance,
                (select sum(delta_total)::float8 from public.credit_ledger where user_id = $1) as ledger`,
        [user.id],
      );
      if (rows[0]!.balance !== rows[0]!.ledger) throw new Error(`ledger ${rows[0]!.ledger} ≠ balance ${rows[0]!.balance}`);
      if (result.failed) throw new Error(`spend_credits refused ${result.failed} of ${racers.length}: ${result.firstError}`);
      return { ...result, balanceError: rows[0]!.balance - (start - result.succeeded * COST) };
    };
    const runSeed = async (): Promise<Race> => {
      const result = await race(racers, (client, i) => deductCredits(client, user.id, COST, `bench ${i}`));
      const { rows } = await admin.query<{ balance: number }>(
        'select credits_balance::float8 as balance from bench_naive.users where id = $1',
        [user.id],
      );
      if (result.failed) throw new Error(`deductCredits failed ${result.failed} of ${racers.length}: ${result.firstError}`);
      return { ...result, balanceError: rows[0]!.balance - (start - result.succeeded * COST) };
    };
    // Alternate which design goes first, so neither always meets a warmer (or busier) database.
    const kwq8First = round % 2 === 0;
    const first = kwq8First ? await runKwq8() : await runSeed();
    const second = kwq8First ? await runSeed() : await runKwq8();
    const results = kwq8First ? { kwq8: first, seed: second } : { kwq8: second, seed: first };
    rounds.push(results);
    console.log(
      `round ${round + 1}: spend_credits ${results.kwq8.succeeded} in ${(results.kwq8.seconds * 1000).toFixed(0)} ms, balance error ${results.kwq8.balanceError}; ` +
        `deductCredits ${results.seed.succeeded} in ${(results.seed.seconds * 1000).toFixed(0)} ms, balance error ${results.seed.balanceError}`,
    );
  }

  const total = (design: 'kwq8' | 'seed') => rounds.reduce((sum, r) => sum + r[design].balanceError, 0);
  const median = (design: 'kwq8' | 'seed') => {
    const rates = rounds.map((r) => r[design].succeeded / r[design].seconds).sort((a, b) => a - b);
    return rates[Math.floor(rates.length / 2)]!;
  };
  const seedLabel = { label: "seed's deductCredits (read, then write)" };
  const n = `${settings.contention}-way, ${settings.contentionRounds} race(s)`;
  const error = { kwq8: total('kwq8'), seed: total('seed') };
  const lost = { kwq8: error.kwq8 / COST, seed: error.seed / COST };
  const throughput = { kwq8: median('kwq8'), seed: median('seed') };
  const lines: Line[] = [
    {
      section: '3',
      metric: `lost credit updates, ${n}`,
      figure: count(lost.kwq8),
      comparison: { ...seedLabel, ...count(lost.seed) },
      budget: { text: '0', ok: lost.kwq8 === 0 },
    },
    {
      section: '3',
      metric: `final balance error, ${n}`,
      figure: count(error.kwq8, 'credits'),
      comparison: { ...seedLabel, ...count(error.seed, 'credits') },
      budget: { text: '0', ok: error.kwq8 === 0 },
    },
    {
      section: '3',
      metric: `spends/s under ${settings.contention}-way contention (median race)`,
      figure: perSecond(throughput.kwq8),
      comparison: { ...seedLabel, ...perSecond(throughput.seed) },
      budget: { text: '≥ ×1 of the seed', ok: throughput.kwq8 >= throughput.seed },
    },
  ];
  return { lines, details: { startBalance: start, action: ACTION, cost: COST, rounds } };
}
