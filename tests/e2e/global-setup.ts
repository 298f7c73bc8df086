/**
 * Global setup for the end-to-end tests: a local stack of their own on free ports (seeded, so the
 * demo project's booking page works), the fake UPayments, Stripe, Make, Namecheap and DNS-over-HTTPS
 * and AI (tests/fakes), the real Worker under `wrangler dev` (API + built site, `/__scheduled` runs its
 * cron) pointed at them, and Chromium (see ./browser.ts for which) behind a Playwright browser
 * server the test files connect to. The teardown stops all of it and leaves no process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../supabase/local/postgres';
import { startWranglerDev, type WranglerDev } from '../../scripts/wrangler-dev';
import { startLocalStack, type LocalStack } from '../../supabase/local/stack';
import { startFakeAi } from '../fakes/ai';
import { startFakeDoh } from '../fakes/doh';
import { startFakeNamecheap } from '../fakes/namecheap';
import { startFakeMake } from '../fakes/make';
import { startFakeStripe } from '../fakes/stripe';
import { startFakeUpayments } from '../fakes/upayments';
import { chooseBrowser } from './browser';

export interface E2eInfo {
  /** The Worker under `wrangler dev`: the site and /api. */
  siteUrl: string;
  /** The local stack (Auth for the browser, and the mailbox). */
  supabaseUrl: string;
  /** Playwright browser server; connect with chromium.connect(). */
  wsEndpoint: string;
  /** The fake providers the Worker is pointed at (tests/fakes): their control endpoints. */
  fakes: {
    upayments: { url: string; apiBase: string; apiKey: string };
    stripe: { url: string };
    namecheap: { url: string };
    doh: { url: string };
    /** The fake AI (tests/fakes/ai.ts): `/__control/*`; the Worker asks it for model `model` and images from `imageModel`. */
    ai: { url: string; model: string; imageModel: string };
  };
  /** The service key, for arranging what a provider's verified webhook would do. */
  serviceRoleKey: string;
  /** The fake UPayments (payment page, `/__control/*`) and the fake Make (inbox `kwq8`: `/events?inbox=kwq8`). */
  upaymentsUrl: string;
  makeUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eInfo;
  }
}

const AI_MODEL = 'kwq8-e2e';
const AI_IMAGE_MODEL = 'kwq8-e2e-image';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export default async function setup(project: TestProject) {
  if (!existsSync(join(ROOT, 'site/dist/index.html'))) {
    const build = spawnSync('npx', ['astro', 'build', '--root', 'site'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('building the site (astro build) failed');
  }
  const choice = await chooseBrowser();

  const workerPort = await freePort();
  const provided: Partial<Pick<E2eInfo, 'fakes' | 'upaymentsUrl'>> = {};
  const siteUrl = `http://127.0.0.1:${workerPort}`;
  let stack: LocalStack | undefined;
  let wrangler: WranglerDev | undefined;
  let browser: BrowserServer | undefined;
  const fakes: Array<{ close(): Promise<void> }> = [];
  let make: Awaited<ReturnType<typeof startFakeMake>> | undefined;

  const teardown = async () => {
    await browser?.close();
    await wrangler?.stop();
    await stack?.stop();
    await Promise.all(fakes.map((fake) => fake.close()));
  };

  try {
    stack = await startLocalStack({ apiPort: 0, pgPort: 0, seed: true, siteUrl });
    // UPayments notifies the URL each checkout gives it; Stripe's webhooks go to the Worker.
    const [upayments, stripe, namecheap, doh, ai] = await Promise.all([
      startFakeUpayments({ port: 0 }),
      startFakeStripe({ port: 0, workerUrl: siteUrl }),
      startFakeNamecheap(),
      startFakeDoh({ port: 0 }),
      startFakeAi({ port: 0 }),
    ]);
    make = await startFakeMake();
    fakes.push(upayments, stripe, namecheap, doh, ai, make);
    provided.upaymentsUrl = upayments.url;
    provided.fakes = {
      upayments: { url: upayments.url, apiBase: upayments.apiBase, apiKey: upayments.apiKey },
      stripe: { url: stripe.url },
      namecheap: { url: namecheap.url },
      doh: { url: doh.url },
      ai: { url: ai.url, model: AI_MODEL, imageModel: AI_IMAGE_MODEL },
    };
    const vars = {
      SUPABASE_URL: stack.url,
      SUPABASE_ANON_KEY: stack.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
      SUPABASE_JWT_SECRET: stack.jwtSecret,
      UPAYMENTS_API_BASE: upayments.apiBase,
      UPAYMENTS_API_KEY: upayments.apiKey,
      STRIPE_API_BASE: stripe.apiBase,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      NAMECHEAP_API_URL: namecheap.apiUrl,
      NAMECHEAP_RELAY_URL: '',
      NAMECHEAP_API_USER: namecheap.apiUser,
      NAMECHEAP_API_KEY: namecheap.apiKey,
      NAMECHEAP_USERNAME: namecheap.username,
      NAMECHEAP_CLIENT_IP: namecheap.clientIp,
      DOH_URL: doh.dohUrl,
      // The fake AI: OpenAI-compatible text and Gemini images, switches scoped to these model names.
      AI_TEXT_PROVIDER: 'openai',
      AI_TEXT_BASE_URL: ai.textBaseUrl,
      AI_TEXT_API_KEY: ai.apiKey,
      AI_TEXT_MODEL: AI_MODEL,
      AI_IMAGE_BASE_URL: ai.imageBaseUrl,
      AI_IMAGE_API_KEY: ai.apiKey,
      AI_IMAGE_MODEL: AI_IMAGE_MODEL,
      BOOKING_FORM_SECRET: 'kwq8-e2e-booking-form-secret-0123456789',
      MAKE_WEBHOOK_URL: make.webhookUrl('kwq8'),
      MAKE_WEBHOOK_SECRET: make.secret,
      // No calendar in the browser tests (a developer's .dev.vars must not add one).
      GOOGLE_SERVICE_ACCOUNT_JSON: '',
      // The stack's own Google consent page stands in for Google.
      GOOGLE_SIGN_IN_ENABLED: 'true',
      // Published sites at http://<slug>.localhost:<port>/ (Chromium resolves *.localhost to loopback).
      SITES_DOMAIN: 'localhost',
      PLATFORM_HOSTS: '',
    };
    // With --test-scheduled, GET /__scheduled fires the Cron Trigger's jobs (wrangler.toml sends that path to the Worker).
    wrangler = await startWranglerDev({ vars, port: workerPort, testScheduled: true });
    browser = await chromium.launchServer({ executablePath: choice.executablePath, args: choice.args, env: choice.env, headless: true });
    const probe = await chromium.connect(browser.wsEndpoint());
    console.log(`e2e browser: Chromium ${probe.version()}, ${choice.label}`);
    await probe.close();
  } catch (error) {
    await teardown();
    throw error;
  }

  project.provide('e2e', {
    siteUrl,
    supabaseUrl: stack.url,
    wsEndpoint: browser.wsEndpoint(),
    fakes: provided.fakes!,
    serviceRoleKey: stack.serviceRoleKey,
    upaymentsUrl: provided.upaymentsUrl!,
    makeUrl: make!.url,
  });
  return teardown;
}
