/**
 * Shared arrangements for tests/db: calling functions as a user at a chosen time, asserting the
 * catalogue error convention (P0001 + code as message), and giving users plans and credits.
 */
import type pg from 'pg';
import { expect } from 'vitest';
import type { TierId } from '../../shared/pricing';
import { userClaims, type ApiRole, type TestDatabase } from '../support/db';

/** Runs one statement as `role` (committed), with private.clock() at `at` when given. */
export async function call<T = Record<string, unknown>>(
  db: TestDatabase,
  role: ApiRole,
  claims: Record<string, unknown>,
  sql: string,
  params: unknown[] = [],
  at?: string,
): Promise<T[]> {
  return db.asCommitted(role, claims, async (client) => {
    if (at) await client.query(`select set_config('kwq8.now', $1, true)`, [at]);
    return (await client.query(sql, params)).rows as T[];
  });
}

/** Calls a jsonb-returning function as the signed-in user and returns its value. */
export async function asUser(db: TestDatabase, userId: string, sql: string, params: unknown[] = [], at?: string) {
  const rows = await call<{ result: unknown }>(db, 'authenticated', userClaims(userId), `select ${sql} as result`, params, at);
  return rows[0]!.result as any;
}

/** Calls a service-only function with the service role and returns its value. */
export async function asService(db: TestDatabase, sql: string, params: unknown[] = [], at?: string) {
  const rows = await call<{ result: unknown }>(db, 'service_role', {}, `select ${sql} as result`, params, at);
  return rows[0]!.result as any;
}

/** Asserts the error convention: SQLSTATE P0001 with the catalogue code as the message. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code: 'P0001', message: code });
}

/** Sets a user's plan directly (what a verified subscription payment does, without the payment). */
export async function setPlan(db: TestDatabase, userId: string, tier: TierId | null, periodEnd: string | null) {
  await db.admin.query(`update public.profiles set tier = $2, period_end = $3 where id = $1`, [userId, tier, periodEnd]);
}

interface Grant {
  daily?: number;
  dailyExpiresAt?: string;
  monthly?: number;
  monthlyExpiresAt?: string;
  purchased?: number;
}

/** Credits a user through the ledger writer, one ledger row per bucket, at clock `at`. */
export async function giveCredits(db: TestDatabase, userId: string, grant: Grant, at?: string) {
  const client: pg.PoolClient = await db.admin.connect();
  try {
    await client.query('begin');
    if (at) await client.query(`select set_config('kwq8.now', $1, true)`, [at]);
    await client.query(`select private.lock_balance($1)`, [userId]);
    const post = `select private.post_credits($1, $2, $3, $4, $5, p_daily_expires_at => $6, p_monthly_expires_at => $7)`;
    if (grant.daily) await client.query(post, [userId, 'daily_bonus', grant.daily, 0, 0, grant.dailyExpiresAt, null]);
    if (grant.monthly) await client.query(post, [userId, 'monthly_grant', 0, grant.monthly, 0, null, grant.monthlyExpiresAt]);
    if (grant.purchased) await client.query(post, [userId, 'topup', 0, 0, grant.purchased, null, null]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

/** The stored balance and the ledger sum of a user, as numbers. */
export async function balanceAndLedger(db: TestDatabase, userId: string) {
  const { rows } = await db.admin.query(
    `select
       (select (daily + monthly + purchased)::float8 from public.credit_balances where user_id = $1) as balance,
       (select coalesce(sum(delta_total), 0)::float8 from public.credit_ledger where user_id = $1) as ledger,
       (select count(*)::int from public.credit_ledger where user_id = $1 and reason = 'spend') as spends`,
    [userId],
  );
  return rows[0] as { balance: number; ledger: number; spends: number };
}

/** Creates a project owned by `ownerId` (as that user) and returns its id. */
export async function newProject(db: TestDatabase, ownerId: string, slug: string): Promise<string> {
  const project = await asUser(db, ownerId, `public.create_project($1, $2)`, [`Project ${slug}`, slug]);
  return project.id;
}
