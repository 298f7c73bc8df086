/**
 * /api/credits: the ledger (keyset pages), spending credits for an AI action (the call every AI
 * service makes before it works, idempotent on the Idempotency-Key header), and the daily bonus
 * (once per Kuwait calendar day, which is its own idempotency).
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { lazy } from '../../../shared/lazy';
import { pageQuery, spendCreditsBody } from '../../../shared/schemas';
import { requireUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { requireIdempotencyKey } from '../../middleware/idempotency';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { claimDailyBonus, ledgerPage, spendCredits } from './db';

const ledgerQuery = lazy(() => z.extend(pageQuery(), { cursor: z.optional(z.string().check(z.regex(/^\d{1,18}$/))) }));

export const credits = new Hono<AppEnv>()
  .get('/ledger', requireUser({ paid: true }), rateLimit('api'), validate('query', ledgerQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const entries = await ledgerPage(c.env, c.get('user'), limit, cursor ? Number(cursor) : null);
    const last = entries.at(-1);
    return c.json({ entries, nextCursor: entries.length === limit && last ? last.id : null });
  })
  .post(
    '/spend',
    requireUser({ paid: true }),
    rateLimit('api', { failClosed: true }),
    validate('json', spendCreditsBody),
    requireIdempotencyKey,
    async (c) => {
      const { action, projectId } = c.req.valid('json');
      const result = await spendCredits(c.env, c.get('user'), { action, projectId, idempotencyKey: c.get('idempotencyKey') });
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      c.get('log').info('credits.spent', { action, cost: result.cost, ledgerId: result.ledgerId, replayed: result.replayed });
      return c.json(result);
    },
  )
  .post('/daily-bonus', requireUser({ paid: true }), rateLimit('api', { failClosed: true }), async (c) => {
    return c.json(await claimDailyBonus(c.env, c.get('user')), 201);
  });
