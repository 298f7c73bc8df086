/**
 * The local stack in one call: Postgres 17 (platform layer, local Auth schema, Storage schema,
 * migrations, seed) and the Supabase-compatible endpoint (PostgREST RPC, the Auth subset, the
 * Storage subset with its files on disk, the mailbox, a local Google consent page) in front of it.
 * Used by `npm run dev`, `npm run db:reset` and the tests (free ports, throw-away data).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LocalGoogle } from './google';
import { generateEs256Key, type JwtAlg } from './jwt';
import { Mailbox, type MailMessage } from './mailbox';
import { prepareLocalDatabase, startPostgres, SUPABASE_DIR, type PgConnectionInfo } from './postgres';
import { LOCAL_ANON_KEY, LOCAL_JWT_SECRET, LOCAL_SERVICE_ROLE_KEY } from './keys';
import { createApiServer, listen, type StackContext } from './server';

export { LOCAL_ANON_KEY, LOCAL_JWT_SECRET, LOCAL_SERVICE_ROLE_KEY };

export const DEFAULT_API_PORT = 54321;
export const DEFAULT_PG_PORT = 54322;
export const DEFAULT_SITE_URL = 'http://127.0.0.1:8787';
/** Where `npm run dev` keeps the database between runs (git-ignored); `npm run db:reset` empties it. */
export const DEFAULT_DATA_DIR = join(SUPABASE_DIR, '..', '.local', 'db');
/** Where Storage objects' bytes live beside a data folder (`npm run db:reset` empties it with the database). */
export const storageDirFor = (dataDir: string) => join(dataDir, '..', 'storage');
/** Set in platform.sql; the role PostgREST logs in as before switching to the JWT's role. */
const AUTHENTICATOR = { user: 'authenticator', password: 'authenticator-local-only' };

export interface LocalStackOptions {
  /** Default 54321; 0 = a free port. */
  apiPort?: number;
  /** Default 54322; 0 = a free port. */
  pgPort?: number;
  /** Data folder kept between runs (Storage's files go beside it); omitted = temporary ones, removed on stop. */
  dataDir?: string;
  /** Load supabase/seed.sql into a new database (default true, as `supabase start` does). */
  seed?: boolean;
  /** Algorithm of user access tokens (default HS256 with the local secret). */
  jwtAlg?: JwtAlg;
  /** Where sign-in links may redirect (default http://127.0.0.1:8787). */
  siteUrl?: string;
  /**
   * The URL clients reach the API through when a proxy stands in front of it (tests put one there
   * to make the JWKS hang); it becomes the token issuer and the base of sign-in links.
   */
  publicUrl?: string;
  /**
   * Origins, besides the site's and the stack's own, whose pages may call the stack from a
   * browser (e.g. a front-end dev server); every other Origin is refused.
   */
  allowedOrigins?: string[];
  onLog?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  /** Superuser connection to the stack's database. */
  pg: PgConnectionInfo;
  /** Folder holding the bytes of Storage objects. */
  storageDir: string;
  /** Mailbox contents, newest first (also at `${url}/mailbox/messages?email=`). */
  messages(email?: string): MailMessage[];
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} on 127.0.0.1 is already in use`);
  }
}

export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const apiPort = options.apiPort ?? DEFAULT_API_PORT;
  const pgPort = options.pgPort ?? DEFAULT_PG_PORT;
  const log = options.onLog ?? (() => {});
  for (const port of [apiPort, pgPort]) if (port !== 0) await assertPortFree(port);

  const postgres = await startPostgres({ dataDir: options.dataDir, port: pgPort });
  const storageRoot = options.dataDir ? storageDirFor(options.dataDir) : await mkdtemp(join(tmpdir(), 'kwq8-storage-'));
  const removeStorage = () => (options.dataDir ? Promise.resolve() : rm(storageRoot, { recursive: true, force: true }));
  let pools: pg.Pool[] = [];
  try {
    await mkdir(storageRoot, { recursive: true });
    const { created, applied } = await prepareLocalDatabase(postgres.info, { seed: options.seed ?? true });
    log(
      `Postgres 17 on 127.0.0.1:${postgres.info.port} (${created ? 'new database' : 'existing data'}, ${applied.length} migration(s) applied)`,
    );

    const restPool = new pg.Pool({ ...postgres.info, ...AUTHENTICATOR, max: 20 });
    const adminPool = new pg.Pool({ ...postgres.info, max: 10 });
    pools = [restPool, adminPool];
    // Connections die when Postgres stops; the pools replace them once it is back. A client that is
    // checked out when its connection is terminated emits 'error' itself (its query, if any, is
    // rejected too): without a listener that event would end the whole process.
    for (const pool of pools) {
      pool.on('error', () => {});
      pool.on('connect', (client) => client.on('error', () => {}));
    }

    const ctx: StackContext = {
      url: '',
      siteUrl: options.siteUrl ?? DEFAULT_SITE_URL,
      allowedOrigins: options.allowedOrigins ?? [],
      keys: { secret: LOCAL_JWT_SECRET, es256: options.jwtAlg === 'ES256' ? generateEs256Key() : undefined },
      userTokenAlg: options.jwtAlg ?? 'HS256',
      restPool,
      adminPool,
      mailbox: new Mailbox(),
      google: new LocalGoogle(),
      storageRoot,
      log,
    };
    const server = createApiServer(ctx);
    const listening = `http://127.0.0.1:${await listen(server, apiPort)}`;
    ctx.url = options.publicUrl ?? listening;
    log(`API on ${listening}`);

    return {
      url: ctx.url,
      anonKey: LOCAL_ANON_KEY,
      serviceRoleKey: LOCAL_SERVICE_ROLE_KEY,
      jwtSecret: LOCAL_JWT_SECRET,
      pg: postgres.info,
      storageDir: storageRoot,
      messages: (email) => ctx.mailbox.list(email),
      stopPostgres: () => postgres.stopServer(),
      startPostgres: () => postgres.startServer(),
      async stop() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await Promise.all(pools.map((pool) => pool.end()));
        await postgres.stop();
        await removeStorage();
      },
    };
  } catch (error) {
    await Promise.all(pools.map((pool) => pool.end()));
    await postgres.stop();
    await removeStorage();
    throw error;
  }
}
