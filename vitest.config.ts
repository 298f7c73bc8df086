/**
 * Test projects, one run: `worker` runs inside workerd through the Workers pool (the real runtime,
 * bindings from wrangler.toml) against the local stack its global setup starts; `db` runs in Node
 * against a real Postgres 17.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** Worker tests in workerd, pointed at a local stack of their own (started by the global setup). */
function workerProject(name: string, include: string[], exclude: string[] = []): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest(({ inject }) => {
        const stack = inject('stack');
        return {
          wrangler: { configPath: './wrangler.toml' },
          miniflare: {
            bindings: {
              SUPABASE_URL: stack.url,
              SUPABASE_ANON_KEY: stack.anonKey,
              SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
              SUPABASE_JWT_SECRET: stack.jwtSecret,
              // Integration tests make many calls per user; the limiter has its own tests.
              RATE_LIMITS: JSON.stringify({ api: { limit: 10_000 } }),
            },
          },
        };
      }),
    ],
    test: {
      name,
      include,
      exclude,
      globalSetup: ['tests/support/stack-global-setup.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      workerProject('worker', ['tests/worker/**/*.test.ts'], ['tests/worker/outage/**']),
      // Stops and restarts Postgres, so it gets a stack no other test file shares.
      workerProject('worker-outage', ['tests/worker/outage/**/*.test.ts']),
      {
        test: {
          name: 'db',
          include: ['tests/db/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/db-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The local stack's conformance tests: each file starts its own stack on free ports.
        test: {
          name: 'local',
          include: ['tests/local/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Real Chromium against `wrangler dev` and a local stack its global setup starts.
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
