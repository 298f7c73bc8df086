/** The error contract of docs/ARCHITECTURE.md section 2, exercised on the real Workers runtime. */
import { env, exports } from 'cloudflare:workers';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../../shared/errors';
import { createApp } from '../../../worker/app';
import { validate } from '../../../worker/middleware/validate';

const worker = (exports as unknown as { default: Fetcher }).default;

function api(path: string, init?: RequestInit) {
  return worker.fetch(`http://kwq8.test${path}`, init);
}

// The production app plus one route with a body schema, to drive the body and validation paths.
const appWithEcho = createApp();
appWithEcho.post(
  '/api/test/echo',
  validate('json', () => z.strictObject({ name: z.string().check(z.minLength(1)) })),
  (c) => c.json(c.req.valid('json')),
);
function echo(init: RequestInit) {
  return appWithEcho.request('http://kwq8.test/api/test/echo', { method: 'POST', ...init }, env);
}

async function errorOf(response: Response) {
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
  expect(Object.keys(body)).toEqual(['error']);
  return body.error;
}

describe('request id', () => {
  it('is generated for every response and echoed in error bodies', async () => {
    const response = await api('/api/nope');
    const id = response.headers.get('X-Request-Id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await errorOf(response)).requestId).toBe(id);
  });

  it('keeps a well-formed incoming id and replaces a malformed one', async () => {
    const kept = await api('/api/health', { headers: { 'X-Request-Id': 'edge-req-12345678' } });
    expect(kept.headers.get('X-Request-Id')).toBe('edge-req-12345678');
    const replaced = await api('/api/health', { headers: { 'X-Request-Id': 'short' } });
    expect(replaced.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('errors', () => {
  it('unknown /api routes are 404 NOT_FOUND_001 in Arabic by default', async () => {
    const response = await api('/api/does-not-exist', { method: 'POST' });
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe('NOT_FOUND_001');
    expect(error.message).toBe(ERROR_CATALOGUE.NOT_FOUND_001.ar);
  });

  it.each([
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['ar-KW,ar;q=0.9,en;q=0.8', 'ar'],
    ['en;q=0.5,ar;q=0.9', 'ar'],
    ['ar;q=0.4,en-GB;q=0.7', 'en'],
    ['fr-FR', 'ar'],
    ['', 'ar'],
  ] as const)('Accept-Language %j answers in %s', async (header, locale) => {
    const response = await api('/api/missing', { headers: { 'Accept-Language': header } });
    expect((await errorOf(response)).message).toBe(ERROR_CATALOGUE.NOT_FOUND_001[locale]);
  });

  it('a valid body passes every guard', async () => {
    const response = await echo({ headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"name":"مطعم"}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'مطعم' });
  });

  it('malformed JSON is 400 REQ_001', async () => {
    const response = await echo({
      headers: { 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('REQ_001');
  });

  it('a body over 64 KB is 413 REQ_002, with or without Content-Length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
    const sized = await echo({ headers: { 'Content-Type': 'application/json' }, body: big });
    expect(sized.status).toBe(413);
    expect((await errorOf(sized)).code).toBe('REQ_002');

    const stream = new Blob([big]).stream();
    const chunked = await echo({
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      // @ts-expect-error duplex is required for streamed request bodies
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect((await errorOf(chunked)).code).toBe('REQ_002');
  });

  it('a body that is not JSON is 415 REQ_003', async () => {
    const response = await echo({
      headers: { 'Content-Type': 'text/plain' },
      body: 'name=x',
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe('REQ_003');
  });

  it('a body failing the schema is 422 REQ_004 naming the fields, not their values', async () => {
    const response = await echo({
      headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en' },
      body: JSON.stringify({ name: '', secret: 'hunter2' }),
    });
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.code).toBe('REQ_004');
    expect(error.message).toBe(ERROR_CATALOGUE.REQ_004.en);
    expect((error as unknown as { fields: string[] }).fields).toEqual(['name', 'secret']);
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });
});
