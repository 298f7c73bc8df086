/**
 * Vitest global setup for the Worker tests: starts the local Supabase-compatible stack (real
 * Postgres 17 + RPC and Auth endpoint) on free ports, so Worker routes run against real SQL.
 * A small control endpoint lets tests inside workerd stop and restart Postgres (outage tests).
 * The default export signs user tokens with HS256; `setupStack(project, 'ES256')` makes the stack
 * sign them with an ES256 key published in its JWKS, as Supabase projects with asymmetric keys do,
 * and puts a proxy in front of it whose JWKS the control endpoint can make hang (JWKS tests).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import type { JwtAlg } from '../../supabase/local/jwt';
import { freePort } from '../../supabase/local/postgres';
import { startLocalStack } from '../../supabase/local/stack';
import { startJwksProxy } from './jwks-proxy';

export interface StackInfo {
  jwtAlg: JwtAlg;
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  controlUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
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
  const control = createServer((req, res) => {
    const action = req.method === 'POST' ? actions[req.url ?? ''] : undefined;
    if (!action) return void res.writeHead(404).end();
    action().then(
      (result) => (result === undefined ? res.writeHead(204).end() : res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result))),
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
  return async () => {
    await new Promise((resolve) => control.close(resolve));
    proxy?.release();
    await proxy?.close();
    await stack.stop();
  };
}

export default (project: TestProject) => setupStack(project, 'HS256');
