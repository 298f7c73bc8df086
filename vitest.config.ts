/**
 * Test projects, one run: `worker` runs inside workerd through the Workers pool (the real runtime,
 * bindings from wrangler.toml) against the local stack its global setup starts; `db` runs in Node
 * against a real Postgres 17.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import type { ProvidedContext } from 'vitest';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** Node projects: a test file that leaves sockets, servers or timers open fails, naming itself. */
const OPEN_HANDLES = 'tests/support/open-handles.ts';

/** Worker tests in workerd, pointed at a local stack of their own (started by the global setup). */
function workerProject(
  name: string,
  include: string[],
  { exclude = [], setup = 'tests/support/stack-global-setup.ts' }: { exclude?: string[]; setup?: string } = {},
): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest(({ inject }) => {
        const stack = inject('stack');
        const fakes = inject('fakes');
        // Only the `worker` project's setup starts the Namecheap and DNS-over-HTTPS fakes.
        const namecheap: ProvidedContext['namecheapFake'] | undefined = inject('namecheapFake');
        const doh: ProvidedContext['dohFake'] | undefined = inject('dohFake');
        // Only the `worker` project's global setup starts the Make and Google fakes.
        const make = inject('makeFake') as ReturnType<typeof inject<'makeFake'>> | undefined;
        const google = inject('googleFake') as ReturnType<typeof inject<'googleFake'>> | undefined;
        return {
          wrangler: { configPath: './wrangler.toml' },
          miniflare: {
            bindings: {
              SUPABASE_URL: stack.url,
              SUPABASE_ANON_KEY: stack.anonKey,
              SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
              // A project whose tokens are asymmetric has no shared secret to give the Worker
              // (set empty, so a developer's .dev.vars cannot fill it in).
              SUPABASE_JWT_SECRET: stack.jwtAlg === 'HS256' ? stack.jwtSecret : '',
              // Integration tests make many calls per user; the limiter has its own tests.
              RATE_LIMITS: JSON.stringify({ api: { limit: 10_000 }, health: { limit: 10_000 }, webhooks: { limit: 10_000 } }),
              GOOGLE_SIGN_IN_ENABLED: 'true',
              // The local fake providers (tests/fakes), started by the same global setup.
              UPAYMENTS_API_BASE: fakes.upayments.apiBase,
              UPAYMENTS_API_KEY: fakes.upayments.apiKey,
              STRIPE_API_BASE: fakes.stripe.apiBase,
              STRIPE_SECRET_KEY: fakes.stripe.secretKey,
              STRIPE_WEBHOOK_SECRET: fakes.stripe.webhookSecret,
              // The fake AI provider (tests/fakes/ai.ts): OpenAI-compatible text, Gemini images.
              AI_TEXT_PROVIDER: 'openai',
              AI_TEXT_BASE_URL: fakes.ai.textBaseUrl,
              AI_TEXT_API_KEY: fakes.ai.apiKey,
              AI_TEXT_MODEL: 'kwq8-fake-text',
              AI_IMAGE_BASE_URL: fakes.ai.imageBaseUrl,
              AI_IMAGE_API_KEY: fakes.ai.apiKey,
              AI_IMAGE_MODEL: 'kwq8-fake-image',
              NAMECHEAP_API_URL: namecheap?.apiUrl ?? '',
              NAMECHEAP_RELAY_URL: '',
              NAMECHEAP_API_USER: namecheap?.apiUser ?? '',
              NAMECHEAP_API_KEY: namecheap?.apiKey ?? '',
              NAMECHEAP_USERNAME: namecheap?.username ?? '',
              NAMECHEAP_CLIENT_IP: namecheap?.clientIp ?? '',
              DOH_URL: doh?.dohUrl ?? '',
              DOMAIN_TLDS: 'com,net',
              DOMAIN_PRICES_USD_CENTS: 'com:1128,net:1398',
              DOMAIN_FILS_PER_USD: '310',
              DOMAIN_PRICE_MARGIN_PERCENT: '20',
              SITES_CNAME_TARGET: 'sites.kwq8.com',
              // Sites answer at <slug>.sites.test; the tests call the platform as kwq8.test.
              SITES_DOMAIN: 'sites.test',
              PLATFORM_HOSTS: 'kwq8.test',
              BOOKING_FORM_SECRET: 'kwq8-test-booking-form-secret-0123456789',
              // Outbox deliveries: the platform's Make inbox `platform` and calendar `platform-calendar`
              // (tests give their projects inboxes and calendars of their own).
              MAKE_WEBHOOK_URL: make ? `${make.url}/hooks/platform` : '',
              MAKE_WEBHOOK_SECRET: make?.secret ?? '',
              GOOGLE_SERVICE_ACCOUNT_JSON: google?.serviceAccountJson ?? '',
              GOOGLE_TOKEN_URL: google?.tokenUrl ?? '',
              GOOGLE_CALENDAR_API_BASE: google?.apiBase ?? '',
              GOOGLE_CALENDAR_ID: 'platform-calendar',
            },
          },
        };
      }),
    ],
    test: {
      name,
      include,
      exclude,
      globalSetup: [setup],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}

export default defineConfig({
  test: {
    // The log audit reads the console lines of every project and fails the run on a leak.
    reporters: ['default', './tests/support/log-audit-reporter.ts'],
    projects: [
      workerProject('worker', ['tests/worker/**/*.test.ts', 'tests/shared/**/*.test.ts'], {
        exclude: ['tests/worker/outage/**', 'tests/worker/es256/**'],
      }),
      // Stops and restarts Postgres, so it gets a stack no other test file shares.
      workerProject('worker-outage', ['tests/worker/outage/**/*.test.ts']),
      // Tokens signed with ES256 and checked through the stack's real JWKS endpoint.
      workerProject('worker-es256', ['tests/worker/es256/**/*.test.ts'], { setup: 'tests/support/stack-global-setup-es256.ts' }),
      {
        test: {
          name: 'db',
          include: ['tests/db/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/db-global-setup.ts'],
          setupFiles: [OPEN_HANDLES],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The local stack's conformance tests (each file starts its own stack on free ports) and the fakes' own tests.
        test: {
          name: 'local',
          include: ['tests/local/**/*.test.ts', 'tests/scripts/**/*.test.ts', 'tests/fakes/**/*.test.ts'],
          environment: 'node',
          setupFiles: [OPEN_HANDLES],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The site's own modules (formatting, dictionaries, error reports) in Node, with its full ICU.
        test: { name: 'site', include: ['tests/site/**/*.test.ts'], environment: 'node', setupFiles: [OPEN_HANDLES] },
      },
      {
        // Real Chromium against `wrangler dev` and a local stack its global setup starts.
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          setupFiles: [OPEN_HANDLES],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
