/** /api/me and /api/credits/* through the Worker, against real SQL in the local stack. */
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../../../shared/errors';
import { TIERS } from '../../../../shared/pricing';
import { call, errorCode, newUser, subscribe, topUp } from '../../../support/api';

interface Balance {
  daily: number;
  monthly: number;
  purchased: number;
  total: number;
}

const spend = (tokenValue: string, action: string, key: string, extra: Record<string, unknown> = {}) =>
  call('POST', '/api/credits/spend', { token: tokenValue, body: { action, ...extra }, headers: { 'Idempotency-Key': key } });

async function balanceOf(tokenValue: string): Promise<Balance> {
  const me = (await (await call('GET', '/api/me', { token: tokenValue })).json()) as { credits: Balance };
  const { daily, monthly, purchased, total } = me.credits;
  return { daily, monthly, purchased, total };
}

async function ledgerSum(tokenValue: string): Promise<number> {
  let sum = 0;
  let cursor: string | null = null;
  do {
    const page = (await (
      await call('GET', `/api/credits/ledger?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: tokenValue })
    ).json()) as {
      entries: Array<{ delta: { total: number } }>;
      nextCursor: string | null;
    };
    sum += page.entries.reduce((total, entry) => total + entry.delta.total * 10, 0);
    cursor = page.nextCursor;
  } while (cursor);
  return sum / 10;
}

describe('GET /api/me', () => {
  it('shows a new user with no plan and no credits, and nothing personal beyond their id', async () => {
    const user = await newUser();
    const response = await call('GET', '/api/me', { token: user.token });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      user: { id: user.id, isAnonymous: false },
      plan: { tier: null },
      credits: { daily: 0, monthly: 0, purchased: 0, total: 0, bonusAvailable: false },
    });
    expect(JSON.stringify(body)).not.toContain('@');
  });

  it('shows the plan and monthly credits after a subscription payment', async () => {
    const user = await newUser();
    await subscribe(user, 'pro', TIERS.pro.priceFils);
    const body = (await (await call('GET', '/api/me', { token: user.token })).json()) as {
      plan: { tier: string };
      credits: Balance & { bonusAvailable: boolean };
    };
    expect(body.plan.tier).toBe('pro');
    expect(body.credits).toMatchObject({ monthly: 200, total: 200, bonusAvailable: true });
  });
});

describe('POST /api/credits/spend', () => {
  it('charges the action cost, monthly before purchased, and returns the new balance', async () => {
    const user = await newUser();
    await subscribe(user, 'basic', TIERS.basic.priceFils);
    await topUp(user, 10);
    const response = await spend(user.token, 'simple_edit', crypto.randomUUID());
    expect(response.status).toBe(200);
    const body = (await response.json()) as { cost: number; balance: Balance; replayed: boolean; ledgerId: string };
    expect(body).toMatchObject({ cost: 0.5, replayed: false, balance: { daily: 0, monthly: 99.5, purchased: 10, total: 109.5 } });
    expect(body.ledgerId).toMatch(/^\d+$/);
  });

  it('returns the first result for a repeated Idempotency-Key and charges once', async () => {
    const user = await newUser();
    await topUp(user, 5);
    const key = crypto.randomUUID();
    const first = await (await spend(user.token, 'page_generation', key)).json();
    const again = await spend(user.token, 'page_generation', key);
    expect(again.status).toBe(200);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await again.json()).toEqual({ ...(first as object), replayed: true });
    expect((await balanceOf(user.token)).total).toBe(2);
  });

  it('answers 402 CREDIT_001 in Arabic when the balance is short, and charges nothing', async () => {
    const user = await newUser();
    await topUp(user, 3);
    const response = await spend(user.token, 'complex_feature', crypto.randomUUID());
    expect(response.status).toBe(402);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'CREDIT_001', message: ERROR_CATALOGUE.CREDIT_001.ar });
    expect((await balanceOf(user.token)).total).toBe(3);
  });

  it('refuses banana_image below Premium with the tier-gate code, and allows it on Premium', async () => {
    const basic = await newUser();
    await subscribe(basic, 'basic', TIERS.basic.priceFils);
    const refused = await spend(basic.token, 'banana_image', crypto.randomUUID());
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('CREDIT_003');

    const premium = await newUser();
    await subscribe(premium, 'premium', TIERS.premium.priceFils);
    const allowed = await spend(premium.token, 'banana_image', crypto.randomUUID());
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { balance: Balance }).balance.total).toBe(347.5);
  });

  it('validates the body and the Idempotency-Key header', async () => {
    const user = await newUser();
    const unknown = await spend(user.token, 'mine_bitcoin', crypto.randomUUID());
    expect(unknown.status).toBe(422);
    expect(await errorCode(unknown)).toBe('REQ_004');
    const missingKey = await call('POST', '/api/credits/spend', { token: user.token, body: { action: 'chat_message' } });
    expect(missingKey.status).toBe(428);
    expect(await errorCode(missingKey)).toBe('REQ_005');
    const badKey = await spend(user.token, 'chat_message', 'short');
    expect(await errorCode(badKey)).toBe('REQ_005');
  });

  it("refuses to charge against someone else's project", async () => {
    const owner = await newUser();
    const stranger = await newUser();
    await topUp(stranger, 5);
    const project = (await (await call('POST', '/api/projects', { token: owner.token, body: { name: 'Owner site' } })).json()) as {
      project: { id: string };
    };
    const response = await spend(stranger.token, 'chat_message', crypto.randomUUID(), { projectId: project.project.id });
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('NOT_FOUND_002');
    expect((await balanceOf(stranger.token)).total).toBe(5);
  });

  it('50 parallel spends on one account: exact final balance, never negative, ledger sum equals balance', async () => {
    const user = await newUser();
    await topUp(user, 20);
    const responses = await Promise.all(Array.from({ length: 50 }, () => spend(user.token, 'chat_message', crypto.randomUUID())));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 402)).toHaveLength(30);
    const balance = await balanceOf(user.token);
    expect(balance.total).toBe(0);
    expect(await ledgerSum(user.token)).toBe(balance.total);
  });

  it('the same Idempotency-Key 10 times at once charges once', async () => {
    const user = await newUser();
    await topUp(user, 10);
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 10 }, () => spend(user.token, 'component_generation', key)));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as Array<{ ledgerId: string; replayed: boolean }>;
    expect(new Set(bodies.map((body) => body.ledgerId)).size).toBe(1);
    expect(bodies.filter((body) => !body.replayed)).toHaveLength(1);
    expect((await balanceOf(user.token)).total).toBe(8);
  });
});

describe('POST /api/credits/daily-bonus', () => {
  it('grants the tier bonus once per Kuwait day', async () => {
    const user = await newUser();
    await subscribe(user, 'enterprise', TIERS.enterprise.priceFils);
    const first = await call('POST', '/api/credits/daily-bonus', { token: user.token });
    expect(first.status).toBe(201);
    const body = (await first.json()) as { amount: number; expiresAt: string; balance: Balance };
    expect(body.amount).toBe(15);
    expect(body.balance).toMatchObject({ daily: 15, monthly: 500, total: 515 });
    // The bonus lapses at the next midnight in Kuwait (UTC+3): 21:00 UTC.
    expect(new Date(body.expiresAt).getUTCHours()).toBe(21);

    const second = await call('POST', '/api/credits/daily-bonus', { token: user.token });
    expect(second.status).toBe(409);
    expect(await errorCode(second)).toBe('CREDIT_002');
  });

  it('is refused without an active plan', async () => {
    const user = await newUser();
    const response = await call('POST', '/api/credits/daily-bonus', { token: user.token });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('CREDIT_003');
  });
});

describe('GET /api/credits/ledger', () => {
  it('pages newest first with an opaque cursor and no overlap', async () => {
    const user = await newUser();
    await topUp(user, 10);
    for (let i = 0; i < 4; i++) await spend(user.token, 'chat_message', crypto.randomUUID());
    const first = (await (await call('GET', '/api/credits/ledger?limit=3', { token: user.token })).json()) as {
      entries: Array<{ id: string; reason: string; balanceAfter: number }>;
      nextCursor: string;
    };
    expect(first.entries.map((entry) => entry.balanceAfter)).toEqual([6, 7, 8]);
    const second = (await (
      await call('GET', `/api/credits/ledger?limit=3&cursor=${first.nextCursor}`, { token: user.token })
    ).json()) as typeof first;
    expect(second.entries.map((entry) => entry.reason)).toEqual(['spend', 'topup']);
    expect(second.nextCursor).toBeNull();
  });

  it('validates the page query', async () => {
    const user = await newUser();
    for (const query of ['limit=0', 'limit=101', 'cursor=abc', 'limit=ten']) {
      const response = await call('GET', `/api/credits/ledger?${query}`, { token: user.token });
      expect(response.status, query).toBe(422);
    }
  });
});
