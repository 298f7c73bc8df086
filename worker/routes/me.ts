/** GET /api/me: the signed-in user's plan and credit summary, as the dashboard header needs it. */
import { Hono } from 'hono';
import { requireUser } from '../auth/middleware';
import { rpc } from '../db/rpc';
import type { AppEnv } from '../env';
import { rateLimit } from '../rate-limit/middleware';
import { toBalance, type DbBalance } from './credits';

interface DbMe {
  profile: { locale: string; tier: string | null; period_end: string | null };
  credits: DbBalance & {
    daily_expires_at: string | null;
    monthly_expires_at: string | null;
    next_bonus_at: string | null;
    bonus_available: boolean;
  };
}

export const me = new Hono<AppEnv>().get('/', requireUser({ paid: false }), rateLimit('api'), async (c) => {
  const user = c.get('user');
  const row = await rpc<DbMe>(c.env, 'get_me', {}, user);
  return c.json({
    user: { id: user.id, isAnonymous: user.isAnonymous },
    plan: { tier: row.profile.tier, periodEnd: row.profile.period_end },
    locale: row.profile.locale,
    credits: {
      ...toBalance(row.credits),
      dailyExpiresAt: row.credits.daily_expires_at,
      monthlyExpiresAt: row.credits.monthly_expires_at,
      nextBonusAt: row.credits.next_bonus_at,
      bonusAvailable: row.credits.bonus_available,
    },
  });
});
