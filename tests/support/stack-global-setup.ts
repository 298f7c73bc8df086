/**
 * Vitest global setup for the Worker tests: starts the local Supabase-compatible stack (real
 * Postgres 17 + RPC and Auth endpoint) on free ports, so Worker routes run against real SQL.
 * A small control endpoint lets tests inside workerd stop and restart Postgres (outage tests) and
 * count the bytes of a Storage object on disk.
 * The default export signs user tokens with HS256; `setupStack(project, 'ES256')` makes the stack
 * sign them with an ES256 key published in its JWKS, as Supabase projects with asymmetric keys do.
 * It also starts the local fakes of UPayments, Stripe, Make, Google and Namecheap (tests/fakes) and provides their URLs and keys.
 */
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import type { JwtAlg } from '../../supabase/local/jwt';
import { startLocalStack } from '../../supabase/local/stack';
import { objectFolder } from '../../supabase/local/storage';
import { startFakeGoogle } from '../fakes/google';
import { startFakeMake } from '../fakes/make';
import { startFakeNamecheap } from '../fakes/namecheap';
import { startFakeStripe } from '../fakes/stripe';
import { startFakeUpayments } from '../fakes/upayments';

export async function setupStack(project: TestProject, jwtAlg: JwtAlg) {
  const stack = await startLocalStack({ apiPort: 0, pgPort: 0, seed: false, jwtAlg });

  const actions: Record<string, () => Promise<void>> = {
    '/postgres/stop': () => stack.stopPostgres(),
    '/postgres/start': () => stack.startPostgres(),
  };
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    if (req.method === 'GET' && url.pathname === '/storage/versions') {
      // How many versions of an object's bytes are on disk: what Storage's API cannot show.
      const folder = objectFolder(stack.storageDir, url.searchParams.get('bucket') ?? '', url.searchParams.get('name') ?? '');
      void readdir(folder).then(
        (files) => res.writeHead(200).end(String(files.length)),
        () => res.writeHead(200).end('0'),
      );
      return;
    }
    const action = req.method === 'POST' ? actions[req.url ?? ''] : undefined;
    if (!action) return void res.writeHead(404).end();
    action().then(
      () => res.writeHead(204).end(),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const { port } = control.address() as AddressInfo;

  project.provide('stack', {
    jwtAlg,
    url: stack.url,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtSecret: stack.jwtSecret,
    controlUrl: `http://127.0.0.1:${port}`,
  });

  const upayments = await startFakeUpayments({ port: 0 });
  const stripe = await startFakeStripe({ port: 0 });
  project.provide('fakes', {
    upayments: { url: upayments.url, apiBase: upayments.apiBase, apiKey: upayments.apiKey },
    stripe: { url: stripe.url, apiBase: stripe.apiBase, secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
  });
  return async () => {
    await Promise.all([upayments.close(), stripe.close()]);
    await new Promise((resolve) => control.close(resolve));
    await stack.stop();
  };
}

/** The Make, Google and Namecheap fakes (tests/fakes/), for the provider adapter tests. */
async function setupProviderFakes(project: TestProject) {
  const [make, google, namecheap] = await Promise.all([startFakeMake(), startFakeGoogle(), startFakeNamecheap()]);
  project.provide('makeFake', { url: make.url, secret: make.secret });
  project.provide('googleFake', {
    url: google.url,
    tokenUrl: google.tokenUrl,
    apiBase: google.apiBase,
    serviceAccountJson: google.serviceAccountJson,
  });
  const { url, apiUrl, relayUrl, apiUser, apiKey, username, clientIp } = namecheap;
  project.provide('namecheapFake', { url, apiUrl, relayUrl, apiUser, apiKey, username, clientIp });
  return () => Promise.all([make.close(), google.close(), namecheap.close()]).then(() => undefined);
}

export default async (project: TestProject) => {
  const stopProviderFakes = await setupProviderFakes(project);
  const stopStack = await setupStack(project, 'HS256');
  return async () => {
    await stopStack();
    await stopProviderFakes();
  };
};
