/**
 * Setup file for the Node test projects: a test file must close what it opened. After its own
 * afterAll hooks (setup-file hooks run outermost), the file fails with a message naming what is
 * still open compared with when it started: sockets, servers, pipes, child processes, and
 * intervals it started (one-shot timers end by themselves, so they are not counted). Without
 * this, a connection that outlives its file surfaces later as an unhandled error that vitest
 * attributes to whichever file happens to be running, and the whole run goes red.
 */
import { createHook } from 'node:async_hooks';
import { afterAll, beforeAll } from 'vitest';

/** Handle types a test opens and must close; vitest's own IPC pipes are in the baseline. */
const WATCHED = new Set(['TCPSocketWrap', 'TCPServerWrap', 'PipeServerWrap', 'UDPWrap', 'ProcessWrap']);
/** How long a closing socket or server may take to be gone after the file's last hook. */
const GRACE_MS = 2000;

interface NodeTimer {
  _repeat: number | null;
  _destroyed: boolean;
  hasRef(): boolean;
}

const intervals = new Set<WeakRef<NodeTimer>>();
createHook({
  init(_id, type, _trigger, resource) {
    if (type === 'Timeout') intervals.add(new WeakRef(resource as NodeTimer));
  },
}).enable();

function runningIntervals(): number {
  let count = 0;
  for (const ref of intervals) {
    const timer = ref.deref();
    if (!timer || timer._destroyed) intervals.delete(ref);
    else if (timer._repeat && timer.hasRef()) count += 1;
  }
  return count;
}

function census(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (WATCHED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const timers = runningIntervals();
  if (timers) counts.set('interval timer (setInterval)', timers);
  return counts;
}

function leftOpen(baseline: Map<string, number>): string[] {
  return [...census()]
    .filter(([type, count]) => count > (baseline.get(type) ?? 0))
    .map(([type, count]) => `${count - (baseline.get(type) ?? 0)} × ${type}`);
}

let baseline = new Map<string, number>();

beforeAll(() => {
  baseline = census();
});

afterAll(async ({}, suite) => {
  const deadline = Date.now() + GRACE_MS;
  let open = leftOpen(baseline);
  while (open.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    open = leftOpen(baseline);
  }
  if (open.length > 0) {
    const file = 'filepath' in suite ? suite.filepath : (suite.file?.filepath ?? 'this test file');
    throw new Error(
      `${file} left open after its last test and hooks: ${open.join(', ')}. Close them in afterAll (tests/support/pg-pool.ts closes pg pools for real).`,
    );
  }
});
