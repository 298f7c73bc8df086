/** Credits: spend order and refusals, idempotency, tier gate, daily bonus by Kuwait day, lapses, reads. */
import { describe, expect, it } from 'vitest';
import { useTestDatabase, userClaims } from '../support/db';
import { asUser, balanceAndLedger, call, expectCode, giveCredits, newProject, setPlan } from './helpers';

const db = useTestDatabase();

const NOW = '2026-11-21T09:00:00Z';
const LATER = '2026-12-31T00:00:00Z';

const spend = (userId: string, action: string, key: string, at = NOW, projectId: string | null = null) =>
  asUser(db, userId, `public.spend_credits($1, $2, $3)`, [action, key, projectId], at);

describe('spend_credits', () => {
  it('spends daily, then monthly, then purchased, and records each bucket in the ledger', async () => {
    const userId = await db.newUser();
    await giveCredits(db, userId, { daily: 1, dailyExpiresAt: LATER, monthly: 2, monthlyExpiresAt: LATER, purchased: 5 }, NOW);

    const first = await spend(userId, 'page_generation', 'k1');
    expect(first).toMatchObject({
      action: 'page_generation',
      cost: 3,
      replayed: false,
      balance: { daily: 0, monthly: 0, purchased: 5, total: 5 },
    });
    const second = await spend(userId, 'simple_edit', 'k2');
    expect(second.balance).toEqual({ daily: 0, monthly: 0, purchased: 4.5, total: 4.5 });

    const { rows } = await db.admin.query(
      `select delta_daily::float8 as d, delta_monthly::float8 as m, delta_purchased::float8 as p, balance_after::float8 as b
       from public.credit_ledger where user_id = $1 and reason = 'spend' order by id`,
      [userId],
    );
    expect(rows).toEqual([
      { d: -1, m: -2, p: 0, b: 5 },
      { d: 0, m: 0, p: -0.5, b: 4.5 },
    ]);
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 4.5, ledger: 4.5 });
  });

  it('refuses a short balance with CREDIT_001 and changes nothing', async () => {
    const userId = await db.newUser();
    await giveCredits(db, userId, { purchased: 3.5 }, NOW);
    await expectCode(spend(userId, 'complex_feature', 'short'), 'CREDIT_001');
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 3.5, ledger: 3.5, spends: 0 });
    // The refused key was not consumed: the same key works once the action fits.
    expect((await spend(userId, 'page_generation', 'short')).balance.total).toBe(0.5);
  });

  it('returns the first result for a repeated key and refuses the key for another action (REQ_006)', async () => {
    const userId = await db.newUser();
    await giveCredits(db, userId, { purchased: 10 }, NOW);
    const first = await spend(userId, 'chat_message', 'same');
    await spend(userId, 'chat_message', 'other');
    const again = await spend(userId, 'chat_message', 'same');
    expect(again).toEqual({ ...first, replayed: true });
    await expectCode(spend(userId, 'deployment', 'same'), 'REQ_006');
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 8, ledger: 8, spends: 2 });
  });

  it('gates banana_image to Premium and Enterprise plans (CREDIT_003)', async () => {
    const userId = await db.newUser();
    await giveCredits(db, userId, { purchased: 20 }, NOW);
    await expectCode(spend(userId, 'banana_image', 'b0'), 'CREDIT_003');
    await setPlan(db, userId, 'pro', LATER);
    await expectCode(spend(userId, 'banana_image', 'b1'), 'CREDIT_003');
    await setPlan(db, userId, 'premium', NOW); // the period ended at NOW: not active
    await expectCode(spend(userId, 'banana_image', 'b2'), 'CREDIT_003');
    await setPlan(db, userId, 'premium', LATER);
    expect((await spend(userId, 'banana_image', 'b3')).cost).toBe(2.5);
    await setPlan(db, userId, 'enterprise', LATER);
    expect((await spend(userId, 'banana_image', 'b4')).balance.total).toBe(15);
  });

  it('refuses unknown actions, foreign projects, empty keys and anonymous users', async () => {
    const userId = await db.newUser();
    const stranger = await db.newUser();
    await giveCredits(db, userId, { purchased: 10 }, NOW);
    const projectId = await newProject(db, userId, 'credits-owner');
    await expectCode(spend(userId, 'teleport', 'u1'), 'CREDIT_004');
    await expectCode(spend(userId, 'chat_message', ''), 'REQ_004');
    await expectCode(spend(stranger, 'chat_message', 'p1', NOW, projectId), 'NOT_FOUND_002');
    expect((await spend(userId, 'chat_message', 'p1', NOW, projectId)).balance.total).toBe(9);

    const anonymous = await db.newUser({ isAnonymous: true });
    await giveCredits(db, anonymous, { purchased: 10 }, NOW);
    await expectCode(
      call(db, 'authenticated', userClaims(anonymous, { is_anonymous: true }), `select public.spend_credits('chat_message', 'a1')`),
      'AUTH_005',
    );
    await expectCode(
      call(db, 'authenticated', userClaims(anonymous, { is_anonymous: true }), `select public.claim_daily_bonus()`),
      'AUTH_005',
    );
  });
});

describe('daily bonus', () => {
  // Asia/Kuwait is UTC+3 all year: 21:00Z is Kuwait midnight.
  it('is claimable once per Kuwait calendar day and lapses at Kuwait midnight', async () => {
    const userId = await db.newUser();
    await setPlan(db, userId, 'premium', LATER);
    const claim = (at: string) => asUser(db, userId, `public.claim_daily_bonus()`, [], at);
    const me = (at: string) => asUser(db, userId, `public.get_me()`, [], at);

    const first = await claim('2026-11-21T20:00:00Z'); // 23:00 in Kuwait
    expect(first).toMatchObject({ amount: 12, balance: { daily: 12, total: 12 } });
    expect(new Date(first.expires_at).toISOString()).toBe('2026-11-21T21:00:00.000Z');
    await expectCode(claim('2026-11-21T20:59:59Z'), 'CREDIT_002');

    const before = await me('2026-11-21T20:59:59Z');
    expect(before.credits).toMatchObject({ daily: 12, bonus_available: false });
    expect(new Date(before.credits.next_bonus_at).toISOString()).toBe('2026-11-21T21:00:00.000Z');
    const after = await me('2026-11-21T21:00:00Z');
    expect(after.credits).toMatchObject({ daily: 0, total: 0, daily_expires_at: null, bonus_available: true });

    // Same UTC day, next Kuwait day: allowed. The lapsed 12 are written off first.
    expect((await claim('2026-11-21T22:00:00Z')).balance.daily).toBe(12);
    // Next UTC day, same Kuwait day (22 Nov until 21:00Z): refused.
    await expectCode(claim('2026-11-22T01:00:00Z'), 'CREDIT_002');

    const { rows } = await db.admin.query(
      `select reason, delta_daily::float8 as d from public.credit_ledger where user_id = $1 order by id`,
      [userId],
    );
    expect(rows).toEqual([
      { reason: 'daily_bonus', d: 12 },
      { reason: 'expiry', d: -12 },
      { reason: 'daily_bonus', d: 12 },
    ]);
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 12, ledger: 12 });
  });

  it('pays the amount of the tier and needs an active plan', async () => {
    const userId = await db.newUser();
    await expectCode(asUser(db, userId, `public.claim_daily_bonus()`, [], NOW), 'CREDIT_003');
    await setPlan(db, userId, 'basic', LATER);
    expect((await asUser(db, userId, `public.claim_daily_bonus()`, [], NOW)).amount).toBe(5);
  });
});

describe('monthly credits', () => {
  it('lapse at the end of the paid period; spending then falls through to purchased credits', async () => {
    const userId = await db.newUser();
    const periodEnd = '2026-12-21T09:00:00Z';
    await setPlan(db, userId, 'basic', periodEnd);
    await giveCredits(db, userId, { monthly: 100, monthlyExpiresAt: periodEnd, purchased: 1 }, NOW);

    expect((await spend(userId, 'complex_feature', 'm1', '2026-12-21T08:59:59Z')).balance).toEqual({
      daily: 0,
      monthly: 96,
      purchased: 1,
      total: 97,
    });
    const me = await asUser(db, userId, `public.get_me()`, [], periodEnd);
    expect(me.profile).toMatchObject({ tier: null, locale: 'ar' });
    expect(me.credits).toMatchObject({ monthly: 0, total: 1, monthly_expires_at: null, next_bonus_at: null, bonus_available: false });

    await expectCode(spend(userId, 'page_generation', 'm2', periodEnd), 'CREDIT_001');
    expect((await spend(userId, 'chat_message', 'm3', periodEnd)).balance).toEqual({ daily: 0, monthly: 0, purchased: 0, total: 0 });
    const { rows } = await db.admin.query(
      `select reason, delta_monthly::float8 as m from public.credit_ledger where user_id = $1 and reason = 'expiry'`,
      [userId],
    );
    expect(rows).toEqual([{ reason: 'expiry', m: -96 }]);
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 0, ledger: 0, spends: 2 });
  });
});

describe('reading credits', () => {
  it('get_me answers the contract shape', async () => {
    const userId = await db.newUser();
    await setPlan(db, userId, 'pro', LATER);
    await giveCredits(db, userId, { monthly: 200, monthlyExpiresAt: LATER, purchased: 2.5 }, NOW);
    const me = await asUser(db, userId, `public.get_me()`, [], NOW);
    expect(me).toEqual({
      profile: { locale: 'ar', tier: 'pro', period_end: expect.any(String) },
      credits: {
        daily: 0,
        monthly: 200,
        purchased: 2.5,
        total: 202.5,
        daily_expires_at: null,
        monthly_expires_at: expect.any(String),
        next_bonus_at: expect.any(String),
        bonus_available: true,
      },
    });
  });

  it('credit_ledger pages newest first by id and shows only the caller rows', async () => {
    const userId = await db.newUser();
    const stranger = await db.newUser();
    await giveCredits(db, userId, { purchased: 10 }, NOW);
    await giveCredits(db, stranger, { purchased: 10 }, NOW);
    for (const key of ['l1', 'l2', 'l3', 'l4']) await spend(userId, 'chat_message', key);

    const page = (limit: number, before: number | null) =>
      call<{ id: string; reason: string; balance_after: string }>(
        db,
        'authenticated',
        userClaims(userId),
        `select * from public.credit_ledger($1, $2)`,
        [limit, before],
      );
    const first = await page(2, null);
    expect(first.map((row) => Number(row.balance_after))).toEqual([6, 7]);
    const second = await page(2, Number(first[1]!.id));
    expect(second.map((row) => Number(row.balance_after))).toEqual([8, 9]);
    const rest = await page(500, Number(second[1]!.id));
    expect(rest.map((row) => row.reason)).toEqual(['topup']);
    expect((await page(0, null)).length).toBe(1);
  });
});
