/**
 * Vitest global setup for the database tests: one real Postgres 17 for the run, with a template
 * database holding the platform layer and every migration. Each test file clones the template
 * (tests/support/db.ts), so files never see each other's rows.
 */
import type { TestProject } from 'vitest/node';
import { createSchemaDatabase, startPostgres, type PgConnectionInfo } from '../../supabase/local/postgres';

export const TEMPLATE_DATABASE = 'kwq8_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: PgConnectionInfo;
  }
}

export default async function setup(project: TestProject) {
  const postgres = await startPostgres();
  await createSchemaDatabase(postgres.info, TEMPLATE_DATABASE);
  project.provide('pg', { ...postgres.info, database: TEMPLATE_DATABASE });
  return () => postgres.stop();
}
