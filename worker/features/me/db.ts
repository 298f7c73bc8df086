/** The signed-in user's profile and credit summary from SQL (`get_me`), in the API's shape. */
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';
import { toBalance, type DbBalance } from '../credits/db';

interface DbMe {
  profile: { locale: string; tier: string | null; period_end: string | null };
  credits: DbBalance & {
    daily_expires_at: string | null;
    monthly_expires_at: string | null;
    next_bonus_at: string | null;
    bonus_available: boolean;
  };
}

export async function getMe(env: Bindings, user: AuthUser) {
  const row = await rpc<DbMe>(env, 'get_me', {}, user);
  return {
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
  };
}
