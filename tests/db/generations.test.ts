/**
 * AI generations through the RPC surface: charged at the start, refunded exactly once on any
 * failure to the buckets the spend took from (lapsed or replaced buckets as purchased credits),
 * success stored as an AI version in the same transaction, idempotent starts, the plan gate,
 * caps, the stale reaper, and who may see or call what.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase, userClaims } from '../support/db';
import { asService, asUser, balanceAndLedger, call, expectCode, giveCredits, newProject, setPlan } from './helpers';

const db = useTestDatabase({ poolSize: 20 });

/** 12:00 in Kuwait; the Kuwait day ends at 21:00Z. */
const NOW = '2026-11-21T09:00:00Z';
const END_OF_DAY = '2026-11-21T21:00:00Z';
const NEXT_DAY = '2026-11-22T09:00:00Z';
const LATER = '2026-12-31T00:00:00Z';

interface Generation {
  id: string;
  projectId: string;
  action: string;
  status: 'running' | 'succeeded' | 'refunded';
  cost: number;
  errorCode: string | null;
  baseVersionId: string | null;
  versionId: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  heartbeatAt: string;
  finishedAt: string | null;
}

function documentOf(title: string) {
  return { schemaVersion: 1, pages: [{ id: 'home', path: '/', title: { ar: title, en: title }, sections: [] }] };
}

const start = (
  userId: string,
  projectId: string,
  action: string,
  key: string,
  { at = NOW, base = null }: { at?: string; base?: string | null } = {},
) =>
  asService(db, `public.start_generation($1, $2, $3, $4, $5)`, [userId, projectId, action, key, base], at) as Promise<{
    generation: Generation;
    cost: number;
    balance: { daily: number; monthly: number; purchased: number; total: number };
    replayed: boolean;
  }>;

const fail = (generationId: string, code = 'PROVIDER_500', at = NOW) =>
  asService(db, `public.fail_generation($1, $2, 'fake-model', 12, 3, 450)`, [generationId, code], at) as Promise<{
    generation: Generation;
    refunded: boolean;
    balance: { daily: number; monthly: number; purchased: number; total: number };
  }>;

const finish = (generationId: string, document: unknown, at = NOW) =>
  asService(
    db,
    `public.finish_generation($1, $2::jsonb, 'Hero rewritten', 'fake-model', 100, 200, 900)`,
    [generationId, document === null ? null : JSON.stringify(document)],
    at,
  );

/** A registered owner with a project, the given credits and (optionally) a first draft. */
async function owner(slug: string, grant: Parameters<typeof giveCredits>[2] = { purchased: 20 }, withDraft = true) {
  const userId = await db.newUser();
  const projectId = await newProject(db, userId, slug);
  await giveCredits(db, userId, grant, NOW);
  let draft: string | null = null;
  if (withDraft) {
    draft = (
      await asService(db, `public.save_site_version($1, $2, null, $3::jsonb, 'template')`, [
        userId,
        projectId,
        JSON.stringify(documentOf('v1')),
      ])
    ).version.id;
  }
  return { userId, projectId, draft };
}

async function ledgerRows(userId: string) {
  const { rows } = await db.admin.query(
    `select reason, action, project_id, delta_daily::float8 as d, delta_monthly::float8 as m, delta_purchased::float8 as p,
       balance_after::float8 as b
     from public.credit_ledger where user_id = $1 and reason in ('spend', 'refund') order by id`,
    [userId],
  );
  return rows as Array<{ reason: string; action: string; project_id: string; d: number; m: number; p: number; b: number }>;
}

async function generationCount(userId: string): Promise<number> {
  const { rows } = await db.admin.query(`select count(*)::int as n from public.site_generations where user_id = $1`, [userId]);
  return rows[0].n;
}

async function setLimits(fields: Record<string, number>) {
  const sets = Object.keys(fields).map((name, i) => `${name} = $${i + 1}`);
  await db.admin.query(`update private.generation_limits set ${sets.join(', ')}`, Object.values(fields));
}

describe('charge and refund', () => {
  it.each([
    ['chat_message', 1],
    ['simple_edit', 0.5],
    ['database_setup', 2.5],
    ['page_generation', 3],
  ])('%s: the start charges %s, the refund returns the balance to the fils and the ledger still sums', async (action, cost) => {
    const { userId, projectId } = await owner(`gen-cost-${action.replaceAll('_', '-')}`, { purchased: 7.5 });
    const started = await start(userId, projectId, action, 'k1');
    expect(started).toMatchObject({ cost, replayed: false, balance: { total: 7.5 - cost } });
    expect(started.generation).toMatchObject({ status: 'running', action, cost, projectId });

    const failed = await fail(started.generation.id);
    expect(failed).toMatchObject({ refunded: true, balance: { total: 7.5, purchased: 7.5 } });
    expect(failed.generation).toMatchObject({
      status: 'refunded',
      errorCode: 'PROVIDER_500',
      model: 'fake-model',
      inputTokens: 12,
      outputTokens: 3,
      latencyMs: 450,
    });
    expect(failed.generation.finishedAt).not.toBeNull();
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 7.5, ledger: 7.5, spends: 1 });
    expect(await ledgerRows(userId)).toEqual([
      { reason: 'spend', action, project_id: projectId, d: 0, m: 0, p: -cost, b: 7.5 - cost },
      { reason: 'refund', action, project_id: projectId, d: 0, m: 0, p: cost, b: 7.5 },
    ]);
  });

  it('returns each bucket what the spend took from it', async () => {
    const { userId, projectId } = await owner('gen-buckets', {
      daily: 0.5,
      dailyExpiresAt: END_OF_DAY,
      monthly: 1,
      monthlyExpiresAt: LATER,
      purchased: 5,
    });
    const started = await start(userId, projectId, 'page_generation', 'k1');
    expect(started.balance).toEqual({ daily: 0, monthly: 0, purchased: 3.5, total: 3.5 });
    const failed = await fail(started.generation.id, 'STREAM_CUT', '2026-11-21T10:00:00Z');
    expect(failed.balance).toEqual({ daily: 0.5, monthly: 1, purchased: 5, total: 6.5 });
    expect((await ledgerRows(userId)).map(({ d, m, p }) => [d, m, p])).toEqual([
      [-0.5, -1, -1.5],
      [0.5, 1, 1.5],
    ]);
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 6.5, ledger: 6.5 });
  });

  it('a daily bonus that lapsed before the refund comes back as purchased credits', async () => {
    const { userId, projectId } = await owner('gen-daily-lapse', { daily: 2, dailyExpiresAt: END_OF_DAY, purchased: 1 });
    const started = await start(userId, projectId, 'component_generation', 'k1', { at: '2026-11-21T20:59:00Z' });
    expect(started.balance).toEqual({ daily: 0, monthly: 0, purchased: 1, total: 1 });
    // Two minutes later the Kuwait day has ended.
    const failed = await fail(started.generation.id, 'GEN_TIMEOUT', '2026-11-21T21:01:00Z');
    expect(failed.balance).toEqual({ daily: 0, monthly: 0, purchased: 3, total: 3 });
    expect((await ledgerRows(userId)).at(-1)).toMatchObject({ reason: 'refund', d: 0, m: 0, p: 2 });
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 3, ledger: 3 });
  });

  it('a lapsed daily bonus left over at the refund is written off, and only the spent part comes back', async () => {
    const { userId, projectId } = await owner('gen-daily-left', { daily: 3, dailyExpiresAt: END_OF_DAY });
    const started = await start(userId, projectId, 'chat_message', 'k1', { at: '2026-11-21T20:00:00Z' });
    const failed = await fail(started.generation.id, 'PROVIDER_429', NEXT_DAY);
    expect(failed.balance).toEqual({ daily: 0, monthly: 0, purchased: 1, total: 1 });
    const { rows } = await db.admin.query(
      `select reason, delta_total::float8 as t from public.credit_ledger where user_id = $1 order by id`,
      [userId],
    );
    expect(rows).toEqual([
      { reason: 'daily_bonus', t: 3 },
      { reason: 'spend', t: -1 },
      { reason: 'expiry', t: -2 },
      { reason: 'refund', t: 1 },
    ]);
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 1, ledger: 1 });
  });

  it("a daily bonus replaced by the next day's comes back as purchased, not as today's bonus", async () => {
    const { userId, projectId } = await owner('gen-daily-new', {});
    await setPlan(db, userId, 'pro', LATER);
    await asUser(db, userId, `public.claim_daily_bonus()`, [], '2026-11-21T20:30:00Z');
    const started = await start(userId, projectId, 'chat_message', 'k1', { at: '2026-11-21T20:40:00Z' });
    expect(started.balance).toMatchObject({ daily: 7 });
    await asUser(db, userId, `public.claim_daily_bonus()`, [], NEXT_DAY);
    const failed = await fail(started.generation.id, 'PROVIDER_500', NEXT_DAY);
    expect(failed.balance).toEqual({ daily: 8, monthly: 0, purchased: 1, total: 9 });
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 9, ledger: 9 });
  });

  it('monthly credits whose period ended before the refund come back as purchased credits', async () => {
    const { userId, projectId } = await owner('gen-monthly-lapse', { monthly: 4, monthlyExpiresAt: '2026-11-21T10:00:00Z' });
    const started = await start(userId, projectId, 'complex_feature', 'k1');
    expect(started.balance.total).toBe(0);
    const failed = await fail(started.generation.id, 'INVALID_OUTPUT', '2026-11-21T10:05:00Z');
    expect(failed.balance).toEqual({ daily: 0, monthly: 0, purchased: 4, total: 4 });
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 4, ledger: 4 });
  });

  it('10 concurrent fail_generation calls refund exactly once; repeats answer refunded false', async () => {
    const { userId, projectId } = await owner('gen-fail-race', { purchased: 10 });
    const started = await start(userId, projectId, 'complex_feature', 'k1');
    const answers = await Promise.all(Array.from({ length: 10 }, () => fail(started.generation.id, 'CANCELLED')));
    expect(answers.filter((a) => a.refunded)).toHaveLength(1);
    for (const answer of answers) {
      expect(answer.balance.total).toBe(10);
      expect(answer.generation.status).toBe('refunded');
    }
    expect((await ledgerRows(userId)).map((r) => r.reason)).toEqual(['spend', 'refund']);
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 10, ledger: 10, spends: 1 });
  });

  it('a succeeded generation cannot be refunded (GEN_003)', async () => {
    const { userId, projectId } = await owner('gen-no-refund');
    const started = await start(userId, projectId, 'chat_message', 'k1');
    await finish(started.generation.id, null);
    await expectCode(fail(started.generation.id), 'GEN_003');
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 19, ledger: 19, spends: 1 });
  });

  it('refuses a failure reason that is not an upper-case code (REQ_004) and refunds nothing', async () => {
    const { userId, projectId } = await owner('gen-bad-reason');
    const started = await start(userId, projectId, 'chat_message', 'k1');
    for (const code of ['', 'lower', 'HAS SPACE', 'X'.repeat(65)]) await expectCode(fail(started.generation.id, code), 'REQ_004');
    await expectCode(asService(db, `public.fail_generation($1, 'PROVIDER_500', p_input_tokens => -1)`, [started.generation.id]), 'REQ_004');
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 19 });
    await expectCode(fail(crypto.randomUUID()), 'NOT_FOUND_002');
  });
});

describe('start_generation', () => {
  it('a repeated key returns the first generation, replayed, and charges once', async () => {
    const { userId, projectId } = await owner('gen-replay', { purchased: 10 });
    const first = await start(userId, projectId, 'page_generation', 'same');
    const again = await start(userId, projectId, 'page_generation', 'same');
    expect(again).toEqual({ ...first, replayed: true });
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => start(userId, projectId, 'page_generation', 'race')));
    expect(new Set(concurrent.map((c) => c.generation.id)).size).toBe(1);
    expect(concurrent.filter((c) => !c.replayed)).toHaveLength(1);
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 4, ledger: 4, spends: 2 });

    // After the refund, a repeat replays the recorded outcome and still charges nothing.
    await fail(first.generation.id);
    const afterRefund = await start(userId, projectId, 'page_generation', 'same');
    expect(afterRefund).toMatchObject({ replayed: true, generation: { id: first.generation.id, status: 'refunded' } });
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 7, ledger: 7, spends: 2 });

    await expectCode(start(userId, projectId, 'chat_message', 'same'), 'REQ_006');
    const other = await newProject(db, userId, 'gen-replay-other');
    await expectCode(start(userId, other, 'page_generation', 'same'), 'REQ_006');
  });

  it('banana_image: GEN_002 without Premium or Enterprise and nothing charged; 2.5 on Premium', async () => {
    const { userId, projectId } = await owner('gen-banana', { purchased: 10 });
    await expectCode(start(userId, projectId, 'banana_image', 'b0'), 'GEN_002');
    await setPlan(db, userId, 'pro', LATER);
    await expectCode(start(userId, projectId, 'banana_image', 'b1'), 'GEN_002');
    await setPlan(db, userId, 'premium', NOW); // the period ended at NOW: not active
    await expectCode(start(userId, projectId, 'banana_image', 'b2'), 'GEN_002');
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 10, ledger: 10, spends: 0 });
    expect(await generationCount(userId)).toBe(0);

    await setPlan(db, userId, 'premium', LATER);
    const started = await start(userId, projectId, 'banana_image', 'b3');
    expect(started).toMatchObject({ cost: 2.5, balance: { total: 7.5 } });
    await setPlan(db, userId, 'enterprise', LATER);
    expect((await start(userId, projectId, 'banana_image', 'b4')).balance.total).toBe(5);
  });

  it('a short balance is CREDIT_001 and leaves no generation, ledger row or count behind', async () => {
    const { userId, projectId } = await owner('gen-short', { purchased: 1.5 });
    await expectCode(start(userId, projectId, 'component_generation', 'k1'), 'CREDIT_001');
    expect(await generationCount(userId)).toBe(0);
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 1.5, ledger: 1.5, spends: 0 });
    const { rows } = await db.admin.query(`select count(*)::int as n from private.generation_counts where scope = $1`, [userId]);
    expect(rows[0].n).toBe(0);
    // The key was not consumed.
    expect((await start(userId, projectId, 'chat_message', 'k1')).balance.total).toBe(0.5);
  });

  it('refuses other users, anonymous and deleted accounts, foreign projects, deployment and unknown actions', async () => {
    const { userId, projectId } = await owner('gen-refusals');
    const stranger = await db.newUser();
    await giveCredits(db, stranger, { purchased: 10 }, NOW);
    const anonymous = await db.newUser({ isAnonymous: true });
    await expectCode(start(stranger, projectId, 'chat_message', 'x'), 'NOT_FOUND_002');
    await expectCode(start(anonymous, projectId, 'chat_message', 'x'), 'AUTH_005');
    await expectCode(start(crypto.randomUUID(), projectId, 'chat_message', 'x'), 'AUTH_007');
    await expectCode(start(userId, projectId, 'deployment', 'x'), 'REQ_004');
    await expectCode(start(userId, projectId, 'teleport', 'x'), 'CREDIT_004');
    await expectCode(start(userId, projectId, 'chat_message', ''), 'REQ_004');
    await expectCode(start(userId, projectId, 'chat_message', 'k'.repeat(201)), 'REQ_004');
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 20, spends: 0 });
    expect(await balanceAndLedger(db, stranger)).toMatchObject({ balance: 10, spends: 0 });
  });

  it('records the draft it starts from; a given base that is not the draft is SITE_002 and charges nothing', async () => {
    const { userId, projectId, draft } = await owner('gen-base');
    expect((await start(userId, projectId, 'simple_edit', 'k1')).generation.baseVersionId).toBe(draft);
    expect((await start(userId, projectId, 'simple_edit', 'k2', { base: draft })).generation.baseVersionId).toBe(draft);
    await expectCode(start(userId, projectId, 'simple_edit', 'k3', { base: crypto.randomUUID() }), 'SITE_002');
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 19, spends: 2 });
    const empty = await owner('gen-base-empty', { purchased: 5 }, false);
    expect((await start(empty.userId, empty.projectId, 'page_generation', 'k1')).generation.baseVersionId).toBeNull();
  });
});

describe('caps', () => {
  it('at most 3 running per user (GEN_004, nothing charged); a finished one frees a place', async () => {
    const { userId, projectId } = await owner('gen-running-cap');
    const running = [];
    for (let i = 0; i < 3; i++) running.push(await start(userId, projectId, 'chat_message', `r${i}`));
    await expectCode(start(userId, projectId, 'chat_message', 'r3'), 'GEN_004');
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 17, spends: 3 });
    await fail(running[0]!.generation.id);
    expect((await start(userId, projectId, 'chat_message', 'r3')).replayed).toBe(false);
  });

  it('concurrent starts never pass the running cap', async () => {
    const { userId, projectId } = await owner('gen-running-race');
    const answers = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => start(userId, projectId, 'chat_message', `c${i}`)));
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
    for (const answer of answers.filter((a) => a.status === 'rejected')) {
      expect((answer as PromiseRejectedResult).reason).toMatchObject({ code: 'P0001', message: 'GEN_004' });
    }
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 17, spends: 3 });
  });

  it('a per-user daily cap (GEN_005) counts starts, refunded ones too, and resets on the next Kuwait day', async () => {
    const { userId, projectId } = await owner('gen-daily-cap');
    await setLimits({ per_user_per_day: 2 });
    try {
      await fail((await start(userId, projectId, 'chat_message', 'd1')).generation.id);
      await finish((await start(userId, projectId, 'chat_message', 'd2')).generation.id, null);
      await expectCode(start(userId, projectId, 'chat_message', 'd3'), 'GEN_005');
      // A replay is not a new start.
      expect((await start(userId, projectId, 'chat_message', 'd2')).replayed).toBe(true);
      expect((await start(userId, projectId, 'chat_message', 'd3', { at: NEXT_DAY })).replayed).toBe(false);
    } finally {
      await setLimits({ per_user_per_day: 200 });
    }
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 18, spends: 3 });
  });

  it('a platform-wide daily cap (GEN_006) stops every account, charging nothing', async () => {
    const a = await owner('gen-platform-a');
    const b = await owner('gen-platform-b');
    const day = '2026-11-25T09:00:00Z';
    await setLimits({ platform_per_day: 2 });
    try {
      await start(a.userId, a.projectId, 'chat_message', 'p1', { at: day });
      await start(b.userId, b.projectId, 'chat_message', 'p1', { at: day });
      await expectCode(start(a.userId, a.projectId, 'chat_message', 'p2', { at: day }), 'GEN_006');
      await expectCode(start(b.userId, b.projectId, 'chat_message', 'p2', { at: day }), 'GEN_006');
    } finally {
      await setLimits({ platform_per_day: 20000 });
    }
    expect(await balanceAndLedger(db, a.userId)).toMatchObject({ balance: 19, spends: 1 });
    expect(await balanceAndLedger(db, b.userId)).toMatchObject({ balance: 19, spends: 1 });
  });
});

describe('finish_generation', () => {
  it('stores an AI version with the generation id and action and marks it succeeded, in one call', async () => {
    const { userId, projectId, draft } = await owner('gen-finish');
    const started = await start(userId, projectId, 'simple_edit', 'k1');
    const done = await finish(started.generation.id, documentOf('v2'), '2026-11-21T09:00:30Z');
    expect(done.version).toMatchObject({ number: 2, parentId: draft, madeBy: 'ai', action: 'simple_edit', isDraft: true });
    expect(done.version.generationId).toBe(started.generation.id);
    expect(done.site.draftVersionId).toBe(done.version.id);
    expect(done.generation).toMatchObject({
      status: 'succeeded',
      versionId: done.version.id,
      model: 'fake-model',
      inputTokens: 100,
      outputTokens: 200,
      latencyMs: 900,
      errorCode: null,
    });
    const site = await asUser(db, userId, `public.get_site($1)`, [projectId]);
    expect(site.draft).toMatchObject({ id: done.version.id, madeBy: 'ai', generationId: started.generation.id });
    await expectCode(finish(started.generation.id, documentOf('v3')), 'GEN_003');
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 19.5, ledger: 19.5, spends: 1 });
  });

  it('a draft moved since the start is SITE_002: nothing stored, the generation stays running, then refunds', async () => {
    const { userId, projectId, draft } = await owner('gen-moved');
    const started = await start(userId, projectId, 'component_generation', 'k1');
    await asService(db, `public.save_site_version($1, $2, $3, $4::jsonb, 'owner')`, [
      userId,
      projectId,
      draft,
      JSON.stringify(documentOf('manual')),
    ]);
    await expectCode(finish(started.generation.id, documentOf('ai')), 'SITE_002');
    const { rows } = await db.admin.query(
      `select g.status, g.version_id, (select count(*)::int from public.site_versions v where v.generation_id = g.id) as versions
       from public.site_generations g where g.id = $1`,
      [started.generation.id],
    );
    expect(rows[0]).toEqual({ status: 'running', version_id: null, versions: 0 });
    expect((await fail(started.generation.id, 'DRAFT_MOVED')).refunded).toBe(true);
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 20, ledger: 20 });
  });

  it('a document the save refuses (SITE_003) leaves the generation running; so does bad usage (REQ_004)', async () => {
    const { userId, projectId } = await owner('gen-bad-doc');
    const started = await start(userId, projectId, 'simple_edit', 'k1');
    await expectCode(finish(started.generation.id, { schemaVersion: 2, pages: [] }), 'SITE_003');
    await expectCode(asService(db, `public.finish_generation($1, null, null, 'm', -5, 0, 0)`, [started.generation.id]), 'REQ_004');
    const { rows } = await db.admin.query(`select status from public.site_generations where id = $1`, [started.generation.id]);
    expect(rows[0].status).toBe('running');
    await expectCode(finish(crypto.randomUUID(), null), 'NOT_FOUND_002');
  });

  it('a null document (a chat answer, an image) stores no version', async () => {
    const { userId, projectId, draft } = await owner('gen-no-doc');
    const started = await start(userId, projectId, 'chat_message', 'k1');
    const done = await finish(started.generation.id, null);
    expect(done.version).toBeNull();
    expect(done.site.draftVersionId).toBe(draft);
    expect(done.generation).toMatchObject({ status: 'succeeded', versionId: null });
    expect(await asUser(db, userId, `public.list_site_versions($1)`, [projectId])).toHaveLength(1);
  });

  it('a generation refunded by the cron cannot finish afterwards (GEN_003)', async () => {
    const { userId, projectId } = await owner('gen-late-finish');
    const started = await start(userId, projectId, 'simple_edit', 'k1');
    await asService(db, `public.refund_stale_generations()`, [], '2026-11-21T09:06:00Z');
    await expectCode(finish(started.generation.id, documentOf('late')), 'GEN_003');
    expect(await balanceAndLedger(db, userId)).toMatchObject({ balance: 20, ledger: 20 });
  });
});

describe('refund_stale_generations', () => {
  it('refunds stale running generations once under concurrency, and leaves fresh and heartbeating ones', async () => {
    const { userId, projectId } = await owner('gen-stale', { purchased: 30 });
    const other = await owner('gen-stale-other', { purchased: 30 });
    const day = '2026-11-23T09:00:00Z';
    const stale1 = await start(userId, projectId, 'page_generation', 's1', { at: '2026-11-23T08:50:00Z' });
    const stale2 = await start(other.userId, other.projectId, 'complex_feature', 's2', { at: '2026-11-23T08:50:00Z' });
    const beating = await start(userId, projectId, 'chat_message', 's3', { at: '2026-11-23T08:50:00Z' });
    const fresh = await start(other.userId, other.projectId, 'simple_edit', 's4', { at: '2026-11-23T08:58:00Z' });
    const touched = await asService(db, `public.touch_generation($1)`, [beating.generation.id], '2026-11-23T08:57:00Z');
    expect(touched).toMatchObject({ status: 'running', heartbeatAt: '2026-11-23T08:57:00+00:00' });

    // Other tests' generations left running are stale too: the runs refund each stale one once.
    const { rows: due } = await db.admin.query(
      `select count(*)::int as n from public.site_generations where status = 'running' and heartbeat_at < $1::timestamptz - interval '300 seconds'`,
      [day],
    );
    expect(due[0].n).toBeGreaterThanOrEqual(2);
    const runs = await Promise.all(Array.from({ length: 6 }, () => asService(db, `public.refund_stale_generations()`, [], day)));
    expect(runs.reduce((sum, run) => sum + run.refunded, 0)).toBe(due[0].n);
    expect((await asService(db, `public.refund_stale_generations()`, [], day)).refunded).toBe(0);

    const { rows } = await db.admin.query(
      `select id, status, error_code from public.site_generations where id = any ($1::uuid[]) order by created_at, id`,
      [[stale1.generation.id, stale2.generation.id, beating.generation.id, fresh.generation.id]],
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, [r.status, r.error_code]]));
    expect(byId).toEqual({
      [stale1.generation.id]: ['refunded', 'GEN_TIMEOUT'],
      [stale2.generation.id]: ['refunded', 'GEN_TIMEOUT'],
      [beating.generation.id]: ['running', null],
      [fresh.generation.id]: ['running', null],
    });
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 29, ledger: 29, spends: 2 });
    expect(await balanceAndLedger(db, other.userId)).toEqual({ balance: 29.5, ledger: 29.5, spends: 2 });

    // A touch of a refunded generation changes nothing and says so.
    expect(await asService(db, `public.touch_generation($1)`, [stale1.generation.id], day)).toMatchObject({ status: 'refunded' });
    await expectCode(asService(db, `public.touch_generation($1)`, [crypto.randomUUID()]), 'NOT_FOUND_002');
    await expectCode(asService(db, `public.refund_stale_generations(5)`), 'REQ_004');
  });

  it('a reaper and the Worker failing the same generation at once refund it once', async () => {
    const { userId, projectId } = await owner('gen-stale-race', { purchased: 10 });
    const started = await start(userId, projectId, 'complex_feature', 'k1', { at: '2026-11-24T08:00:00Z' });
    const at = '2026-11-24T09:00:00Z';
    await Promise.all([
      ...Array.from({ length: 4 }, () => asService(db, `public.refund_stale_generations()`, [], at)),
      ...Array.from({ length: 4 }, () => fail(started.generation.id, 'CANCELLED', at)),
    ]);
    expect((await ledgerRows(userId)).map((r) => r.reason)).toEqual(['spend', 'refund']);
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 10, ledger: 10, spends: 1 });
  });
});

describe('who sees and calls what', () => {
  it('the owner reads a generation and the project list, newest first; no prompt or key is returned', async () => {
    const { userId, projectId } = await owner('gen-owner-read');
    const first = await start(userId, projectId, 'chat_message', 'k1', { at: '2026-11-21T09:00:00Z' });
    const second = await start(userId, projectId, 'simple_edit', 'k2', { at: '2026-11-21T09:01:00Z' });
    await fail(first.generation.id);
    const one = await asUser(db, userId, `public.owner_generation($1, $2)`, [projectId, first.generation.id]);
    expect(one).toMatchObject({ id: first.generation.id, status: 'refunded', errorCode: 'PROVIDER_500' });
    expect(Object.keys(one).sort()).toEqual(
      [
        'action',
        'baseVersionId',
        'cost',
        'createdAt',
        'errorCode',
        'finishedAt',
        'heartbeatAt',
        'id',
        'inputTokens',
        'latencyMs',
        'model',
        'outputTokens',
        'projectId',
        'status',
        'versionId',
      ].sort(),
    );
    const list = await asUser(db, userId, `public.project_generations($1)`, [projectId]);
    expect(list.map((g: Generation) => g.id)).toEqual([second.generation.id, first.generation.id]);
    expect(await asUser(db, userId, `public.project_generations($1, 1)`, [projectId])).toHaveLength(1);
  });

  it('strangers, anonymous sign-ins and anon see nothing', async () => {
    const { userId, projectId } = await owner('gen-stranger');
    const started = await start(userId, projectId, 'chat_message', 'k1');
    const stranger = await db.newUser();
    const anonymous = await db.newUser({ isAnonymous: true });
    await expectCode(asUser(db, stranger, `public.owner_generation($1, $2)`, [projectId, started.generation.id]), 'NOT_FOUND_002');
    await expectCode(asUser(db, stranger, `public.project_generations($1)`, [projectId]), 'NOT_FOUND_002');
    await expectCode(
      call(db, 'authenticated', userClaims(anonymous, { is_anonymous: true }), `select public.project_generations($1)`, [projectId]),
      'AUTH_005',
    );
    // Another project of the owner's does not reveal this generation either.
    const other = await newProject(db, userId, 'gen-stranger-other');
    await expectCode(asUser(db, userId, `public.owner_generation($1, $2)`, [other, started.generation.id]), 'NOT_FOUND_002');

    const table = `select id from public.site_generations where id = $1`;
    expect(await call(db, 'authenticated', userClaims(stranger), table, [started.generation.id])).toEqual([]);
    expect(await call(db, 'authenticated', userClaims(userId), table, [started.generation.id])).toHaveLength(1);
    await expect(call(db, 'anon', {}, table, [started.generation.id])).rejects.toMatchObject({ code: '42501' });
    await expect(call(db, 'anon', {}, `select public.project_generations($1)`, [projectId])).rejects.toMatchObject({ code: '42501' });
  });

  it('the service functions refuse anon and authenticated callers, in public and in private', async () => {
    const { userId, projectId } = await owner('gen-service-only');
    const started = await start(userId, projectId, 'chat_message', 'k1');
    const id = started.generation.id;
    const statements: Array<[string, unknown[]]> = [
      [`select public.start_generation($1, $2, 'chat_message', 'x')`, [userId, projectId]],
      [`select public.finish_generation($1, null, null, null, null, null, null)`, [id]],
      [`select public.fail_generation($1, 'CANCELLED')`, [id]],
      [`select public.touch_generation($1)`, [id]],
      [`select public.refund_stale_generations()`, []],
      [`select private.start_generation($1, $2, 'chat_message', 'x', null)`, [userId, projectId]],
      [`select private.fail_generation($1, 'CANCELLED', null, null, null, null)`, [id]],
      [`select private.charge_credits($1, 'chat_message', 'x', null)`, [userId]],
      [`select private.refund_stale_generations(300, 50)`, []],
    ];
    for (const [sql, params] of statements) {
      for (const [role, claims] of [
        ['anon', {}],
        ['authenticated', userClaims(userId)],
      ] as const) {
        await expect(call(db, role, claims, sql, params), `${sql} as ${role}`).rejects.toMatchObject({ code: '42501' });
      }
    }
    expect(await balanceAndLedger(db, userId)).toEqual({ balance: 19, ledger: 19, spends: 1 });
    const { rows } = await db.admin.query(`select status from public.site_generations where id = $1`, [id]);
    expect(rows[0].status).toBe('running');
  });
});
