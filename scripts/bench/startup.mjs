// Worker startup, measured the way `wrangler check startup` does it: the bundle is loaded in
// workerd (Miniflare) behind a probe Worker whose request dynamically imports it, with the V8
// CPU profiler sampling every 50 µs over that request. Startup CPU = time of the non-idle
// samples; also reported: the first import request's extra wall time over a later one.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import WebSocket from 'ws';

const PROBE = `
export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/import') await import('./index.js');
    return new Response('ok');
  },
};`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Inspector session with request/response matching by id. */
async function inspector(url) {
  const ws = new WebSocket(url);
  await new Promise((accept, reject) => ws.once('open', accept).once('error', reject));
  let nextId = 0;
  const waiting = new Map();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    waiting.get(message.id)?.(message);
  });
  return {
    send(method, params = {}) {
      const id = ++nextId;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((accept) => waiting.set(id, accept));
    },
    close: () => ws.close(),
  };
}

/** Milliseconds of non-idle samples in a V8 CPU profile (a sample lasts until the next one). */
function busyMs(profile) {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  let micros = 0;
  for (let i = 0; i + 1 < profile.samples.length; i += 1) {
    if (!idle.has(profile.samples[i])) micros += profile.timeDeltas[i + 1];
  }
  return micros / 1000;
}

async function timed(mf, path) {
  const start = performance.now();
  const response = await mf.dispatchFetch(`http://startup${path}`);
  await response.text();
  if (!response.ok) throw new Error(`startup probe answered ${response.status}`);
  return performance.now() - start;
}

async function measureOnce(bundleFile, compatibilityDate) {
  const root = dirname(resolve(bundleFile));
  const mf = new Miniflare({
    name: 'startup',
    compatibilityDate,
    modulesRoot: root,
    modules: [
      { type: 'ESModule', path: join(root, 'startup-probe.js'), contents: PROBE },
      { type: 'ESModule', path: join(root, 'index.js'), contents: readFileSync(bundleFile, 'utf8') },
    ],
    inspectorPort: 0,
  });
  try {
    await mf.ready;
    for (let i = 0; i < 3; i += 1) await timed(mf, '/'); // warm the request path, not the bundle
    const session = await inspector(new URL('/core:user:startup', await mf.getInspectorURL()).href);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 50 });
    await session.send('Profiler.start');
    const firstMs = await timed(mf, '/import');
    const { result } = await session.send('Profiler.stop');
    session.close();
    const laterMs = median([await timed(mf, '/import'), await timed(mf, '/import'), await timed(mf, '/import')]);
    return { cpuMs: busyMs(result.profile), extraWallMs: firstMs - laterMs };
  } finally {
    await mf.dispose();
  }
}

/**
 * Median over `runs` fresh workerd instances per bundle; the bundles take turns, run by run, so
 * a change in the machine's load falls on all of them alike. `bundles` maps a name to its file.
 */
export async function measureStartups(bundles, compatibilityDate, runs) {
  const samples = Object.fromEntries(Object.keys(bundles).map((name) => [name, []]));
  for (let i = 0; i < runs; i += 1) {
    for (const [name, file] of Object.entries(bundles)) samples[name].push(await measureOnce(file, compatibilityDate));
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [
      name,
      {
        runs,
        cpuMs: median(list.map((s) => s.cpuMs)),
        cpuMsRange: [Math.min(...list.map((s) => s.cpuMs)), Math.max(...list.map((s) => s.cpuMs))],
        extraWallMs: median(list.map((s) => s.extraWallMs)),
      },
    ]),
  );
}
