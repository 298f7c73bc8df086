/**
 * Postgres pools for tests that close for real. `pool.end()` resolves as soon as the pool has let
 * go of its clients, before their sockets have closed; a `drop database … with (force)` or a
 * server stop right after it then terminates backends (SQLSTATE 57P01) whose clients still listen
 * for errors only through the pool, which rethrows them as an unhandled 'error' event after the
 * test file has ended. `closePool` waits for every connection's `end`, and from the moment a test
 * asks to close, an error from a connection that is going away is expected and not rethrown.
 */
import pg from 'pg';

const tracked = new WeakMap<pg.Pool, Set<pg.Client>>();

/** A pool whose connections `closePool` can wait for. */
export function openPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  const clients = new Set<pg.Client>();
  tracked.set(pool, clients);
  pool.on('connect', (client) => {
    clients.add(client);
    client.once('end', () => clients.delete(client));
  });
  return pool;
}

/** Ends the pool and resolves once every one of its connections has closed. */
export async function closePool(pool: pg.Pool | undefined): Promise<void> {
  if (!pool || pool.ended || pool.ending) return;
  const clients = tracked.get(pool);
  if (!clients) throw new Error('closePool: open the pool with openPool() so its connections can be awaited');
  // From here on a connection's error is the server answering our own goodbye (or a forced drop).
  pool.on('error', () => {});
  for (const client of clients) client.on('error', () => {});
  const closed = [...clients].map((client) => new Promise<void>((resolve) => client.once('end', () => resolve())));
  await pool.end();
  await Promise.all(closed);
}
