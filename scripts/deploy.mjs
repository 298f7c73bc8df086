// `npm run deploy`: refuses to ship a Worker that cannot work, then builds and deploys it.
// Checked first: a real KV namespace id in wrangler.toml (not the placeholder) and every secret the
// Worker needs set on Cloudflare (`wrangler secret list`); SUPABASE_URL must not be a loopback
// address. Each missing piece is named with the command that fixes it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// BOOKING_FORM_SECRET signs the public booking form and booking links (the booking routes answer SRV_004 without it).
const REQUIRED_SECRETS = ['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'BOOKING_FORM_SECRET'];
const wrangler = (args, options = {}) =>
  execFileSync('npx', ['wrangler', ...args], { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, ...options });

const problems = [];
const toml = readFileSync('wrangler.toml', 'utf8');
const kvId = /binding\s*=\s*"RATE_LIMIT_KV"\s*\n\s*id\s*=\s*"([^"]*)"/.exec(toml)?.[1] ?? '';
if (!/^[0-9a-f]{32}$/.test(kvId) || /^0+$/.test(kvId)) {
  problems.push(
    'RATE_LIMIT_KV has no real namespace id: run `npx wrangler kv namespace create RATE_LIMIT_KV` and put the id in wrangler.toml',
  );
}

let secrets = [];
try {
  secrets = JSON.parse(wrangler(['secret', 'list', '--format', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] })).map((s) => s.name);
} catch {
  problems.push('could not list the Worker secrets: run `npx wrangler login` first (or set CLOUDFLARE_API_TOKEN)');
}
for (const name of REQUIRED_SECRETS) {
  if (secrets.length && !secrets.includes(name)) problems.push(`secret ${name} is not set: run \`npx wrangler secret put ${name}\``);
}

if (problems.length) {
  console.error('لن يُنشر العامل قبل إصلاح ما يلي · Not deploying until these are fixed:');
  for (const problem of problems) console.error(`- ${problem}`);
  console.error('See the README, section "Deploy".');
  process.exit(1);
}

execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
wrangler(['deploy'], { stdio: 'inherit' });
