/** Site tests' arrangements: an owner with credits and a project, a site started from a template, a published site. */
import { exports } from 'cloudflare:workers';
import { call, newUser, topUp, type TestUser } from '../../../support/api';

const worker = (exports as unknown as { default: Fetcher }).default;

export interface SiteAnswer {
  site: { projectId: string; slug: string; draftVersionId: string | null; publishedVersionId: string | null; url: string | null };
  draft: {
    id: string;
    number: number;
    document: { pages: { id: string; path: string; sections: { id: string; type: string; props: Record<string, unknown> }[] }[] };
  } | null;
  problems: { code: string }[];
}

export async function ownerWithProject(name: string, credits = 10): Promise<{ owner: TestUser; projectId: string; slug: string }> {
  const owner = await newUser();
  if (credits > 0) await topUp(owner, credits);
  const response = await call('POST', '/api/projects', { token: owner.token, body: { name } });
  const { project } = (await response.json()) as { project: { id: string; slug: string } };
  return { owner, projectId: project.id, slug: project.slug };
}

export async function readSite(owner: TestUser, projectId: string): Promise<SiteAnswer> {
  return (await (await call('GET', `/api/projects/${projectId}/site`, { token: owner.token })).json()) as SiteAnswer;
}

export async function startFromTemplate(owner: TestUser, projectId: string, type = 'salon') {
  const response = await call('POST', `/api/projects/${projectId}/site/template`, {
    token: owner.token,
    body: { type, baseVersionId: null },
  });
  if (response.status !== 201) throw new Error(`template: ${response.status} ${await response.text()}`);
  return readSite(owner, projectId);
}

export async function publish(owner: TestUser, projectId: string, versionId: string, key = `publish-${crypto.randomUUID()}`) {
  return call('POST', `/api/projects/${projectId}/site/publish`, {
    token: owner.token,
    body: { versionId },
    headers: { 'Idempotency-Key': key },
  });
}

/** A visitor's request to a host (a site's, or the platform's). */
export function visit(host: string, path = '/', init: RequestInit = {}) {
  return worker.fetch(`http://${host}${path}`, {
    ...init,
    headers: { Host: host, ...(init.headers as Record<string, string>) },
    redirect: 'manual',
  });
}

/** The host of a slug under the tests' SITES_DOMAIN, in its IDNA form. */
export const siteHost = (slug: string) => new URL(`http://${slug}.sites.test`).host;
