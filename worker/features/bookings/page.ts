/**
 * GET /book/<slug>/ and /en/book/<slug>/: the site is static, so every project's booking page is
 * the one built page (site/src/pages/book/index.astro and its English twin), whose island reads
 * the slug from the address. wrangler.toml sends these paths to the Worker first. The page keeps
 * the headers the static assets give it (site/public/_headers: CSP, HSTS, no framing…).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import { AppError } from '../../errors/app-error';

export const bookingPage = new Hono<AppEnv>().get('/*', async (c) => {
  const page = c.req.path.startsWith('/en/') ? '/en/book/' : '/book/';
  const asset = await c.env.ASSETS.fetch(new URL(page, c.req.url));
  if (!asset.ok) throw new AppError('NOT_FOUND_001');
  return c.body(asset.body ?? '', 200, Object.fromEntries(asset.headers));
});
