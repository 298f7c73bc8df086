/**
 * Which Chromium the end-to-end tests drive: `CHROMIUM_PATH` if set, else a system Chromium found
 * on PATH, else the one the npm package @sparticuz/chromium ships (unpacked once per version under
 * node_modules/.cache), so `npm test` needs nothing but Node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sparticuz from '@sparticuz/chromium';

export interface BrowserChoice {
  /** Says in the test output which browser ran. */
  label: string;
  executablePath: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Without the background-networking switches Chromium keeps calling Google services, which a
// closed network answers slowly or not at all.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SYSTEM_NAMES = ['chromium', 'chromium-browser'];
// Of @sparticuz/chromium's Lambda flags, these would make the tests lie or break: the first two
// switch off CORS and mixed-content blocking that a visitor's browser enforces; one process cannot
// open a second browser context; Playwright passes its own --headless, and Chromium reads only the
// last --enable-features / --disable-features, so the package's lists would replace Playwright's.
const NPM_FLAGS_LEFT_OUT = new Set([
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--single-process',
  '--headless',
  '--enable-features',
  '--disable-features',
]);

export async function chooseBrowser(): Promise<BrowserChoice> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured}: no such file`);
    return { label: `CHROMIUM_PATH (${configured})`, executablePath: configured, args: CHROMIUM_ARGS, env: process.env };
  }
  const system = systemChromium();
  if (system) return { label: `system Chromium (${system})`, executablePath: system, args: CHROMIUM_ARGS, env: process.env };
  return npmChromium();
}

function systemChromium(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The Chromium inside the @sparticuz/chromium package, whatever the machine has installed. */
export async function npmChromium(): Promise<BrowserChoice> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `@sparticuz/chromium ships Chromium for Linux x64 only (this is ${process.platform} ${process.arch}): set CHROMIUM_PATH`,
    );
  }
  const packageDir = dirname(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const dir = join(ROOT, 'node_modules', '.cache', `kwq8-sparticuz-chromium-${version}`);
  if (!existsSync(join(dir, 'chromium'))) await unpack(join(packageDir, 'bin'), dir);

  const env: NodeJS.ProcessEnv = { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf') };
  // The package's NSS, NSPR and expat (built for Amazon Linux 2023, glibc 2.34) are the only shared
  // libraries the binary needs besides glibc; using them spares a machine the libnss3 package.
  const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
  if (glibc && versionAtLeast(glibc, [2, 34])) {
    env.LD_LIBRARY_PATH = [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  const args = [...Sparticuz.args.filter((arg) => !NPM_FLAGS_LEFT_OUT.has(arg.split('=')[0]!)), ...CHROMIUM_ARGS];
  return { label: `@sparticuz/chromium ${version} from npm (${dir})`, executablePath: join(dir, 'chromium'), args, env };
}

const versionAtLeast = (version: string, [major, minor]: [number, number]) => {
  const [have = 0, haveMinor = 0] = version.split('.').map(Number);
  return have > major || (have === major && haveMinor >= minor);
};

/**
 * Unpacks the package's brotli archives (the binary, its fonts, SwiftShader, the shared libraries)
 * into `dir`. The package unpacks into os.tmpdir(), so a child process does it with TMPDIR set to
 * a staging folder, renamed into place at the end: concurrent runs never see half a binary.
 */
async function unpack(binDir: string, dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const staging = await mkdtemp(`${dir}.unpacking-`);
  try {
    const script = [
      "import Sparticuz, { inflate } from '@sparticuz/chromium';",
      'await Sparticuz.executablePath();',
      `await inflate(${JSON.stringify(join(binDir, 'al2023.tar.br'))});`,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: staging },
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`unpacking @sparticuz/chromium failed:\n${child.stderr}`);
    await writeFile(join(staging, 'fonts.conf'), fontsConf(dir));
    await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
      // Another run unpacked the same version first; its copy is as good as ours.
      if (!existsSync(join(dir, 'chromium'))) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The package's own fonts (Latin only) plus the machine's, if it has any. */
function fontsConf(dir: string): string {
  const xml = (path: string) => path.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${xml(join(dir, 'fonts'))}</dir>
  <cachedir>${xml(join(dir, 'fontconfig-cache'))}</cachedir>
</fontconfig>
`;
}
