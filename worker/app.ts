/**
 * The app factory: every middleware and route of the API, mounted under /api, and the booking
 * pages (/book/*, /en/book/*). The Worker entry and the tests build the same app from here; the
 * entry (index.ts) sends the platform's other paths straight to the built site.
 *
 * Requests for a project's site (its own host) go to the sites app (features/sites/serve.ts).
 * Order for the platform: request context (id, locale, logger) → configuration check → body guard
 * (size, JSON only) → one `app.route` per feature. Routes that read bodies of other types and sizes (webhooks'
 * raw bodies, project images) are mounted before the body guard and guard their bodies themselves.
 */
import { Hono } from 'hono';
import { checkConfig, type AppEnv } from './env';
import { onError, onNotFound } from './errors/handler';
import { billing, webhooks } from './features/billing/routes';
import { projectAssets } from './features/assets/routes';
import { bookingPage } from './features/bookings/page';
import { publicBookings } from './features/bookings/public-routes';
import { projectBookings } from './features/bookings/routes';
import { clientErrors } from './features/client-errors/routes';
import { config } from './features/config/routes';
import { credits } from './features/credits/routes';
import { domains, projectDomains } from './features/domains/routes';
import { projectGenerations } from './features/generation/routes';
import { health } from './features/health/routes';
import { me } from './features/me/routes';
import { projects } from './features/projects/routes';
import { hostSettings, hostTarget } from './features/sites/hosts';
import { projectSites } from './features/sites/routes';
import { createSitesApp } from './features/sites/serve';
import { limitBodySize, requireJsonBody } from './middleware/body-guard';
import { requestContext } from './middleware/request-context';

export function createApp() {
  const api = new Hono<AppEnv>()
    // Raw bodies of any content type, size-limited inside: before the JSON body guard.
    .route('/webhooks', webhooks)
    .route('/projects', projectAssets)
    .use(limitBodySize, requireJsonBody)
    .route('/health', health)
    .route('/config', config)
    .route('/client-errors', clientErrors)
    .route('/me', me)
    .route('/credits', credits)
    .route('/billing', billing)
    .route('/projects', projects)
    .route('/projects', projectBookings)
    .route('/domains', domains)
    .route('/projects', projectDomains)
    .route('/projects', projectSites)
    .route('/projects', projectGenerations)
    .route('/public', publicBookings);

  const sites = createSitesApp();
  const app = new Hono<AppEnv>()
    // A project's published site answers on its own host (features/sites/hosts.ts).
    .use(async (c, next) => {
      if (hostTarget(c.req.header('Host'), hostSettings(c.env)).kind !== 'platform') return sites.fetch(c.req.raw, c.env, c.executionCtx);
      await next();
    })
    .use(requestContext, checkConfig)
    .route('/api', api)
    .route('/book', bookingPage)
    .route('/en/book', bookingPage);
  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
