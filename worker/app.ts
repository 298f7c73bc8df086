/**
 * The app factory: every middleware and route of the API, mounted under /api. The Worker entry
 * and the tests build the same app from here. Other paths never reach the Worker: wrangler.toml
 * sends only /api/* to it first and serves the built site for the rest.
 */
import { Hono } from 'hono';
import type { AppEnv } from './env';
import { onError, onNotFound } from './errors/handler';
import { limitBodySize, requireJsonBody } from './middleware/body-guard';
import { requestContext } from './middleware/request-context';
import { config } from './routes/config';
import { credits } from './routes/credits';
import { health } from './routes/health';
import { me } from './routes/me';
import { projects } from './routes/projects';

export function createApp() {
  const api = new Hono<AppEnv>().use(limitBodySize, requireJsonBody).route('/health', health)
    .route('/config', config)
    .route('/me', me)
    .route('/credits', credits)
    .route('/projects', projects);

  const app = new Hono<AppEnv>().use(requestContext).route('/api', api);
  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
