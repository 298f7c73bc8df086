/**
 * The real Worker (API + built site) under `wrangler dev` on a loopback port, with the given
 * variables (the local stack's URL and keys, fakes' URLs, rate-limit overrides): what the
 * end-to-end tests and the bench run against. Ready once GET /api/health answers 200. Stopping
 * ends wrangler's whole process group (npx, node, workerd).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../supabase/local/postgres';

export interface WranglerDev {
  url: string;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  vars: Record<string, string>;
  /** A port chosen beforehand (when others need the URL before the Worker starts); else a free one. */
  port?: number;
  /** `--test-scheduled`: GET /__scheduled fires the Cron Trigger's jobs. */
  testScheduled?: boolean;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 120_000;
const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function stopGroup(child: ChildProcess): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // the group is already gone
    }
  };
  const exited = running(child) ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve();
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  // The leader may exit before its children (workerd); make sure none outlive it.
  signal('SIGKILL');
}

export async function startWranglerDev({ vars, port, testScheduled = false }: WranglerDevOptions): Promise<WranglerDev> {
  const [workerPort, inspectorPort] = [port ?? (await freePort()), await freePort()];
  const url = `http://${HOST}:${workerPort}`;
  const persistDir = await mkdtemp(join(tmpdir(), 'kwq8-wrangler-'));
  const args = ['wrangler', 'dev', '--ip', HOST, '--port', String(workerPort), '--inspector-port', String(inspectorPort)];
  args.push('--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', 'warn');
  if (testScheduled) args.push('--test-scheduled');
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  const child = spawn('npx', args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  // Kept only to explain a failed start; wrangler prints the bindings, so their values are masked.
  let log = '';
  const keep = (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const output = () => Object.values(vars).reduce((text, value) => (value.length > 8 ? text.split(value).join('[var]') : text), log);

  const stop = async () => {
    await stopGroup(child);
    await rm(persistDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!running(child)) throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
      const status = await fetch(`${url}/api/health`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline)
        throw new Error(`wrangler dev did not answer /api/health within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
