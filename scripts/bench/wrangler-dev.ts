/**
 * The real Worker (API + built site) under `wrangler dev` on a free loopback port, with the given
 * variables (the local stack's URL and keys, the bench's rate-limit override), as the end-to-end
 * tests start it (tests/e2e/global-setup.ts). Stopping ends wrangler's whole process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../supabase/local/postgres';

export interface WranglerDev {
  url: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 120_000;
const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export async function startWranglerDev(vars: Record<string, string>): Promise<WranglerDev> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const url = `http://${HOST}:${port}`;
  const persistDir = await mkdtemp(join(tmpdir(), 'kwq8-bench-wrangler-'));
  const args = ['wrangler', 'dev', '--ip', HOST, '--port', String(port), '--inspector-port', String(inspectorPort)];
  args.push('--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', 'warn');
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  const child = spawn('npx', args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  // Kept only to explain a failed start, with the variables' values masked.
  let log = '';
  const keep = (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const output = () => Object.values(vars).reduce((text, value) => (value.length > 8 ? text.split(value).join('[var]') : text), log);

  const stop = async () => {
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
    signal('SIGKILL'); // workerd may outlive its parent
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
