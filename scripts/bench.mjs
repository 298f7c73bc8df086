// `npm run bench`: every budget of docs/ARCHITECTURE.md section 6 measured on this machine, each
// figure beside what a user would pick instead, measured in the same run (scripts/bench/*, one
// module per section). Prints the details and a table, and writes .wrangler/bench.json and
// .wrangler/bench.md. Loopback only; counts and time limits in scripts/bench/settings.ts. Never
// fails on a budget: exits non-zero only if a measurement could not run. Needs `npm run build`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { measureBookings } from './bench/bookings.ts';
import { measureBuilder } from './bench/builder.ts';
import { measureCredits } from './bench/credits.ts';
import { measureEdgeChainInWorkerd, measureEdgeHttp } from './bench/edge.ts';
import { measureLimiter } from './bench/limiter.ts';
import { NAIVE_SCHEMA } from './bench/naive.ts';
import { connectClients } from './bench/pg-clients.ts';
import { consoleTable, markdownTable, ratioOf, verdict } from './bench/report.ts';
import { settings } from './bench/settings.ts';
import { measurePublishedSite } from './bench/published-site.ts';
import { measureSite } from './bench/site.ts';
import { startStackProcess } from './bench/stack-process.ts';
import { measureWebhooks } from './bench/webhooks.ts';
import { startWranglerDev } from './wrangler-dev.ts';
import { measureWorker } from './bench/worker-size.ts';
import { startFakeAi } from '../tests/fakes/ai.ts';
import { startFakeStripe } from '../tests/fakes/stripe.ts';

const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync('wrangler.toml', 'utf8'))[1];
const started = performance.now();
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const machine = { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown CPU', loadAtStart: load() };
console.log(`Node ${machine.node}, ${machine.cores} cores, ${machine.cpu}; load average at start ${machine.loadAtStart}`);

const lines = [];
const details = {};
let failed = false;
const on = (section) => settings.sections.has(section);

async function measure(name, section, run) {
  console.log(`\n== ${name}`);
  const t0 = performance.now();
  try {
    const result = await run();
    lines.push(...result.lines);
    details[name] = result.details;
  } catch (error) {
    failed = true;
    console.error(`could not measure ${name}: ${error instanceof Error ? error.stack : error}`);
    lines.push({ section, metric: name, figure: null, missing: 'not measured (see the log)' });
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

if (on('worker')) await measure('1 worker size and start-up', '1', () => measureWorker(settings, compatibilityDate));
if (on('http')) await measure('2 edge chain in workerd', '2', () => measureEdgeChainInWorkerd(compatibilityDate));
if (on('limiter')) await measure('4 rate limiter', '4', () => measureLimiter(settings));

if (['http', 'credits', 'webhooks', 'bookings', 'builder'].some(on)) {
  let stack;
  let wrangler;
  let clients;
  let stripe;
  let ai;
  // wrangler dev runs in a process group of its own, which Ctrl-C on the bench would not reach.
  const interrupted = async () => {
    await wrangler?.stop();
    await stripe?.close();
    await ai?.close();
    await stack?.stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    console.log('\n== starting the local stack');
    stack = await startStackProcess();
    if (['credits', 'webhooks', 'bookings', 'builder'].some(on)) {
      clients = await connectClients(stack.info.pg, Math.max(settings.contention, settings.holds, settings.duplicates, 1));
      await clients.list[0].query(NAIVE_SCHEMA);
    }
    if (['http', 'webhooks', 'bookings', 'builder'].some(on)) {
      console.log('starting wrangler dev');
      // The fake AI provider, so the builder's figures are KWq8's own pipeline.
      ai = await startFakeAi({ port: 0 });
      // Stripe's API for the booking holds' checkouts; the webhook deliveries are signed with its secret.
      stripe = await startFakeStripe({ port: 0 });
      const limit = { limit: 100_000 };
      wrangler = await startWranglerDev({
        vars: {
          SUPABASE_URL: stack.info.url,
          SUPABASE_ANON_KEY: stack.info.anonKey,
          SUPABASE_SERVICE_ROLE_KEY: stack.info.serviceRoleKey,
          SUPABASE_JWT_SECRET: stack.info.jwtSecret,
          // Room for every request of the run: the limiter still runs on each one.
          RATE_LIMITS: JSON.stringify({ api: limit, booking: limit, webhooks: limit }),
          STRIPE_API_BASE: stripe.apiBase,
          STRIPE_SECRET_KEY: stripe.secretKey,
          STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
          BOOKING_FORM_SECRET: 'kwq8-bench-booking-form-secret-0123456789',
          AI_TEXT_PROVIDER: 'openai',
          AI_TEXT_BASE_URL: ai.textBaseUrl,
          AI_TEXT_API_KEY: ai.apiKey,
          AI_TEXT_MODEL: 'kwq8-bench',
          // No Make or calendar deliveries: they would only add the fakes' time to the figures.
          MAKE_WEBHOOK_URL: '',
          GOOGLE_SERVICE_ACCOUNT_JSON: '',
        },
      });
    }
    if (on('http')) await measure('2 edge path through HTTP', '2', () => measureEdgeHttp(settings, stack.info, wrangler.url));
    if (on('credits')) await measure('3 credits under contention', '3', () => measureCredits(settings, stack.info, clients.list));
    if (on('webhooks')) await measure('5 webhooks', '5', () => measureWebhooks(settings, stack.info, clients.list, wrangler.url, stripe));
    if (on('bookings')) await measure('6 bookings', '6', () => measureBookings(settings, stack.info, clients.list, wrangler.url));
    if (on('builder'))
      await measure('9 builder', '9', () =>
        measureBuilder(settings, stack.info, clients.list[0], wrangler.url, { url: ai.url, model: 'kwq8-bench' }),
      );
  } catch (error) {
    failed = true;
    console.error(`could not start the local stack or wrangler dev: ${error instanceof Error ? error.stack : error}`);
    lines.push({ section: '2–6', metric: 'local stack / wrangler dev', figure: null, missing: 'not measured (see the log)' });
  } finally {
    await wrangler?.stop();
    await stripe?.close();
    await ai?.close();
    await clients?.end();
    await stack?.stop();
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  }
}

if (on('site')) await measure('7 site', '7', () => measureSite(settings));
if (on('sites')) await measure('8 published sites', '8', () => measurePublishedSite(settings));

lines.sort((a, b) => a.section.localeCompare(b.section));
machine.loadAtEnd = load();
const minutes = (performance.now() - started) / 60_000;
const heading = `KWq8 bench, ${new Date().toISOString()}: Node ${machine.node}, ${machine.cores} cores (${machine.cpu}), load average ${machine.loadAtStart} at start and ${machine.loadAtEnd} at end, ${minutes.toFixed(1)} min`;
console.log(`\n${heading}\n`);
console.log(consoleTable(lines));

mkdirSync('.wrangler', { recursive: true });
writeFileSync(
  '.wrangler/bench.json',
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, minutes, settings: { ...settings, sections: [...settings.sections] }, lines: lines.map((line) => ({ ...line, ratio: ratioOf(line), verdict: verdict(line) })), details }, null, 2)}\n`,
);
writeFileSync('.wrangler/bench.md', `${heading}\n\n${markdownTable(lines)}\n`);
console.log('\nwritten to .wrangler/bench.json and .wrangler/bench.md');
process.exit(failed ? 1 : 0);
