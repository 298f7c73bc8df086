/**
 * A fixed set of open connections to the local stack's Postgres (superuser), one per concurrent
 * caller of a race, opened before any timing starts so connection set-up is never measured.
 */
import pg from 'pg';
import type { PgConnectionInfo } from '../../supabase/local/postgres';

export interface Clients {
  list: pg.Client[];
  end(): Promise<void>;
}

export async function connectClients(info: PgConnectionInfo, count: number): Promise<Clients> {
  const list: pg.Client[] = [];
  const end = () => Promise.all(list.map((client) => client.end().catch(() => {}))).then(() => {});
  try {
    // A few at a time: each connection start is a SCRAM exchange and a backend process.
    for (let i = 0; i < count; i += 20) {
      const batch = Array.from({ length: Math.min(20, count - i) }, () => new pg.Client(info));
      list.push(...batch);
      await Promise.all(batch.map((client) => client.connect()));
    }
  } catch (error) {
    await end();
    throw error;
  }
  return { list, end };
}
