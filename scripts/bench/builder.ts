/**
 * Section 9, the builder (docs/GENERATION.md) through `wrangler dev` with the local fake AI
 * provider, so the figures measure KWq8's own pipeline (charge, prompt, incremental parse,
 * validation, version, refund) rather than a model:
 * - first valid section on the owner's screen after pressing Generate (the first `section`
 *   event of a first-site generation), p50 and p95, and the whole first site (`done`);
 * - credits lost under fault injection: generations with the fake's failure switches mixed in
 *   (429, 500, a cut stream, invalid JSON twice, a length stop, a safety stop), after which
 *   spent − refunded must equal the cost of the generations that succeeded, to the credit;
 * - the share of stored AI versions valid against the section catalogue (parseSiteDocument).
 */
import type pg from 'pg';
import { parseSiteDocument } from '../../shared/site/document';
import { percentile } from './load';
import { count, ms, type Line } from './report';
import type { Settings } from './settings';
import { newUser, topUp, type BenchUser } from './stack-client';
import type { StackInfo } from './stack-process';

const FAULTS = ['rate_limit', 'error_500', 'cut', 'invalid_json', 'length', 'safety'] as const;

interface Run {
  firstSectionMs: number | null;
  doneMs: number;
  outcome: 'done' | 'error' | 'other';
}

async function createProject(workerUrl: string, user: BenchUser, name: string): Promise<string> {
  const response = await fetch(`${workerUrl}/api/projects`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`create project: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { project: { id: string } }).project.id;
}

/** One first-site generation, timed from the request to its first section and to its end. */
async function firstSite(workerUrl: string, user: BenchUser, projectId: string): Promise<Run> {
  const t0 = performance.now();
  const response = await fetch(`${workerUrl}/api/projects/${projectId}/site/generations`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${user.token}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': `bench-${crypto.randomUUID()}`,
    },
    body: JSON.stringify({ action: 'page_generation', prompt: 'صالون نسائي في السالمية، قص وصبغة ومكياج للمناسبات' }),
  });
  let firstSectionMs: number | null = null;
  let outcome: Run['outcome'] = 'other';
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (firstSectionMs === null && text.includes('event: section')) firstSectionMs = performance.now() - t0;
  }
  if (/event: done\n/.test(text)) outcome = 'done';
  else if (/event: error\n/.test(text)) outcome = 'error';
  return { firstSectionMs, doneMs: performance.now() - t0, outcome };
}

async function fail(aiUrl: string, mode: string, model: string) {
  await fetch(`${aiUrl}/__control/fail`, {
    method: 'POST',
    body: JSON.stringify({ mode, count: mode === 'invalid_json' || mode === 'length' ? 2 : 1, model }),
  });
}

async function ledgerSums(db: pg.Client, userId: string) {
  const { rows } = await db.query(
    `select coalesce(sum(-delta_total) filter (where reason = 'spend'), 0)::float8 as spent,
            coalesce(sum(delta_total) filter (where reason = 'refund'), 0)::float8 as refunded
     from public.credit_ledger where user_id = $1`,
    [userId],
  );
  return rows[0] as { spent: number; refunded: number };
}

export async function measureBuilder(
  settings: Settings,
  stack: StackInfo,
  db: pg.Client,
  workerUrl: string,
  ai: { url: string; model: string },
) {
  const lines: Line[] = [];
  const runs: Run[] = [];
  // An owner per site: a project quota and creation rate apply per owner.
  const owner = async (name: string) => {
    const user = await newUser(stack);
    await topUp(stack, user, 100);
    return { user, projectId: await createProject(workerUrl, user, name) };
  };
  for (let i = 0; i < settings.builderRuns; i += 1) {
    const { user, projectId } = await owner(`Bench salon ${i}`);
    runs.push(await firstSite(workerUrl, user, projectId));
  }
  const ok = runs.filter((run) => run.outcome === 'done');
  const first = ok.map((run) => run.firstSectionMs ?? run.doneMs);
  const whole = ok.map((run) => run.doneMs);
  console.log(
    `first sites: ${ok.length}/${runs.length} done; first section p50 ${percentile(first, 50).toFixed(0)} ms, whole site p50 ${percentile(whole, 50).toFixed(0)} ms`,
  );
  lines.push({
    section: '9',
    metric: `first valid section on screen after Generate, p50 (${ok.length} first sites, fake AI)`,
    figure: ms(percentile(first, 50), 0),
    budget: { text: '≤ 2,000 ms', ok: percentile(first, 50) <= 2000 },
  });
  lines.push({ section: '9', metric: 'first valid section, p95', figure: ms(percentile(first, 95), 0) });
  lines.push({
    section: '9',
    metric: 'whole first site (done), p50',
    figure: ms(percentile(whole, 50), 0),
    budget: { text: '≤ 10,000 ms', ok: percentile(whole, 50) <= 10_000 },
  });

  // Fault injection: a fresh owner, every generation either succeeds or is refunded.
  let succeeded = 0;
  let spent = 0;
  let refunded = 0;
  for (let i = 0; i < settings.builderFaultRuns; i += 1) {
    const mode = i % 2 === 0 ? FAULTS[(i / 2) % FAULTS.length]! : null;
    const { user, projectId } = await owner(`Bench fault ${i}`);
    if (mode) await fail(ai.url, mode, ai.model);
    const run = await firstSite(workerUrl, user, projectId);
    if (run.outcome === 'done') succeeded += 1;
    const sums = await ledgerSums(db, user.id);
    spent += sums.spent;
    refunded += sums.refunded;
  }
  const lost = spent - refunded - succeeded * 3;
  console.log(
    `fault injection: ${settings.builderFaultRuns} generations, ${succeeded} succeeded; spent ${spent}, refunded ${refunded}; lost ${lost}`,
  );
  lines.push({
    section: '9',
    metric: `credits lost under fault injection (${settings.builderFaultRuns} generations, half with a provider failure)`,
    figure: count(lost),
    budget: { text: '0', ok: lost === 0 },
  });

  const { rows } = await db.query(`select document from public.site_versions where made_by = 'ai'`);
  const valid = rows.filter((row) => parseSiteDocument(row.document).ok).length;
  const share = rows.length ? (100 * valid) / rows.length : 0;
  lines.push({
    section: '9',
    metric: `stored AI versions valid against the catalogue (${rows.length})`,
    figure: count(share, '%'),
    budget: { text: '100 %', ok: valid === rows.length && rows.length > 0 },
  });
  return { lines, details: { runs, faults: { succeeded, spent, refunded, lost }, versions: { total: rows.length, valid } } };
}
