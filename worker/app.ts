/**
 * The app factory: every middleware and route of the API, mounted under /api. The Worker entry
 * and the tests build the same app from here. Other paths never reach the Worker: wrangler.toml
 * sends only /api/* to it first and serves the built site for the rest.
 *
 * Order: request context (id, locale, logger) → configuration check → body guard (size, JSON
 * only) → one `app.route` per feature. Webhook routes, which must read raw bodies of any content
 * type, are mounted before the body guard.
 */
import { Hono } from 'hono';
import { checkConfig, type AppEnv } from './env';
import { onError, onNotFound } from './errors/handler';
import { billing, webhooks } from './features/billing/routes';
import { projectBookings } from './features/bookings/routes';
import { clientErrors } from './features/client-errors/routes';
import { config } from './features/config/routes';
import { credits } from './features/credits/routes';
import { domains, projectDomains } from './features/domains/routes';
import { health } from './features/health/routes';
import { me } from './features/me/routes';
import { projects } from './features/projects/routes';
import { limitBodySize, requireJsonBody } from './middleware/body-guard';
import { requestContext } from './middleware/request-context';

export function createApp() {
  const api = new Hono<AppEnv>()
    // Raw bodies of any content type, size-limited inside: before the JSON body guard.
    .route('/webhooks', webhooks)
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
    .route('/projects', projectDomains);

  const app = new Hono<AppEnv>().use(requestContext, checkConfig).route('/api', api);
  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
