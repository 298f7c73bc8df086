// Fails when worker-configuration.d.ts is not what `npm run cf-typegen` would generate now, i.e.
// when wrangler.toml or .dev.vars.example changed without regenerating the Worker's binding types.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const COMMITTED = 'worker-configuration.d.ts';
// Generated beside the committed file, so its relative import paths are the same.
const FRESH = '.worker-configuration.check.d.ts';
// The first two lines name the command that made the file, which differs for the fresh copy.
const body = (file) => readFileSync(file, 'utf8').split('\n').slice(2).join('\n');

try {
  execFileSync('npx', ['wrangler', 'types', FRESH, '--env-file', '.dev.vars.example', '--include-runtime=false'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (body(FRESH) !== body(COMMITTED)) {
    console.error(`${COMMITTED} is out of date: run \`npm run cf-typegen\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${COMMITTED}: up to date`);
} finally {
  rmSync(FRESH, { force: true });
}
