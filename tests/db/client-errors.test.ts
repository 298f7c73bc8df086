/** record_client_error: service only, bounded per call (2,000 characters) and per minute (600 reports). */
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/db';
import { expectCode } from './helpers';

const db = useTestDatabase();

describe('record_client_error', () => {
  it('keeps a report with its route, cut to the column limits', async () => {
    const stored = await db.as('service_role', { role: 'service_role' }, async (client) => {
      const { rows } = await client.query(`select public.record_client_error($1, $2, $3) as ok`, [
        'Error: boom',
        '/dashboard/',
        'x'.repeat(5000),
      ]);
      const row = (
        await client.query(`select code, route, source, char_length(detail) as length from public.error_log order by id desc limit 1`)
      ).rows[0];
      return { ok: rows[0].ok, row };
    });
    expect(stored).toEqual({ ok: true, row: { code: 'CLIENT', route: '/dashboard/', source: 'client', length: 2000 } });
  });

  it('refuses an empty message', async () => {
    await expectCode(
      db.as('service_role', { role: 'service_role' }, (client) => client.query(`select public.record_client_error(' ', '/')`)),
      'REQ_004',
    );
  });

  it('drops reports past 600 a minute instead of growing the table', async () => {
    const outcome = await db.as('service_role', { role: 'service_role' }, async (client) => {
      await client.query(
        `insert into public.error_log (code, route, detail, source) select 'CLIENT', '/', 'old', 'client' from generate_series(1, 600)`,
      );
      const { rows } = await client.query(`select public.record_client_error('Error: one more', '/') as ok`);
      const count = (await client.query(`select count(*)::int as n from public.error_log where source = 'client'`)).rows[0].n;
      return { ok: rows[0].ok, count };
    });
    expect(outcome).toEqual({ ok: false, count: 600 });
  });
});
