/**
 * Vitest global setup for the Worker tests: starts the local Supabase-compatible stack (real
 * Postgres 17 + RPC and Auth endpoint) on free ports, so Worker routes run against real SQL.
 * A small control endpoint lets tests inside workerd stop and restart Postgres (outage tests) and
 * run arranging SQL as the superuser (`POST /sql {sql, params}`, e.g. to age a hold or end an
 * outbox backoff: workerd cannot reach Postgres itself).
 * The default export signs user tokens with HS256; `setupStack(project, 'ES256')` makes the stack
 * sign them with an ES256 key published in its JWKS, as Supabase projects with asymmetric keys do.
 * It also starts the local fakes of UPayments, Stripe, Make, Google and Namecheap (tests/fakes) and provides their URLs and keys.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { JwtAlg } from '../../supabase/local/jwt';
import { startLocalStack } from '../../supabase/local/stack';
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
  const admin = new pg.Pool({ ...stack.pg, max: 2 });
  // Idle connections die when an outage test stops Postgres; the pool reconnects on the next query.
  admin.on('error', () => {});
  const control = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/sql') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { sql, params = [] } = JSON.parse(body) as { sql: string; params?: unknown[] };
        admin.query(sql, params).then(
          (result) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result.rows)),
          (error: unknown) => res.writeHead(500).end(String(error)),
        );
      });
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
    await admin.end();
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
