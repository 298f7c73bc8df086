/**
 * The booking page data's `project.logoUrl` against the local stack's Storage: null with no logo,
 * the logo's public URL (serving its bytes to anyone) once the owner sets one, a new URL when it is
 * replaced, null again once deleted; images of the private bucket, even one named `logo`, never
 * appear.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call } from '../../../support/api';
import { studio, visitorIp, type Studio } from '../../../support/bookings';
import { PNG, WEBP } from '../../../support/images';

interface PageProject {
  slug: string;
  name: string;
  logoUrl: string | null;
}

async function pageProject(slug: string): Promise<PageProject> {
  const response = await call('GET', `/api/public/projects/${encodeURIComponent(slug)}`, { headers: { 'CF-Connecting-IP': visitorIp() } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { project: PageProject }).project;
}

async function setLogo(s: Studio, bytes: Uint8Array): Promise<void> {
  const response = await call('PUT', `/api/projects/${s.projectId}/assets/public/logo`, { token: s.owner.token, rawBody: bytes });
  expect(response.status).toBe(200);
}

const logoPath = (projectId: string) => `${env.SUPABASE_URL}/storage/v1/object/public/project-public/${projectId}/logo`;

describe("the booking page's logo", () => {
  it('is null without a logo; the public URL serving its bytes once set; a new URL when replaced; null once deleted', async () => {
    const s = await studio();
    expect((await pageProject(s.slug)).logoUrl).toBeNull();

    await setLogo(s, PNG);
    const first = (await pageProject(s.slug)).logoUrl!;
    expect(first.startsWith(`${logoPath(s.projectId)}?v=`)).toBe(true);
    const served = await fetch(first);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);

    await setLogo(s, WEBP);
    const second = (await pageProject(s.slug)).logoUrl!;
    expect(second.startsWith(`${logoPath(s.projectId)}?v=`)).toBe(true);
    expect(second).not.toBe(first);
    expect((await fetch(second)).headers.get('content-type')).toBe('image/webp');

    const deleted = await call('DELETE', `/api/projects/${s.projectId}/assets/public/logo`, { token: s.owner.token });
    expect(deleted.status).toBe(204);
    expect((await pageProject(s.slug)).logoUrl).toBeNull();
  });

  it('never comes from the private bucket, even a private file named logo written straight to Storage', async () => {
    const s = await studio();
    const uploaded = await call('POST', `/api/projects/${s.projectId}/assets?visibility=private`, { token: s.owner.token, rawBody: PNG });
    expect(uploaded.status).toBe(201);
    const { asset } = (await uploaded.json()) as { asset: { name: string } };
    // The Worker refuses a private logo; the owner's own token lets Storage store one anyway.
    const direct = await fetch(`${env.SUPABASE_URL}/storage/v1/object/project-assets/${s.projectId}/logo`, {
      method: 'POST',
      headers: { apikey: env.SUPABASE_ANON_KEY, Authorization: `Bearer ${s.owner.token}`, 'Content-Type': 'image/png' },
      body: PNG,
    });
    expect(direct.status).toBe(200);

    const response = await call('GET', `/api/public/projects/${encodeURIComponent(s.slug)}`, {
      headers: { 'CF-Connecting-IP': visitorIp() },
    });
    const text = await response.text();
    expect((JSON.parse(text) as { project: PageProject }).project.logoUrl).toBeNull();
    expect(text).not.toContain('project-assets');
    expect(text).not.toContain(asset.name);
    expect(text).not.toContain(s.projectId);
  });

  it("one project's logo is not another's", async () => {
    const [withLogo, without] = await Promise.all([studio(), studio()]);
    await setLogo(withLogo, PNG);
    expect((await pageProject(withLogo.slug)).logoUrl).toContain(withLogo.projectId);
    expect((await pageProject(without.slug)).logoUrl).toBeNull();
  });
});
