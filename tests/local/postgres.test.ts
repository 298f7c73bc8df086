/** Starting Postgres as root in a folder the `postgres` system user cannot enter says what to do, instead of initdb's raw EACCES. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../../supabase/local/postgres';

const isRoot = process.getuid?.() === 0;

describe('startPostgres in a closed folder', () => {
  it(
    isRoot
      ? 'refuses with the folder and the chmod that fixes it, creating nothing'
      : 'starts as a normal user (the check applies to root only)',
    async () => {
      const closed = await mkdtemp(join(tmpdir(), 'kwq8-closed-')); // mkdtemp makes it 0700
      try {
        const started = startPostgres({ dataDir: join(closed, 'project', '.local', 'db') });
        if (isRoot) {
          await expect(started).rejects.toThrow(`chmod o+x ${closed}`);
          expect(await readdir(join(closed, 'project', '.local'))).toEqual([]);
        } else {
          await (await started).stop();
        }
      } finally {
        await rm(closed, { recursive: true, force: true });
      }
    },
  );
});
