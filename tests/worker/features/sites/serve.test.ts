/**
 * Published sites on their own hosts: the slug host (Arabic slugs in their IDNA form), a verified
 * custom domain, unknown hosts and unpublished sites (a plain 404, never another site), Arabic at
 * / and English at /en/ with a strict CSP, the cache keyed by version (a publish shows at once),
 * robots.txt and sitemap.xml, the booking page of this project only, and the contact form
 * (stored for the owner, honeypot, refusals back on the page).
 */
import { describe, expect, it } from 'vitest';
import { adminSql, call } from '../../../support/api';
import { ownerWithProject, publish, readSite, siteHost, startFromTemplate, visit } from './helpers';

async function publishedSalon(name: string) {
  const arranged = await ownerWithProject(name);
  const site = await startFromTemplate(arranged.owner, arranged.projectId, 'salon');
  const response = await publish(arranged.owner, arranged.projectId, site.draft!.id);
  if (response.status !== 200) throw new Error(`publish: ${response.status}`);
  return { ...arranged, site };
}

describe('published sites', () => {
  it('serves Arabic at / and English at /en/ on the slug host, with a CSP that allows no script', async () => {
    const { slug } = await publishedSalon(`Salon Lulu ${crypto.randomUUID().slice(0, 6)}`);
    const ar = await visit(siteHost(slug), '/');
    expect(ar.status).toBe(200);
    const html = await ar.text();
    expect(html).toMatch(/<html[^>]*lang="ar"[^>]*dir="rtl"/);
    const csp = ar.headers.get('Content-Security-Policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('script-src');
    expect(html).not.toMatch(/<script(?![^>]*application\/ld\+json)/);

    const en = await visit(siteHost(slug), '/en/');
    expect(en.status).toBe(200);
    expect(await en.text()).toMatch(/<html[^>]*lang="en"[^>]*dir="ltr"/);

    const missing = await visit(siteHost(slug), '/no-such-page');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/<html[^>]*lang="ar"/);
  });

  it('finds an Arabic slug through its punycode host', async () => {
    // Arabic letters only: IDNA refuses a label that mixes Arabic and Latin letters.
    const letters = Array.from({ length: 5 }, () => String.fromCharCode(0x0628 + Math.floor(Math.random() * 20))).join('');
    const { slug } = await publishedSalon(`صالون ${letters}`);
    expect(siteHost(slug)).toMatch(/^xn--/);
    const response = await visit(siteHost(slug), '/');
    expect(response.status).toBe(200);
  });

  it('answers a verified custom domain, but not one still pending, and never another site', async () => {
    const { projectId, slug } = await publishedSalon(`Salon Domain ${crypto.randomUUID().slice(0, 6)}`);
    const active = `salon-${crypto.randomUUID().slice(0, 8)}.com`;
    const pending = `pending-${crypto.randomUUID().slice(0, 8)}.com`;
    await adminSql(
      `insert into public.domains (project_id, name, status, kind, verification_token)
       values ($1, $2, 'active', 'attach', md5(random()::text)), ($1, $3, 'pending_verification', 'attach', md5(random()::text))`,
      [projectId, active, pending],
    );
    const onDomain = await visit(active, '/');
    expect(onDomain.status).toBe(200);
    const onSlug = await (await visit(siteHost(slug), '/')).text();
    // The same site, with its own host in canonical and hreflang.
    expect(await onDomain.text()).toContain(`http://${active}/`);
    expect(onSlug).toContain(`http://${siteHost(slug)}/`);

    for (const host of [pending, 'unknown-site.sites.test', 'nobody-here.example', 'a.b.sites.test']) {
      const response = await visit(host, '/');
      expect(response.status, host).toBe(404);
      expect(await response.text()).toBe('Not found');
    }
  });

  it('shows a new publish at once although the old version was cached, and nothing after unpublishing', async () => {
    const { owner, projectId, slug, site } = await publishedSalon(`Salon Cache ${crypto.randomUUID().slice(0, 6)}`);
    const host = siteHost(slug);
    const first = await visit(host, '/');
    expect(first.headers.get('X-Site-Cache')).toBe('miss');
    const before = await first.text();
    const second = await visit(host, '/');
    expect(second.headers.get('X-Site-Cache')).toBe('hit');
    expect(await second.text()).toBe(before);

    const hero = site.draft!.document.pages[0]!.sections.find((s) => s.type === 'hero')!;
    const edited = await call('PUT', `/api/projects/${projectId}/site/draft`, {
      token: owner.token,
      body: {
        baseVersionId: site.draft!.id,
        operations: [
          { op: 'set_text', sectionId: hero.id, pointer: '/heading', value: { ar: 'عنوان جديد تماماً', en: 'A brand new title' } },
        ],
      },
    });
    expect(edited.status).toBe(200);
    const draft = await readSite(owner, projectId);
    expect((await publish(owner, projectId, draft.draft!.id)).status).toBe(200);
    const fresh = await visit(host, '/');
    expect(fresh.headers.get('X-Site-Cache')).toBe('miss');
    expect(await fresh.text()).toContain('عنوان جديد تماماً');
    expect(await (await visit(host, '/en/')).text()).toContain('A brand new title');

    await call('POST', `/api/projects/${projectId}/site/unpublish`, { token: owner.token });
    expect((await visit(host, '/')).status).toBe(404);
  });

  it('answers robots.txt and a sitemap of both languages', async () => {
    const { slug } = await publishedSalon(`Salon Map ${crypto.randomUUID().slice(0, 6)}`);
    const host = siteHost(slug);
    const robots = await visit(host, '/robots.txt');
    expect(await robots.text()).toContain(`Sitemap: http://${host}/sitemap.xml`);
    const sitemap = await (await visit(host, '/sitemap.xml')).text();
    expect(sitemap).toContain(`<loc>http://${host}/</loc>`);
    expect(sitemap).toContain(`http://${host}/en/`);
  });

  it("serves this project's booking page on its host, and no other project's", async () => {
    const one = await publishedSalon(`Salon Book ${crypto.randomUUID().slice(0, 6)}`);
    const other = await publishedSalon(`Salon Other ${crypto.randomUUID().slice(0, 6)}`);
    const own = await visit(siteHost(one.slug), `/book/${encodeURIComponent(one.slug)}/`);
    expect(own.status).toBe(200);
    expect(own.headers.get('Content-Type')).toContain('text/html');
    const foreign = await visit(siteHost(one.slug), `/book/${encodeURIComponent(other.slug)}/`);
    expect(foreign.status).toBe(404);
    // The booking API the page's island calls answers on the site's host too.
    const services = await visit(siteHost(one.slug), `/api/public/projects/${encodeURIComponent(one.slug)}`);
    expect(services.status).toBe(200);
    expect((await visit(siteHost(one.slug), '/api/me')).status).toBe(404);
  });

  it('stores a contact form for the owner, drops a honeypot one, and sends refusals back to the page', async () => {
    const { owner, projectId, slug } = await publishedSalon(`Salon Form ${crypto.randomUUID().slice(0, 6)}`);
    const host = siteHost(slug);
    const page = await (await visit(host, '/contact')).text();
    const sectionId = /name="section" value="([^"]+)"/.exec(page)?.[1];
    expect(sectionId).toBeTruthy();
    // One visitor's address (the limiter gives requests without one a small shared bucket).
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const post = (fields: Record<string, string>) =>
      visit(host, '/_kwq8/form', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Referer: `http://${host}/contact`, 'CF-Connecting-IP': ip },
        body: new URLSearchParams(fields).toString(),
      });

    const sent = await post({
      section: sectionId!,
      locale: 'ar',
      name: 'مريم',
      phone: '+96550000000',
      message: 'أبي موعد يوم الخميس',
      website: '',
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('Location')).toBe(`/contact?form=sent#${sectionId}`);
    const robot = await post({ section: sectionId!, name: 'bot', message: 'spam', website: 'http://spam.example' });
    expect(robot.headers.get('Location')).toContain('form=sent');
    const wrong = await post({ section: 'no-such-form', name: 'x', message: 'y' });
    expect(wrong.headers.get('Location')).toBe('/contact?form=error#no-such-form');

    const inbox = (await (await call('GET', `/api/projects/${projectId}/site/forms`, { token: owner.token })).json()) as {
      submissions: { sectionId: string; fields: Record<string, string> }[];
    };
    expect(inbox.submissions).toEqual([
      expect.objectContaining({ sectionId, fields: { name: 'مريم', phone: '+96550000000', message: 'أبي موعد يوم الخميس' } }),
    ]);

    const thanks = await (await visit(host, '/contact?form=sent')).text();
    expect(thanks).not.toBe(page);
  });

  it('keeps the platform on its own hosts', async () => {
    const platform = await visit('kwq8.test', '/api/health');
    expect(platform.status).toBe(200);
  });
});
