/**
 * Lighthouse 12 (its Node API, default mobile config: Moto G Power emulation, simulated slow 4G
 * and 4× CPU) against loopback URLs, with Chromium started here with --remote-debugging-port (the
 * browser tests/e2e/browser.ts picks: CHROMIUM_PATH, a system Chromium, else @sparticuz/chromium).
 * Returns the performance and accessibility scores and the bytes the page loaded, by type.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { freePort } from '../../supabase/local/postgres';
import { chooseBrowser } from '../../tests/e2e/browser';

export interface LighthouseResult {
  url: string;
  performance: number;
  accessibility: number;
  /** Transferred bytes as Lighthouse's network records saw them. */
  bytes: { document: number; css: number; font: number; script: number; total: number };
  seconds: number;
}

export interface Lighthouse {
  browser: string;
  audit(url: string): Promise<LighthouseResult>;
  close(): Promise<void>;
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function waitForDevtools(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!running(child)) throw new Error(`Chromium exited (${child.exitCode ?? child.signalCode}): ${output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/json/version`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Chromium did not open its DevTools port within 30 s: ${output()}`);
}

export async function startLighthouse(): Promise<Lighthouse> {
  const choice = await chooseBrowser();
  const port = await freePort();
  const profile = await mkdtemp(join(tmpdir(), 'kwq8-bench-chromium-'));
  const chromium = spawn(
    choice.executablePath,
    [...choice.args, '--headless=new', `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, 'about:blank'],
    { env: choice.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  chromium.stderr!.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-2000)));
  const close = async () => {
    if (running(chromium)) {
      const exited = new Promise((resolve) => chromium.once('exit', resolve));
      chromium.kill('SIGTERM');
      const timer = setTimeout(() => chromium.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(profile, { recursive: true, force: true });
  };
  try {
    await waitForDevtools(port, chromium, () => log);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    browser: choice.label,
    async audit(url) {
      const started = performance.now();
      const result = await lighthouse(url, { port, logLevel: 'error', output: 'json', onlyCategories: ['performance', 'accessibility'] });
      const lhr = result?.lhr;
      if (!lhr) throw new Error(`Lighthouse returned nothing for ${url}`);
      if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const score = (id: string) => {
        const value = lhr.categories[id]?.score;
        if (typeof value !== 'number') throw new Error(`Lighthouse gave no ${id} score for ${url}`);
        return Math.round(value * 100);
      };
      const items = ((lhr.audits['network-requests']?.details as { items?: unknown[] } | undefined)?.items ?? []) as Array<{
        resourceType?: string;
        transferSize?: number;
      }>;
      const sum = (type?: string) =>
        items
          .filter((item) => type === undefined || item.resourceType === type)
          .reduce((total, item) => total + (item.transferSize ?? 0), 0);
      return {
        url,
        performance: score('performance'),
        accessibility: score('accessibility'),
        bytes: { document: sum('Document'), css: sum('Stylesheet'), font: sum('Font'), script: sum('Script'), total: sum() },
        seconds: (performance.now() - started) / 1000,
      };
    },
    close,
  };
}
