/**
 * Worker entry: `fetch` runs the Hono app for /api/* (every other path is served from the built
 * Astro site before the Worker runs); `scheduled` runs the Cron Trigger's housekeeping.
 */
import { createApp } from './app';
import type { Bindings } from './env';
import { runScheduled } from './scheduled';

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(env, controller.cron));
  },
} satisfies ExportedHandler<Bindings>;
