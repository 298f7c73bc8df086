// `npm run dev`: builds the site and runs the Worker (API + site) with `wrangler dev` on
// http://127.0.0.1:8787. Ctrl-C stops everything this script started.
import { spawn, spawnSync } from 'node:child_process';

const HOST = '127.0.0.1';
const PORT = 8787;

const build = spawnSync('npx', ['astro', 'build', '--root', 'site'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const wrangler = spawn('npx', ['wrangler', 'dev', '--ip', HOST, '--port', String(PORT)], {
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  detached: true,
});
console.log(`\nKWq8 is starting on http://${HOST}:${PORT}  (API: http://${HOST}:${PORT}/api/health)\n`);

function stop() {
  if (wrangler.exitCode === null) process.kill(-wrangler.pid, 'SIGTERM');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
wrangler.on('exit', (code) => process.exit(code ?? 0));
