/** Typed calls to the credit functions in SQL (supabase/migrations/*_credits.sql) and their API shapes. */
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';

export interface DbBalance {
  daily: number;
  monthly: number;
  purchased: number;
  total: number;
}

export function toBalance({ daily, monthly, purchased, total }: DbBalance): DbBalance {
  return { daily, monthly, purchased, total };
}

interface DbLedgerEntry {
  id: number;
  created_at: string;
  reason: string;
  action: string | null;
  project_id: string | null;
  delta_daily: number;
  delta_monthly: number;
  delta_purchased: number;
  delta_total: number;
  balance_after: number;
}

interface DbSpend {
  ledger_id: number;
  action: string;
  cost: number;
  balance: DbBalance;
  replayed: boolean;
}

interface DbBonus {
  ledger_id: number;
  amount: number;
  expires_at: string;
  balance: DbBalance;
}

export async function ledgerPage(env: Bindings, user: AuthUser, limit: number, beforeId: number | null) {
  const rows = await rpc<DbLedgerEntry[]>(env, 'credit_ledger', { p_limit: limit, p_before_id: beforeId }, user);
  return rows.map((row) => ({
    id: String(row.id),
    createdAt: row.created_at,
    reason: row.reason,
    action: row.action,
    projectId: row.project_id,
    delta: { daily: row.delta_daily, monthly: row.delta_monthly, purchased: row.delta_purchased, total: row.delta_total },
    balanceAfter: row.balance_after,
  }));
}

export async function spendCredits(env: Bindings, user: AuthUser, input: { action: string; idempotencyKey: string; projectId?: string }) {
  const result = await rpc<DbSpend>(
    env,
    'spend_credits',
    { p_action: input.action, p_idempotency_key: input.idempotencyKey, p_project_id: input.projectId ?? null },
    user,
  );
  return {
    ledgerId: String(result.ledger_id),
    action: result.action,
    cost: result.cost,
    balance: toBalance(result.balance),
    replayed: result.replayed,
  };
}

export async function claimDailyBonus(env: Bindings, user: AuthUser) {
  const result = await rpc<DbBonus>(env, 'claim_daily_bonus', {}, user);
  return { ledgerId: String(result.ledger_id), amount: result.amount, expiresAt: result.expires_at, balance: toBalance(result.balance) };
}
