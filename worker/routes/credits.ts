/**
 * /api/credits: the ledger (keyset pages), spending credits for an AI action (the call every AI
 * service makes before it works, idempotent on the Idempotency-Key header), and the daily bonus
 * (once per Kuwait calendar day, which is its own idempotency).
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { idempotencyKey, pageQuery, spendCreditsBody } from '../../shared/schemas';
import { requireUser } from '../auth/middleware';
import { rpc } from '../db/rpc';
import type { AppEnv } from '../env';
import { AppError } from '../errors/app-error';
import { validate } from '../errors/handler';
import { rateLimit } from '../rate-limit/middleware';

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

const ledgerQuery = z.extend(pageQuery, { cursor: z.optional(z.string().check(z.regex(/^\d{1,18}$/))) });

export const credits = new Hono<AppEnv>()
  .get('/ledger', requireUser({ paid: true }), rateLimit('api'), validate('query', ledgerQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const rows = await rpc<DbLedgerEntry[]>(c.env, 'credit_ledger', { p_limit: limit, p_before_id: cursor ? Number(cursor) : null }, c.get('user'));
    const entries = rows.map((row) => ({
      id: String(row.id),
      createdAt: row.created_at,
      reason: row.reason,
      action: row.action,
      projectId: row.project_id,
      delta: { daily: row.delta_daily, monthly: row.delta_monthly, purchased: row.delta_purchased, total: row.delta_total },
      balanceAfter: row.balance_after,
    }));
    const last = entries.at(-1);
    return c.json({ entries, nextCursor: entries.length === limit && last ? last.id : null });
  })
  .post('/spend', requireUser({ paid: true }), rateLimit('api', { failClosed: true }), validate('json', spendCreditsBody), async (c) => {
    const key = idempotencyKey.safeParse(c.req.header('Idempotency-Key'));
    if (!key.success) throw new AppError('REQ_005');
    const { action, projectId } = c.req.valid('json');
    const result = await rpc<DbSpend>(
      c.env,
      'spend_credits',
      { p_action: action, p_idempotency_key: key.data, p_project_id: projectId ?? null },
      c.get('user'),
    );
    if (result.replayed) c.header('Idempotent-Replayed', 'true');
    c.get('log').info('credits.spent', { action, cost: result.cost, ledgerId: result.ledger_id, replayed: result.replayed });
    return c.json({ ledgerId: String(result.ledger_id), action: result.action, cost: result.cost, balance: toBalance(result.balance), replayed: result.replayed });
  })
  .post('/daily-bonus', requireUser({ paid: true }), rateLimit('api', { failClosed: true }), async (c) => {
    const result = await rpc<DbBonus>(c.env, 'claim_daily_bonus', {}, c.get('user'));
    return c.json({ ledgerId: String(result.ledger_id), amount: result.amount, expiresAt: result.expires_at, balance: toBalance(result.balance) }, 201);
  });
