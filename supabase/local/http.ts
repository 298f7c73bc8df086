/**
 * Small node:http helpers shared by the local stack's routes: who may call the stack (Host and
 * Origin), CORS for the origins allowed, JSON responses, bounded body reading, and Bearer token
 * extraction.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are refused with 413 before they are read to the end. */
export const BODY_LIMIT = 1024 * 1024;

/** `Host` values the stack answers: a page that rebinds its own name to 127.0.0.1 gets 421. */
const LOCAL_HOST = /^(127\.0\.0\.1|localhost)(:\d{1,5})?$/i;

export function isLocalHost(host: string | undefined): boolean {
  return host !== undefined && LOCAL_HOST.test(host);
}

/** Each origin as written and with 127.0.0.1 and localhost swapped: a browser may use either name. */
export function originsAllowed(urls: string[]): Set<string> {
  const origins = new Set<string>();
  for (const url of urls) {
    const { protocol, hostname, port } = new URL(url);
    const names = hostname === '127.0.0.1' || hostname === 'localhost' ? ['127.0.0.1', 'localhost'] : [hostname];
    for (const name of names) origins.add(`${protocol}//${name}${port ? `:${port}` : ''}`);
  }
  return origins;
}

/** CORS headers for an allowed `origin` (set before any write; every response depends on Origin). */
export function allowOrigin(res: ServerResponse, origin: string | undefined): void {
  res.setHeader('Vary', 'Origin');
  if (origin === undefined) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', 'Content-Range, X-Supabase-Api-Version');
}

const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Allow-Headers':
    'authorization, apikey, content-type, x-client-info, x-supabase-api-version, accept-profile, content-profile, prefer, x-retry-count, x-upsert, x-metadata, cache-control',
  'Access-Control-Max-Age': '3600',
};

export function sendPreflight(res: ServerResponse): void {
  res.writeHead(200, { ...PREFLIGHT_HEADERS, 'Content-Length': '0' });
  res.end();
}

export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Length': String(payload.length), ...headers });
  res.end(payload);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/** 303 by default; GoTrue answers its OAuth endpoints with 302. */
export function redirect(res: ServerResponse, location: string, status: 302 | 303 = 303): void {
  sendEmpty(res, status, { Location: location, 'Content-Length': '0' });
}

export class BodyTooLargeError extends Error {
  constructor(limit = BODY_LIMIT) {
    super(`Request body is larger than ${limit} bytes`);
  }
}

/** Reads the whole body, or throws BodyTooLargeError as soon as it passes `limit` bytes. */
export function readBytes(req: IncomingMessage, limit = BODY_LIMIT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Reads the whole body as UTF-8, at most BODY_LIMIT bytes. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString('utf8');
}

/** The token of `Authorization: Bearer <token>`; undefined when the header is absent or another scheme. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer(?:\s+(.*))?$/i.exec(req.headers.authorization ?? '');
  return match ? (match[1] ?? '').trim() : undefined;
}

/** Text safe to put in HTML element content and quoted attribute values. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
