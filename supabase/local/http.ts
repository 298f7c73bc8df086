/**
 * Small node:http helpers shared by the local stack's routes: CORS as Supabase's gateway answers
 * it, JSON responses, bounded body reading, and Bearer token extraction.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are refused with 413 before they are read to the end. */
export const BODY_LIMIT = 1024 * 1024;

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Range, X-Supabase-Api-Version',
};

const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
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
  res.writeHead(status, { ...CORS_HEADERS, 'Content-Length': String(payload.length), ...headers });
  res.end(payload);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...CORS_HEADERS, ...headers });
  res.end();
}

export function redirect(res: ServerResponse, location: string): void {
  sendEmpty(res, 303, { Location: location, 'Content-Length': '0' });
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
