/**
 * Worker entry: `fetch` runs the Hono app for the API, the booking pages and every request to a
 * project's site (its own host); the platform's other paths are the built Astro site, answered
 * from the static assets. wrangler.toml runs the Worker first for every request, because only the
 * Host tells a site's request from the platform's. `scheduled` runs the Cron Trigger's housekeeping.
 */
import { createApp } from './app';
import type { Bindings } from './env';
import { hostSettings, hostTarget } from './features/sites/hosts';
import { runScheduled } from './scheduled';

const app = createApp();

/** Platform paths the Worker answers itself; everything else on the platform's host is a file of the built site. */
const WORKER_PATHS = /^\/(?:api|book|en\/book|__scheduled)(?:\/|$)/;

export default {
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (!WORKER_PATHS.test(pathname) && hostTarget(request.headers.get('Host') ?? undefined, hostSettings(env)).kind === 'platform') {
      return env.ASSETS.fetch(request);
    }
    return app.fetch(request, env, ctx);
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(env, controller.cron));
  },
} satisfies ExportedHandler<Bindings>;
