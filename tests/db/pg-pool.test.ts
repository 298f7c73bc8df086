/**
 * tests/support/pg-pool.ts: closing a pool waits for the server to let go of every connection, so
 * a forced drop or a server stop right after it terminates none of them (SQLSTATE 57P01 on a
 * connection nobody listens to any more was an unhandled error after the file had passed).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { closePool, openPool } from '../support/pg-pool';

const template = inject('pg');

async function backendsOf(database: string): Promise<number> {
  const root = new pg.Client({ ...template, database: 'postgres' });
  await root.connect();
  try {
    const { rows } = await root.query('select count(*)::int as n from pg_stat_activity where datname = $1', [database]);
    return rows[0].n;
  } finally {
    await root.end();
  }
}

describe('closePool', () => {
  it('resolves only once the server has no backend left for the pool', async () => {
    const database = `t_${randomUUID().replaceAll('-', '')}`;
    const root = new pg.Client({ ...template, database: 'postgres' });
    await root.connect();
    await root.query(`create database ${database} template ${template.database}`);
    const pool = openPool({ ...template, database, max: 6 });
    const sockets: { destroyed: boolean }[] = [];
    pool.on('connect', (client) =>
      sockets.push((client as unknown as { connection: { stream: { destroyed: boolean } } }).connection.stream),
    );
    // Six connections at once, each busy for a moment, then all idle in the pool.
    await Promise.all(Array.from({ length: 6 }, () => pool.query('select pg_sleep(0.05)')));
    expect(await backendsOf(database)).toBe(6);

    await closePool(pool);
    // pool.end() alone resolves while these are still open (it only sends the goodbye).
    expect(sockets.map((socket) => socket.destroyed)).toEqual(Array(6).fill(true));
    expect(await backendsOf(database)).toBe(0);
    await root.query(`drop database ${database} with (force)`);
    await root.end();
  });

  it('refuses a pool it cannot wait for', async () => {
    const pool = new pg.Pool({ ...template });
    await expect(closePool(pool)).rejects.toThrow(/openPool/);
    await pool.end();
  });
});
