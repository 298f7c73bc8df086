// `npm run db:reset`: throws away the local database that `npm run dev` keeps in .local/db (and the
// Storage files beside it) and builds it again from nothing (platform layer, local Auth schema,
// Storage schema, migrations, seed.sql).
import { rm } from 'node:fs/promises';
import { prepareLocalDatabase, startPostgres } from '../supabase/local/postgres.ts';
import { DEFAULT_DATA_DIR, DEFAULT_PG_PORT, storageDirFor } from '../supabase/local/stack.ts';
import { PORTS, requireFreePorts } from './ports.mjs';

await requireFreePorts({ [DEFAULT_PG_PORT]: PORTS.postgres });
await rm(DEFAULT_DATA_DIR, { recursive: true, force: true });
await rm(storageDirFor(DEFAULT_DATA_DIR), { recursive: true, force: true });
const postgres = await startPostgres({ dataDir: DEFAULT_DATA_DIR, port: DEFAULT_PG_PORT });
try {
  const { applied } = await prepareLocalDatabase(postgres.info, { seed: true });
  console.log(`أُعيد إنشاء قاعدة البيانات المحلية · Local database rebuilt (${applied.length} migration(s) + seed)`);
} finally {
  await postgres.stop();
}
