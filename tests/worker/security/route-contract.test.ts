/**
 * The route contract: every route of createApp() is documented in the README's API table and is
 * either in the auth-failure suite or on the explicit public list (tests/support/routes.ts).
 */
import { inspectRoutes } from 'hono/dev';
import { describe, expect, it } from 'vitest';
import readme from '../../../README.md?raw';
import { createApp } from '../../../worker/app';
import { PROTECTED_ROUTES, PUBLIC_ROUTES } from '../../support/routes';

const routes = inspectRoutes(createApp())
  .filter((route) => !route.isMiddleware && route.method !== 'ALL')
  .map(({ method, path }) => ({ method, path }));

/** `| GET | `/api/projects/:id/bookings?limit&cursor` | …` → "GET /api/projects/:id/bookings". */
const documented = new Set(
  [...readme.matchAll(/^\|\s*([A-Z]+)\s*\|\s*`([^`\s?]+)[^`]*`/gm)].map(([, method, path]) => `${method} ${path}`),
);

describe('route contract', () => {
  it('finds the routes and the README table', () => {
    expect(routes.length).toBeGreaterThanOrEqual(PROTECTED_ROUTES.length);
    expect(documented.size).toBeGreaterThanOrEqual(routes.length);
  });

  it.each(routes)('$method $path is in the README API table', ({ method, path }) => {
    expect(documented).toContain(`${method} ${path}`);
  });

  it.each(routes)('$method $path is in the auth-failure suite or on the public list', ({ method, path }) => {
    const covered = [...PROTECTED_ROUTES, ...PUBLIC_ROUTES].some((route) => route.method === method && route.route === path);
    expect(covered, `${method} ${path}: add it to PROTECTED_ROUTES or PUBLIC_ROUTES in tests/support/routes.ts`).toBe(true);
  });

  it('lists no route the app does not have', () => {
    const live = new Set(routes.map(({ method, path }) => `${method} ${path}`));
    for (const route of [...PROTECTED_ROUTES, ...PUBLIC_ROUTES]) expect(live).toContain(`${route.method} ${route.route}`);
  });
});
