// `npm run dev` (node with the tsx loader, so it can import the TypeScript local stack): starts the local
// Supabase-compatible stack (unless .dev.vars points SUPABASE_URL elsewhere) and the local fakes of the
// third parties (UPayments, Stripe, Namecheap, DNS-over-HTTPS here; Make, Google and the AI providers through
// scripts/dev-fakes.ts; each only while .dev.vars points at it), builds the site, serves the Worker
// (API + site) with `wrangler dev` on http://127.0.0.1:8787, fires its Cron Trigger every minute,
// rebuilds the site on changes under site/src, and on Ctrl-C or SIGTERM stops every process it started.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_API_PORT, DEFAULT_DATA_DIR, DEFAULT_PG_PORT, startLocalStack } from '../supabase/local/stack.ts';
import { FAKE_DOH_PORT, startFakeDoh } from '../tests/fakes/doh.ts';
import { FAKE_NAMECHEAP_PORT, startFakeNamecheap } from '../tests/fakes/namecheap.ts';
import { FAKE_STRIPE_PORT, startFakeStripe } from '../tests/fakes/stripe.ts';
import { FAKE_UPAYMENTS_PORT, startFakeUpayments } from '../tests/fakes/upayments.ts';
import { FAKE_AI_PORT, FAKE_GOOGLE_PORT, FAKE_MAKE_PORT, startDevFakes, wantedFakes } from './dev-fakes.ts';
import { PORTS, requireFreePorts } from './ports.mjs';
import { watchTree } from './watch-tree.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';
const PORT = 8787;
const SITE = `http://${HOST}:${PORT}`;
const LOCAL_SUPABASE_URL = `http://127.0.0.1:${DEFAULT_API_PORT}`;

/** The variables in .dev.vars (`NAME=value` lines), which is created from the example on first run. */
function devVars() {
  const file = `${ROOT}.dev.vars`;
  if (!existsSync(file)) {
    copyFileSync(`${ROOT}.dev.vars.example`, file);
    console.log('أُنشئ ملف ‎.dev.vars‎ من ‎.dev.vars.example‎ · Created .dev.vars from .dev.vars.example');
  }
  const vars = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=(.*)$/.exec(line);
    if (match) vars[match[1]] = match[2].trim().replace(/^["']|["']$/g, '');
  }
  return vars;
}

/** Whether `value` (a URL from .dev.vars) is the address a local fake listens on. */
const pointsAt = (value, port) => {
  try {
    const url = new URL(value);
    return url.hostname === HOST && Number(url.port) === port;
  } catch {
    return false;
  }
};

const children = new Set();
let stack;
/** The fake payment providers started here (tests/fakes), closed on the way out. */
const fakes = [];
/** The fake Make and Google (scripts/dev-fakes.ts). */
let devFakes;
let stopping = false;

/** Starts a command in its own process group, so stopping it stops everything it spawned. */
function start(command, args) {
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode ?? 1)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nإيقاف… · Stopping…');
  const running = [...children];
  for (const child of running) killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => running.forEach((child) => killGroup(child, 'SIGKILL')), 5000);
  await Promise.all(running.map(exited));
  clearTimeout(timer);
  await Promise.all(fakes.map((fake) => fake.close()));
  await devFakes?.stop().catch((error) => console.error(`stopping the local fakes: ${error.message}`));
  await stack?.stop().catch((error) => console.error(`stopping the local stack: ${error.message}`));
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
process.on('SIGHUP', () => shutdown(0));
// A signal sent to npm alone kills the shell between it and us without passing it on; being
// re-parented means that happened, so stop as if it had reached us.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && shutdown(0), 1000).unref();

// The published sites' fonts and the Worker's site data go into the build first (scripts/site-assets.ts).
const build = async () =>
  (await exited(start('node', ['--import', 'tsx', 'scripts/site-assets.ts']))) ||
  exited(start('npx', ['astro', 'build', '--root', 'site']));

/** Rebuilds the site after changes under site/src settle; one build at a time, one queued. */
function watchSite() {
  let timer;
  let building = false;
  let again = false;
  const rebuild = async () => {
    if (building) return void (again = true);
    building = true;
    console.log('\nإعادة بناء الموقع… · Rebuilding the site…');
    const code = await build();
    building = false;
    if (stopping) return;
    console.log(code === 0 ? 'اكتمل البناء · Site rebuilt' : 'فشل البناء، انظر أعلاه · Build failed, see above');
    if (again) {
      again = false;
      void rebuild();
    }
  };
  watchTree(`${ROOT}site/src`, () => {
    clearTimeout(timer);
    timer = setTimeout(rebuild, 300);
  });
}

const vars = devVars();
const url = (vars.SUPABASE_URL ?? LOCAL_SUPABASE_URL).replace(/\/$/, '');
const useLocalStack = url === LOCAL_SUPABASE_URL;
// Values in .dev.vars win: a provider pointed at its sandbox (or left unset) gets no fake.
const fakeUpayments = pointsAt(vars.UPAYMENTS_API_BASE, FAKE_UPAYMENTS_PORT);
const fakeStripe = pointsAt(vars.STRIPE_API_BASE, FAKE_STRIPE_PORT);
const fakeNamecheap = pointsAt(vars.NAMECHEAP_RELAY_URL || vars.NAMECHEAP_API_URL, FAKE_NAMECHEAP_PORT);
const fakeDoh = pointsAt(vars.DOH_URL, FAKE_DOH_PORT);
const wanted = wantedFakes(vars);
await requireFreePorts({
  [PORT]: PORTS.worker,
  ...(useLocalStack && { [DEFAULT_API_PORT]: PORTS.api, [DEFAULT_PG_PORT]: PORTS.postgres }),
  ...(fakeUpayments && { [FAKE_UPAYMENTS_PORT]: PORTS.upayments }),
  ...(fakeStripe && { [FAKE_STRIPE_PORT]: PORTS.stripe }),
  ...(fakeNamecheap && { [FAKE_NAMECHEAP_PORT]: PORTS.namecheap }),
  ...(fakeDoh && { [FAKE_DOH_PORT]: PORTS.doh }),
  ...(wanted.make && { [FAKE_MAKE_PORT]: PORTS.make }),
  ...(wanted.google && { [FAKE_GOOGLE_PORT]: PORTS.google }),
  ...(wanted.ai && { [FAKE_AI_PORT]: PORTS.ai }),
});
for (const name of ['UPAYMENTS_API_BASE', 'STRIPE_SECRET_KEY']) {
  if (!vars[name]) {
    console.log(
      `${name} غير موجود في ‎.dev.vars‎: هذه الطريقة في الدفع معطلة (انسخ سطورها من ‎.dev.vars.example‎) · ` +
        `${name} is not set in .dev.vars: that payment provider is off (copy its lines from .dev.vars.example)`,
    );
  }
}
if (fakeUpayments) fakes.push(await startFakeUpayments({ apiKey: vars.UPAYMENTS_API_KEY || undefined }));
if (fakeStripe) {
  const secrets = { secretKey: vars.STRIPE_SECRET_KEY || undefined, webhookSecret: vars.STRIPE_WEBHOOK_SECRET || undefined };
  fakes.push(await startFakeStripe({ ...secrets, workerUrl: SITE }));
}
if (fakeNamecheap) fakes.push(await startFakeNamecheap({ port: FAKE_NAMECHEAP_PORT }));
if (fakeDoh) fakes.push(await startFakeDoh({ port: FAKE_DOH_PORT }));

if (useLocalStack) {
  try {
    stack = await startLocalStack({ dataDir: DEFAULT_DATA_DIR, siteUrl: SITE, onLog: (line) => console.log(`[supabase] ${line}`) });
  } catch (error) {
    console.error(`تعذّر تشغيل Supabase المحلي · Could not start the local stack: ${error.message}`);
    await shutdown(1);
  }
} else {
  console.log(
    `SUPABASE_URL في ‎.dev.vars‎ يشير إلى ${url}: لن يُشغَّل Supabase المحلي · .dev.vars points SUPABASE_URL at ${url}: not starting the local stack`,
  );
}

try {
  devFakes = await startDevFakes(vars, { googleKeyFile: `${ROOT}.local/google-fake-key.pem` });
} catch (error) {
  console.error(`تعذّر تشغيل الخدمات الوهمية · Could not start the local fakes: ${error.message}`);
  await shutdown(1);
}

if ((await build()) !== 0 && !stopping) await shutdown(1);
/** Resolves once the Worker answers HTTP at all (any status), so the URL printed next works. */
async function workerAnswers() {
  for (;;) {
    if (stopping) return;
    const answered = await fetch(`${SITE}/api/health`, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

if (!stopping) {
  // --test-scheduled serves /__scheduled, which runs the cron handler (wrangler dev never fires
  // Cron Triggers itself, and its /cdn-cgi/handler/scheduled fails when the Worker has assets).
  const wrangler = start('npx', [
    'wrangler',
    'dev',
    '--ip',
    HOST,
    '--port',
    String(PORT),
    '--test-scheduled',
    ...(devFakes?.wranglerArgs ?? []),
  ]);
  wrangler.on('exit', (code) => shutdown(code ?? 0));
  watchSite();
  await workerAnswers();
  // Every minute, as the production Cron Trigger does: expire holds, deliver the outbox.
  const cron = () =>
    fetch(`${SITE}/__scheduled?cron=${encodeURIComponent('* * * * *')}`, { signal: AbortSignal.timeout(30_000) }).catch(() => {});
  setInterval(cron, 60_000).unref();
}
if (!stopping) {
  console.log(
    [
      '',
      `KWq8: ${SITE}   (API: ${SITE}/api/health)`,
      useLocalStack
        ? `Supabase المحلي · local Supabase: ${LOCAL_SUPABASE_URL}   Postgres: postgresql://postgres:postgres@127.0.0.1:${DEFAULT_PG_PORT}/postgres`
        : '',
      useLocalStack ? `البريد المحلي · Mailbox: ${LOCAL_SUPABASE_URL}/mailbox` : '',
      fakeUpayments ? `UPayments المحلي · local UPayments: http://${HOST}:${FAKE_UPAYMENTS_PORT}` : '',
      fakeStripe ? `Stripe المحلي · local Stripe: http://${HOST}:${FAKE_STRIPE_PORT}` : '',
      fakeNamecheap ? `Namecheap المحلي · local Namecheap: http://${HOST}:${FAKE_NAMECHEAP_PORT}` : '',
      ...(devFakes?.lines ?? []),
      `صفحة الحجز التجريبية · Demo booking page: ${SITE}/book/demo-studio/`,
      '',
      'الدخول: افتح الموقع، اطلب رمز الدخول بأي بريد (أو demo@kwq8.local للحساب التجريبي)، ثم خذ الرمز أو الرابط من البريد المحلي.',
      'Sign in: open the site, ask for a sign-in code with any email (demo@kwq8.local is the seeded demo owner), then take the code or the link from the mailbox.',
      'Ctrl-C يوقف كل شيء · Ctrl-C stops everything.',
      '',
    ]
      .filter((line, index, lines) => line || lines[index - 1])
      .join('\n'),
  );
}
