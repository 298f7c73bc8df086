/** The dev server's site watcher keeps seeing a file that an editor saves by renaming a new file over it. */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchTree } from '../../scripts/watch-tree';

let stop = () => {};
let dir = '';
afterEach(async () => {
  stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function nextChange(): Promise<string[]> {
  return new Promise((resolve) => {
    const previous = stop;
    stop = watchTree(dir, (paths) => resolve(paths), { intervalMs: 50 });
    previous();
  });
}

describe('watchTree', () => {
  it('reports every save of a file replaced by rename, not only the first', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kwq8-watch-'));
    await mkdir(join(dir, 'pages'));
    const page = join(dir, 'pages', 'index.astro');
    await writeFile(page, 'one');
    for (const content of ['two', 'three!', 'four!!']) {
      const change = nextChange();
      await writeFile(`${page}.tmp`, content);
      await rename(`${page}.tmp`, page);
      expect(await change).toContain(page);
    }
  });

  it('reports new and removed files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kwq8-watch-'));
    const file = join(dir, 'new.ts');
    let change = nextChange();
    await writeFile(file, 'x');
    expect(await change).toEqual([file]);
    change = nextChange();
    await rm(file);
    expect(await change).toEqual([file]);
  });
});
