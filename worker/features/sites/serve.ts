/**
 * Published sites, served on their own hosts (hosts.ts): the published version of the project the
 * Host names, rendered once per version, path and form state by the one renderer
 * (shared/site/render) and kept in the Cache API under a key holding the version id, so a publish
 * shows at once and never waits for a cache to expire. Every response carries a strict CSP (no
 * script, styles by hash). Besides pages, a site host answers its robots.txt and sitemap.xml, its
 * contact forms (POST /_kwq8/form, plain HTML, no JavaScript), the font files, and the project's
 * own booking flow (/book/<slug>/ with its island, /api/public/*, the payment webhooks its
 * checkout names and client error reports), so a visitor books on the site itself. Unknown hosts and unpublished sites get a plain 404, never another site.
 */
import { Hono, type Context } from 'hono';
import { publicAssetPath } from '../../../shared/assets';
import { parseSiteDocument } from '../../../shared/site/document';
import { renderRobots, renderSitemap, renderSitePage, type RenderContext } from '../../../shared/site/render';
import { slugKey } from '../../../shared/slug';
import { appConfig, checkConfig, type AppEnv } from '../../env';
import { AppError } from '../../errors/app-error';
import { onError } from '../../errors/handler';
import { limitBodySize, requireJsonBody } from '../../middleware/body-guard';
import { requestContext } from '../../middleware/request-context';
import { rateLimitByIp } from '../../rate-limit/middleware';
import { webhooks } from '../billing/routes';
import { publicBookings } from '../bookings/public-routes';
import { clientErrors } from '../client-errors/routes';
import { publishedDocument, publishedSite, submitForm, type PublishedSite } from './db';
import { hostSettings, hostTarget } from './hosts';

type SiteEnv = AppEnv;

/** The published site a request's host named, found once by loadSite. */
const sites = new WeakMap<Request, PublishedSite>();
function siteOf(c: Context<SiteEnv>): PublishedSite {
  const site = sites.get(c.req.raw);
  if (!site) throw new Error('siteOf before loadSite');
  return site;
}

const FORM_PATH = '/_kwq8/form';
const FORM_MAX_BYTES = 16_384;
const FORM_FIELDS = ['name', 'phone', 'email', 'message', 'date'] as const;
/** Edge copies live as long as their version; browsers revalidate (a publish changes the page under the same URL). */
const CACHE_CONTROL = 'public, max-age=0, must-revalidate, s-maxage=2592000';

const notFound = (c: Context) => c.text('Not found', 404, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return `'sha256-${btoa(binary)}'`;
}

/** A page's security headers: nothing runs, styles only by the hashes of the page's own style elements. */
async function pageHeaders(styles: readonly string[], storageOrigin: string): Promise<Record<string, string>> {
  const hashes = await Promise.all(styles.map(sha256));
  const csp = [
    "default-src 'none'",
    `style-src ${hashes.join(' ') || "'none'"}`,
    `img-src 'self' ${storageOrigin} data:`,
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': csp,
    'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}

/** The renderer's context for a project's site at `origin` (the live site and the owner's preview). */
export function renderContext(
  env: AppEnv['Bindings'],
  input: { projectId: string; slug: string; origin: string; services: RenderContext['services']; preview: boolean },
): RenderContext {
  const { supabaseUrl } = appConfig(env);
  const slug = encodeURIComponent(input.slug);
  return {
    origin: input.origin,
    imageUrl: (path) => `${supabaseUrl}${publicAssetPath(input.projectId, encodeURIComponent(path))}`,
    assetBase: '/_kwq8',
    bookingHref: (locale) => `${locale === 'en' ? '/en' : ''}/book/${slug}/`,
    services: input.services,
    formAction: FORM_PATH,
    preview: input.preview,
  };
}

async function renderPublished(c: Context<SiteEnv>, site: PublishedSite, path: string, formStatus: 'sent' | 'error' | null) {
  const origin = new URL(c.req.url).origin;
  const published = await publishedDocument(c.env, site.versionId);
  const parsed = published ? parseSiteDocument(published.document) : null;
  if (!published || !parsed?.ok) {
    // Published since the lookup, or a stored document this renderer cannot read: nothing to show.
    if (parsed && !parsed.ok) c.get('log').error('site.document_invalid', { versionId: site.versionId, issues: parsed.issues.length });
    return null;
  }
  const context = renderContext(c.env, {
    projectId: site.projectId,
    slug: site.slug,
    origin,
    preview: false,
    services: published.services.map((service) => ({
      id: service.id,
      name: { ar: service.name_ar, en: service.name_en },
      durationMinutes: service.duration_minutes,
      priceFils: service.price_fils,
    })),
  });
  const page = renderSitePage(parsed.document, { path, context: { ...context, formStatus } });
  const headers = await pageHeaders(page.styles, new URL(appConfig(c.env).supabaseUrl).origin);
  return new Response(page.html, { status: page.status, headers: { ...headers, 'Cache-Control': CACHE_CONTROL } });
}

/** The project's published site for this request's host, or a plain 404. */
const loadSite = async (c: Context<SiteEnv>, next: () => Promise<void>) => {
  const target = hostTarget(c.req.header('Host'), hostSettings(c.env));
  if (target.kind !== 'slug' && target.kind !== 'domain') return notFound(c);
  const site = await publishedSite(c.env, target.kind === 'slug' ? { slug: target.slug } : { domain: target.name });
  if (!site) return notFound(c);
  sites.set(c.req.raw, site);
  await next();
};

const fromAssets = (c: Context<SiteEnv>) => c.env.ASSETS.fetch(c.req.raw);

/** Reads a contact form as the browser sent it (urlencoded, small), or null. */
async function readForm(c: Context<SiteEnv>): Promise<URLSearchParams | null> {
  if (!(c.req.header('Content-Type') ?? '').startsWith('application/x-www-form-urlencoded')) return null;
  if (Number(c.req.header('Content-Length') ?? 0) > FORM_MAX_BYTES) return null;
  const body = await c.req.arrayBuffer();
  if (body.byteLength > FORM_MAX_BYTES) return null;
  return new URLSearchParams(new TextDecoder().decode(body));
}

/** Where the visitor returns after sending: the page the form was on, saying how it went. */
function backTo(c: Context<SiteEnv>, status: 'sent' | 'error', sectionId: string | null): Response {
  const referer = c.req.header('Referer');
  const here = new URL(c.req.url);
  let path = '/';
  if (referer) {
    try {
      const from = new URL(referer);
      if (from.origin === here.origin && from.pathname !== FORM_PATH) path = from.pathname;
    } catch {
      // An unreadable Referer: back to the home page.
    }
  }
  const target = `${path}?form=${status}${sectionId && /^[a-z0-9-]{1,40}$/.test(sectionId) ? `#${sectionId}` : ''}`;
  return c.redirect(target, 303);
}

async function acceptForm(c: Context<SiteEnv>): Promise<Response> {
  const form = await readForm(c);
  const sectionId = form?.get('section') ?? null;
  if (!form || !sectionId) return backTo(c, 'error', sectionId);
  // A filled honeypot is a robot: it is told the form was sent, and nothing is stored.
  if (form.get('website')) return backTo(c, 'sent', sectionId);
  const fields: Record<string, string> = {};
  for (const name of FORM_FIELDS) {
    const value = form.get(name)?.trim();
    if (value) fields[name] = value.slice(0, 2000);
  }
  if (Object.keys(fields).length === 0) return backTo(c, 'error', sectionId);
  try {
    await submitForm(c.env, { projectId: siteOf(c).projectId, sectionId, fields });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    c.get('log').warn('site.form_refused', { code: error.code });
    return backTo(c, 'error', sectionId);
  }
  c.get('log').info('site.form_submitted', { projectId: siteOf(c).projectId });
  return backTo(c, 'sent', sectionId);
}

/** The project's booking page (the built one, whose island reads the slug from the path), for this site's slug only. */
async function bookingPage(c: Context<SiteEnv>) {
  const match = /^(\/en)?\/book\/([^/]+)\/?$/.exec(c.req.path);
  let slug = '';
  try {
    slug = match ? decodeURIComponent(match[2]!) : '';
  } catch {
    return notFound(c);
  }
  if (!slug || slugKey(slug) !== slugKey(siteOf(c).slug)) return notFound(c);
  const asset = await c.env.ASSETS.fetch(new URL(match![1] ? '/en/book/' : '/book/', c.req.url));
  return asset.ok ? new Response(asset.body, asset) : notFound(c);
}

export function createSitesApp() {
  const app = new Hono<SiteEnv>()
    .use(requestContext, checkConfig, loadSite)
    // The booking flow on the site's own host: its page (for this project only), island and API,
    // the error reports its page sends, and the payment webhooks its checkout names (the
    // notification address is the host the visitor booked on).
    .route('/api/webhooks', webhooks)
    .use('/api/public/*', limitBodySize, requireJsonBody)
    .route('/api/public', publicBookings)
    .use('/api/client-errors', limitBodySize, requireJsonBody)
    .route('/api/client-errors', clientErrors)
    .all('/api/*', notFound)
    .get('/_astro/*', fromAssets)
    .get('/_kwq8/fonts/*', fromAssets)
    .get('/book/*', bookingPage)
    .get('/en/book/*', bookingPage)
    .post(
      FORM_PATH,
      async (c, next) => {
        try {
          return await rateLimitByIp('booking', { failClosed: true })(c, next);
        } catch (error) {
          if (error instanceof AppError) return backTo(c, 'error', null);
          throw error;
        }
      },
      acceptForm,
    )
    .get('/robots.txt', (c) =>
      c.text(renderRobots(new URL(c.req.url).origin, { preview: false }), 200, { 'Cache-Control': 'public, max-age=300' }),
    )
    .get('/sitemap.xml', async (c) => {
      const published = await publishedDocument(c.env, siteOf(c).versionId);
      const parsed = published ? parseSiteDocument(published.document) : null;
      if (!parsed?.ok) return notFound(c);
      return c.body(renderSitemap(parsed.document, new URL(c.req.url).origin), 200, {
        'Content-Type': 'application/xml; charset=utf-8',
        'Cache-Control': 'public, max-age=300',
      });
    })
    .get('*', async (c) => {
      const site = siteOf(c);
      const form = c.req.query('form');
      const formStatus = form === 'sent' || form === 'error' ? form : null;
      const url = new URL(c.req.url);
      const key = new Request(`${url.origin}/_kwq8/cache/${site.versionId}${url.pathname}${formStatus ? `?form=${formStatus}` : ''}`);
      const cached = await caches.default.match(key);
      if (cached) {
        const hit = new Response(cached.body, cached);
        hit.headers.set('X-Site-Cache', 'hit');
        return hit;
      }
      const rendered = await renderPublished(c, site, url.pathname, formStatus);
      if (!rendered) return notFound(c);
      c.executionCtx.waitUntil(caches.default.put(key, rendered.clone()));
      rendered.headers.set('X-Site-Cache', 'miss');
      return rendered;
    });
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
