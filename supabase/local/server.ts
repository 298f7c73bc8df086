/**
 * The local stack's HTTP endpoint (node:http, 127.0.0.1 only): routes `/rest/v1`, `/auth/v1`,
 * `/storage/v1`, `/mailbox` and the local Google consent page (`/google/`), answers CORS preflights, and turns anything unexpected into a JSON 500 so a bad
 * request can never take the process down. It is for this machine and the site's pages only: a
 * `Host` other than 127.0.0.1/localhost gets 421 (DNS rebinding), and a request carrying the
 * `Origin` of any other page gets 403 before it reaches a route, so no site open in the
 * developer's browser can read the mailbox's sign-in codes or use the well-known local keys.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { handleAuth } from './auth';
import { handleGoogle, type LocalGoogle } from './google';
import { allowOrigin, header, isLocalHost, originsAllowed, sendJson, sendPreflight } from './http';
import type { JwtAlg, JwtKeys } from './jwt';
import { handleMailbox, type Mailbox } from './mailbox';
import { handleRest } from './rest';
import { handleStorage } from './storage';

export interface StackContext {
  /** Public base URL of this endpoint, e.g. http://127.0.0.1:54321. */
  url: string;
  siteUrl: string;
  /** Origins besides the site's and the stack's own that browsers may call from. */
  allowedOrigins: string[];
  keys: JwtKeys;
  userTokenAlg: JwtAlg;
  /** Connections as `authenticator`, the login role PostgREST uses. */
  restPool: pg.Pool;
  /** Superuser connections, standing in for GoTrue's own database role. */
  adminPool: pg.Pool;
  mailbox: Mailbox;
  /** Google's side of OAuth sign-in: the consent page and its codes. */
  google: LocalGoogle;
  /** Folder holding the bytes of Storage objects. */
  storageRoot: string;
  log: (line: string) => void;
}

/** `ctx.url` may be filled in after listening, once the port is known. */
export function createApiServer(ctx: StackContext): Server {
  const server = createServer(async (req, res) => {
    try {
      if (!isLocalHost(req.headers.host)) {
        return sendJson(res, 421, { message: 'This server answers only to 127.0.0.1 and localhost' });
      }
      const origin = header(req, 'origin');
      if (origin !== undefined && !originsAllowed([ctx.siteUrl, ctx.url, ...ctx.allowedOrigins]).has(origin)) {
        return sendJson(res, 403, { message: 'Requests from other origins are refused by the local stack' });
      }
      allowOrigin(res, origin);
      const url = new URL(req.url ?? '/', 'http://local');
      const path = url.pathname;
      if (req.method === 'OPTIONS') return sendPreflight(res);
      if (path.startsWith('/rest/v1/')) return await handleRest(req, res, ctx, path);
      if (path.startsWith('/auth/v1/')) return await handleAuth(req, res, ctx, path, url.searchParams);
      if (path.startsWith('/storage/v1/')) return await handleStorage(req, res, ctx, url);
      if (req.method === 'GET' && handleMailbox(res, ctx.mailbox, path, url.searchParams)) return;
      if (await handleGoogle(req, res, ctx.google, ctx.url, path, url.searchParams)) return;
      sendJson(res, 404, { message: 'no Route matched with those values' });
    } catch (error) {
      ctx.log(`unexpected error on ${req.method} ${(req.url ?? '').split('?')[0]}: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, { code: 'PGRST000', message: 'Internal error', details: null, hint: null });
      else res.destroy();
    }
  });
  // Malformed HTTP (bad request line, oversized headers): answer 400 and drop the connection.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

/** Listens on 127.0.0.1:`port` (0 = any free port) and resolves with the port taken. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
