/**
 * Vitest global setup for the Worker tests: starts the local Supabase-compatible stack (real
 * Postgres 17 + RPC and Auth endpoint) on free ports, so Worker routes run against real SQL.
 * A small control endpoint lets tests inside workerd stop and restart Postgres (outage tests) and
 * move a payment's clock back (billing re-checks and expiry), count the bytes of a Storage object
 * on disk, and run arranging SQL as the superuser (`POST /sql {sql, params}`, e.g. to age a hold or
 * end an outbox backoff: workerd cannot reach Postgres itself).
 * The default export signs user tokens with HS256; `setupStack(project, 'ES256')` makes the stack
 * sign them with an ES256 key published in its JWKS, as Supabase projects with asymmetric keys do,
 * and puts a proxy in front of it whose JWKS the control endpoint can make hang (JWKS tests).
 * It also starts the local fakes of UPayments, Stripe, the AI providers, Make, Google, Namecheap and DNS-over-HTTPS (tests/fakes) and provides their URLs and keys.
 */
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { JwtAlg } from '../../supabase/local/jwt';
import type { PgConnectionInfo } from '../../supabase/local/postgres';
import { freePort } from '../../supabase/local/postgres';
import { startLocalStack } from '../../supabase/local/stack';
import { objectFolder } from '../../supabase/local/storage';
import { startFakeAi } from '../fakes/ai';
import { startFakeGoogle } from '../fakes/google';
import { startFakeMake } from '../fakes/make';
import { startFakeDoh } from '../fakes/doh';
import { startFakeNamecheap } from '../fakes/namecheap';
import { startFakeStripe } from '../fakes/stripe';
import { startFakeUpayments } from '../fakes/upayments';
import { startJwksProxy } from './jwks-proxy';
import { closePool, openPool } from './pg-pool';

async function agePayment(info: PgConnectionInfo, paymentId: string, seconds: number): Promise<void> {
  const client = new pg.Client(info);
  await client.connect();
  try {
    await client.query(
      `update public.payments set created_at = created_at - make_interval(secs => $2), expires_at = expires_at - make_interval(secs => $2),
         next_check_at = next_check_at - make_interval(secs => $2) where id = $1`,
      [paymentId, seconds],
    );
  } finally {
    await client.end();
  }
}

export async function setupStack(project: TestProject, jwtAlg: JwtAlg) {
  const apiPort = await freePort();
  const proxy = jwtAlg === 'ES256' ? await startJwksProxy(apiPort) : undefined;
  const stack = await startLocalStack({ apiPort, pgPort: 0, seed: false, jwtAlg, publicUrl: proxy?.url });

  // POST actions; one that returns a value answers it as JSON.
  const actions: Record<string, () => Promise<unknown>> = {
    '/postgres/stop': () => stack.stopPostgres(),
    '/postgres/start': () => stack.startPostgres(),
    ...(proxy && {
      '/jwks/hang': async () => proxy.hang(),
      '/jwks/release': async () => proxy.release(),
      '/jwks/fetches': async () => proxy.fetches(),
    }),
  };
  const admin = openPool({ ...stack.pg, max: 2 });
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
    // `/payments/<id>/age/<seconds>`: that payment's clock moves back, as if the time had passed
    // (its re-check comes due, its checkout expires); the database's clock cannot be moved over HTTP.
    const aged = /^\/payments\/([0-9a-f-]{36})\/age\/(\d{1,7})$/.exec(req.url ?? '');
    const action =
      req.method !== 'POST' ? undefined : aged ? () => agePayment(stack.pg, aged[1]!, Number(aged[2])) : actions[req.url ?? ''];
    if (!action) return void res.writeHead(404).end();
    action().then(
      (result) =>
        result === undefined
          ? res.writeHead(204).end()
          : res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result)),
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
  const ai = await startFakeAi({ port: 0 });
  project.provide('fakes', {
    upayments: { url: upayments.url, apiBase: upayments.apiBase, apiKey: upayments.apiKey },
    stripe: { url: stripe.url, apiBase: stripe.apiBase, secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
    ai: { url: ai.url, textBaseUrl: ai.textBaseUrl, imageBaseUrl: ai.imageBaseUrl, apiKey: ai.apiKey },
  });
  return async () => {
    await Promise.all([upayments.close(), stripe.close(), ai.close()]);
    await new Promise((resolve) => control.close(resolve));
    proxy?.release();
    await proxy?.close();
    await closePool(admin);
    await stack.stop();
  };
}

/** The Make, Google, Namecheap and DNS-over-HTTPS fakes (tests/fakes/), for the provider adapter and domain tests. */
async function setupProviderFakes(project: TestProject) {
  const [make, google, namecheap, doh] = await Promise.all([
    startFakeMake(),
    startFakeGoogle(),
    startFakeNamecheap(),
    startFakeDoh({ port: 0 }),
  ]);
  project.provide('makeFake', { url: make.url, secret: make.secret });
  project.provide('googleFake', {
    url: google.url,
    tokenUrl: google.tokenUrl,
    apiBase: google.apiBase,
    serviceAccountJson: google.serviceAccountJson,
  });
  const { url, apiUrl, relayUrl, apiUser, apiKey, username, clientIp } = namecheap;
  project.provide('namecheapFake', { url, apiUrl, relayUrl, apiUser, apiKey, username, clientIp });
  project.provide('dohFake', { url: doh.url, dohUrl: doh.dohUrl });
  return () => Promise.all([make.close(), google.close(), namecheap.close(), doh.close()]).then(() => undefined);
}

export default async (project: TestProject) => {
  const stopProviderFakes = await setupProviderFakes(project);
  const stopStack = await setupStack(project, 'HS256');
  return async () => {
    await stopStack();
    await stopProviderFakes();
  };
};
