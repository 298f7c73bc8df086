/**
 * The common designs the bench measures KWq8 against, written the way their users write them:
 * one statement per call, each its own transaction (as supabase-js table calls are), decisions
 * made in TypeScript between them. They run on tables of the seed's shape in a schema of their
 * own (bench_naive) in the same database as the product's, on the bench's throw-away local stack
 * only; nothing here is product code.
 */
import type pg from 'pg';

export const NAIVE_SCHEMA = `
create schema if not exists bench_naive;
create table if not exists bench_naive.users (id uuid primary key, credits_balance numeric not null);
create table if not exists bench_naive.credit_transactions (
  id bigserial primary key, user_id uuid not null, transaction_type text not null, credits_amount numeric not null,
  balance_after numeric not null, description text, payment_id uuid);
create table if not exists bench_naive.payments (id uuid primary key, user_id uuid not null, status text not null, credits numeric not null);
create table if not exists bench_naive.bookings (
  id bigserial primary key, project_id uuid not null, starts_at timestamptz not null, ends_at timestamptz not null, client_name text not null);
`;

/** The seed's `deductCredits` (seeds/004, "Credit Deduction Pattern"): read the balance, then write the computed one. */
export async function deductCredits(db: pg.ClientBase, userId: string, amount: number, description: string): Promise<number> {
  const { rows } = await db.query<{ credits_balance: string }>('select credits_balance from bench_naive.users where id = $1', [userId]);
  const balance = Number(rows[0]!.credits_balance);
  if (balance < amount) throw new Error('رصيدك غير كافٍ');
  const newBalance = balance - amount;
  await db.query('update bench_naive.users set credits_balance = $2 where id = $1', [userId, newBalance]);
  await db.query(
    `insert into bench_naive.credit_transactions (user_id, transaction_type, credits_amount, balance_after, description)
     values ($1, 'generation', $2, $3, $4)`,
    [userId, -amount, newBalance, description],
  );
  return newBalance;
}

/**
 * A webhook handler without an event record: look at the payment's status, and if it is not paid
 * yet, mark it paid and add its credits (an atomic increment, so only duplicates can go wrong).
 * Returns whether this delivery applied the payment.
 */
export async function applyPaymentByStatusCheck(db: pg.ClientBase, paymentId: string): Promise<boolean> {
  const { rows } = await db.query<{ status: string; user_id: string; credits: string }>(
    'select status, user_id, credits from bench_naive.payments where id = $1',
    [paymentId],
  );
  const payment = rows[0]!;
  if (payment.status === 'succeeded') return false;
  await db.query(`update bench_naive.payments set status = 'succeeded' where id = $1`, [paymentId]);
  const updated = await db.query<{ credits_balance: string }>(
    'update bench_naive.users set credits_balance = credits_balance + $2 where id = $1 returning credits_balance',
    [payment.user_id, payment.credits],
  );
  await db.query(
    `insert into bench_naive.credit_transactions (user_id, transaction_type, credits_amount, balance_after, payment_id)
     values ($1, 'purchase', $2, $3, $4)`,
    [payment.user_id, payment.credits, updated.rows[0]!.credits_balance, paymentId],
  );
  return true;
}

/** A booking hold that checks for an overlapping booking, then inserts (no exclusion constraint, no lock). */
export async function holdByOverlapCheck(
  db: pg.ClientBase,
  projectId: string,
  startsAt: string,
  endsAt: string,
  name: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'select 1 from bench_naive.bookings where project_id = $1 and tstzrange(starts_at, ends_at) && tstzrange($2, $3)',
    [projectId, startsAt, endsAt],
  );
  if (rowCount) return false;
  await db.query('insert into bench_naive.bookings (project_id, starts_at, ends_at, client_name) values ($1, $2, $3, $4)', [
    projectId,
    startsAt,
    endsAt,
    name,
  ]);
  return true;
}
