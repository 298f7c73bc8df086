/**
 * Section 2, the edge path. In workerd without HTTP: the middleware chain (token check with a
 * known token, rate limit, validation) per request beside a bare Hono route. Through HTTP under
 * `wrangler dev`: requests/s and p50/p99 of three routes of the real Worker, taking turns round
 * by round (each round rotates their order, so load from other work falls on all three):
 * - bare: GET /api/config (request context, config check; no auth, no database);
 * - signed-in chain: POST /api/credits/spend with a body that fails validation, answered 422
 *   after requireUser, the rate limiter and validate(), before the database;
 * - database: POST /api/credits/spend, valid, a new Idempotency-Key each time, through the local
 *   stack; one user per connection, so requests wait for the database rather than for one user's
 *   balance lock (section 3 measures that contention).
 */
import { randomUUID } from 'node:crypto';
import { load, percentile, type LoadRequest, type LoadResult } from './load';
import { timeInWorkerd } from './middleware-timing.mjs';
import { fig, ms, perSecond, type Line } from './report';
import type { Settings } from './settings';
import { newUser, topUp } from './stack-client';
import type { StackInfo } from './stack-process';

const WARMUP = 30;

export async function measureEdgeChainInWorkerd(compatibilityDate: string) {
  const timing = await timeInWorkerd(compatibilityDate);
  const { micros } = timing;
  const chain = micros.full - micros.context;
  console.log(
    `workerd, ${timing.requestsPerVariant} requests per variant, median µs per request: ` +
      Object.entries(micros)
        .map(([variant, us]) => `${variant} ${us.toFixed(1)}`)
        .join(', '),
  );
  const lines: Line[] = [
    {
      section: '2',
      metric: 'edge chain per request (token + rate limit + validation, workerd)',
      figure: fig(chain, `${chain.toFixed(1)} µs`),
      comparison: { label: 'bare Hono route, whole request', ...fig(micros.bare, `${micros.bare.toFixed(1)} µs`) },
      budget: { text: '≤ 15 µs', ok: chain <= 15 },
    },
  ];
  return { lines, details: timing };
}

interface Route {
  name: 'bare' | 'chain' | 'database';
  label: string;
  expect: number;
  next: (i: number) => LoadRequest;
}

export async function measureEdgeHttp(settings: Settings, stack: StackInfo, workerUrl: string) {
  const perRound = Math.ceil(settings.httpRequests / Math.max(1, settings.httpRounds));
  const users = await Promise.all(Array.from({ length: settings.httpConcurrency }, () => newUser(stack)));
  // chat_message costs 1 credit: enough for every valid spend the run can send.
  const credits = Math.ceil((settings.httpRounds * perRound + WARMUP) / users.length) + 10;
  await Promise.all(users.map((user) => topUp(stack, user, credits)));
  const auth = (i: number) => ({ Authorization: `Bearer ${users[i % users.length]!.token}`, 'Content-Type': 'application/json' });
  const routes: Route[] = [
    { name: 'bare', label: 'GET /api/config', expect: 200, next: () => ({ method: 'GET', path: '/api/config' }) },
    {
      name: 'chain',
      label: 'POST /api/credits/spend, invalid body (422 before the database)',
      expect: 422,
      next: (i) => ({ method: 'POST', path: '/api/credits/spend', headers: auth(i), body: '{"action":"no_such_action"}' }),
    },
    {
      name: 'database',
      label: 'POST /api/credits/spend through the local stack',
      expect: 200,
      next: (i) => ({
        method: 'POST',
        path: '/api/credits/spend',
        headers: { ...auth(i), 'Idempotency-Key': randomUUID() },
        body: '{"action":"chat_message"}',
      }),
    },
  ];

  const results = Object.fromEntries(routes.map((route) => [route.name, [] as LoadResult[]])) as Record<Route['name'], LoadResult[]>;
  const run = async (route: Route, count: number) => {
    const result = await load(workerUrl, route.next, { count, concurrency: settings.httpConcurrency, maxSeconds: settings.httpMaxSeconds });
    const unexpected = Object.entries(result.statuses).filter(([status]) => Number(status) !== route.expect);
    if (unexpected.length) throw new Error(`${route.label}: expected ${route.expect}, got ${JSON.stringify(result.statuses)}`);
    return result;
  };
  for (const route of routes) await run(route, WARMUP);
  for (let round = 0; round < settings.httpRounds; round += 1) {
    for (let i = 0; i < routes.length; i += 1) {
      const route = routes[(round + i) % routes.length]!;
      results[route.name].push(await run(route, perRound));
    }
  }

  const summary = Object.fromEntries(
    routes.map((route) => {
      const list = results[route.name];
      const requests = list.reduce((sum, r) => sum + r.requests, 0);
      const seconds = list.reduce((sum, r) => sum + r.seconds, 0);
      const latencies = list.flatMap((r) => r.latenciesMs);
      return [
        route.name,
        { label: route.label, requests, perSecond: requests / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      ];
    }),
  ) as Record<Route['name'], { label: string; requests: number; perSecond: number; p50: number; p99: number }>;
  for (const route of routes) {
    const s = summary[route.name];
    console.log(`${s.label}: ${s.requests} requests, ${s.perSecond.toFixed(0)}/s, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`);
  }

  const bare = summary.bare;
  const against = { label: `bare route (${bare.label})` };
  const chainRatio = summary.chain.perSecond / bare.perSecond;
  const lines: Line[] = [
    {
      section: '2',
      metric: `requests/s, signed-in validated route, wrangler dev, ${settings.httpConcurrency} connections`,
      figure: perSecond(summary.chain.perSecond),
      comparison: { ...against, ...perSecond(bare.perSecond) },
      budget: { text: '≥ ×0.80 of bare', ok: chainRatio >= 0.8 },
    },
    {
      section: '2',
      metric: 'latency p50, signed-in validated route',
      figure: ms(summary.chain.p50),
      comparison: { ...against, ...ms(bare.p50) },
    },
    {
      section: '2',
      metric: 'latency p99, signed-in validated route',
      figure: ms(summary.chain.p99),
      comparison: { ...against, ...ms(bare.p99) },
    },
    {
      section: '2',
      metric: 'requests/s, /api/credits/spend through the local stack',
      figure: perSecond(summary.database.perSecond),
      comparison: { ...against, ...perSecond(bare.perSecond) },
    },
    {
      section: '2',
      metric: 'latency p50, /api/credits/spend',
      figure: ms(summary.database.p50),
      comparison: { ...against, ...ms(bare.p50) },
    },
    {
      section: '2',
      metric: 'latency p99, /api/credits/spend',
      figure: ms(summary.database.p99),
      comparison: { ...against, ...ms(bare.p99) },
    },
  ];
  return { lines, details: { concurrency: settings.httpConcurrency, rounds: settings.httpRounds, perRound, routes: summary } };
}
