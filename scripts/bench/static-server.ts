/**
 * A loopback static file server for the Lighthouse runs: serves the built site (site/dist) with
 * gzip on text types, as Cloudflare's edge compresses them, plus extra in-memory pages and files
 * (the comparison pages) under paths of their own. Directory paths serve their index.html.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSED = new Set(['.html', '.css', '.js', '.mjs', '.json', '.svg', '.txt']);

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** `extra` maps a URL path (e.g. `/__bench/page/`) to its body; its type comes from the extension (a path ending in `/` is HTML). */
export async function startStaticServer(root: string, extra: Record<string, string | Buffer> = {}): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let body: Buffer | undefined;
    let ext = extname(path.endsWith('/') ? `${path}index.html` : path);
    if (extra[path] !== undefined) {
      body = Buffer.from(extra[path]);
    } else {
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) file = '';
      if (file && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (file && existsSync(file) && statSync(file).isFile()) {
        body = readFileSync(file);
        ext = extname(file);
      }
    }
    if (!body) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const gzip = COMPRESSED.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const payload = gzip ? gzipSync(body, { level: 9 }) : body;
    res.writeHead(200, {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Content-Length': payload.length,
      'Cache-Control': 'no-cache',
      ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
