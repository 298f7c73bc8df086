/**
 * The local stack (supabase/local) for the bench, in a child process of its own on free ports,
 * so the load the bench generates and the stack's PostgREST-like server do not share one event
 * loop (PostgREST is a process of its own in Supabase too). The child prints its connection
 * details as one JSON line, and stops the stack when its stdin closes (also when the bench dies).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { PgConnectionInfo } from '../../supabase/local/postgres';
import { startLocalStack } from '../../supabase/local/stack';

export interface StackInfo {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  /** Superuser connection to the stack's database. */
  pg: PgConnectionInfo;
}

export interface StackProcess {
  info: StackInfo;
  stop(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

export async function startStackProcess(): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<StackInfo>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line) as StackInfo));
    child.once('exit', (code) => reject(new Error(`the local stack process exited (${code}) before it was ready`)));
  });
  return {
    info,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (process.argv[1] === SELF) {
  const stack = await startLocalStack({ apiPort: 0, pgPort: 0, seed: false });
  const info: StackInfo = {
    url: stack.url,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtSecret: stack.jwtSecret,
    pg: stack.pg,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.stdin.on('end', stop).on('close', stop).resume();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
}
