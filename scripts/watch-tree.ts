// Watches a folder tree for changes by polling file sizes and modification times. Node 20's
// recursive fs.watch stops reporting a file that an editor saves by writing a new file and
// renaming it over the old one; polling a few hundred files twice a second never loses one.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

function snapshot(dir: string, into = new Map<string, string>()): Map<string, string> {
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return into; // removed while scanning
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) snapshot(path, into);
    else {
      try {
        // The inode too: a file renamed over another within one timestamp tick keeps its size and time.
        const { mtimeMs, size, ino } = statSync(path);
        into.set(path, `${mtimeMs}:${size}:${ino}`);
      } catch {
        // removed while scanning
      }
    }
  }
  return into;
}

/** Calls onChange(paths) with the added, changed and removed files; returns a function that stops watching. */
export function watchTree(dir: string, onChange: (paths: string[]) => void, { intervalMs = 500 } = {}): () => void {
  let before = snapshot(dir);
  const timer = setInterval(() => {
    const after = snapshot(dir);
    const changed = [...after].filter(([path, stamp]) => before.get(path) !== stamp).map(([path]) => path);
    const removed = [...before.keys()].filter((path) => !after.has(path));
    before = after;
    if (changed.length || removed.length) onChange([...changed, ...removed]);
  }, intervalMs);
  return () => clearInterval(timer);
}
