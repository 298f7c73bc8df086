/**
 * Property-based fuzzing of every route of createApp(): arbitrary path parameters, query strings,
 * headers and bodies never produce a 5xx, every refusal is the contract's error body with a
 * catalogue code, and refused requests write nothing (the fuzzing user ends with exactly the
 * projects its accepted requests created and an empty ledger).
 */
import fc from 'fast-check';
import { inspectRoutes } from 'hono/dev';
import { beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../../shared/errors';
import { createApp } from '../../../worker/app';
import { call, newUser, type TestUser } from '../../support/api';
import { CLIENT_CANARY } from '../../support/canary';

const routes = inspectRoutes(createApp())
  .filter((route) => !route.isMiddleware && route.method !== 'ALL')
  .map(({ method, path }) => ({ method, path }));

let user: TestUser;
/** Projects the fuzzing user's accepted requests created and deleted. */
const accepted = { created: 0, deleted: 0 };
beforeAll(async () => {
  user = await newUser();
});

// Client values carry the canary, so the log audit fails the run if any of them reaches a log line.
const text = fc.oneof(
  fc.string({ maxLength: 20 }).map((value) => `${CLIENT_CANARY}${value}`),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uuid(),
  fc.constantFrom('', '0', '-1', 'NaN', '1e309', '%00', '..', 'null'),
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc
    .record({ name: text, slug: fc.option(text), action: fc.option(text), projectId: fc.option(text) })
    .map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const request = fc.record({
  params: fc.array(text, { minLength: 2, maxLength: 2 }),
  query: fc.dictionary(fc.constantFrom('limit', 'cursor', 'x', 'name', 'limit[]'), text, { maxKeys: 3 }),
  auth: fc.constantFrom('user', 'none', 'garbage'),
  garbage: fc.string({ maxLength: 60 }),
  contentType: fc.constantFrom(
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-8',
    '',
  ),
  idempotencyKey: fc.option(text),
  acceptLanguage: fc.option(fc.string({ maxLength: 30 })),
  body,
});

/** Header values must be ByteStrings: keep what fetch accepts, drop the rest. */
const headerSafe = (value: string) => value.replace(/[^\x20-\x7e]/g, '');

describe.each(routes)('$method $path under fuzzing', ({ method, path }) => {
  it('never answers 5xx, and every refusal is the error contract', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        let index = 0;
        const concrete = path.replace(/:[A-Za-z]+/g, () => encodeURIComponent(input.params[index++] ?? 'x'));
        const query = new URLSearchParams(input.query).toString();
        const headers: Record<string, string> = {};
        if (input.auth === 'user') headers.Authorization = `Bearer ${user.token}`;
        if (input.auth === 'garbage') headers.Authorization = headerSafe(`Bearer ${input.garbage}`);
        if (input.contentType) headers['Content-Type'] = input.contentType;
        if (input.idempotencyKey !== null) headers['Idempotency-Key'] = headerSafe(input.idempotencyKey);
        if (input.acceptLanguage !== null) headers['Accept-Language'] = headerSafe(input.acceptLanguage);
        const withBody = method !== 'GET' && method !== 'HEAD' && input.body !== undefined;
        const response = await call(method, `${concrete}${query ? `?${query}` : ''}`, {
          headers,
          rawBody: withBody ? input.body : undefined,
        });
        expect(response.status, `${method} ${concrete}`).toBeLessThan(500);
        if (response.status >= 400) {
          const answer = (await response.json()) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
          expect(isErrorCode(answer.error?.code)).toBe(true);
          expect(typeof answer.error?.message).toBe('string');
          expect(answer.error?.requestId).toBe(response.headers.get('X-Request-Id'));
        } else {
          if (method === 'POST' && path === '/api/projects' && response.status === 201) accepted.created++;
          if (method === 'DELETE' && path === '/api/projects/:id' && response.status === 204) accepted.deleted++;
          await response.body?.cancel();
        }
      }),
      { numRuns: 10 },
    );
  });
});

describe('after fuzzing', () => {
  it('refused requests wrote nothing: no ledger row, and only the projects accepted requests created', async () => {
    const ledger = (await (await call('GET', '/api/credits/ledger', { token: user.token })).json()) as { entries: unknown[] };
    expect(ledger.entries).toEqual([]);
    const list = (await (await call('GET', '/api/projects', { token: user.token })).json()) as { projects: unknown[] };
    expect(list.projects).toHaveLength(accepted.created - accepted.deleted);
  });
});
