/**
 * The owner's site through the Worker: a template start, edits as operations (a stale base is a
 * conflict, a bad operation changes nothing), versions and restore, the draft preview, publish
 * checks, the deployment charge once per key, and strangers kept out.
 */
import { describe, expect, it } from 'vitest';
import { call, errorCode, newUser } from '../../../support/api';
import { ownerWithProject, publish, readSite, startFromTemplate } from './helpers';

async function balance(token: string): Promise<number> {
  const me = (await (await call('GET', '/api/me', { token })).json()) as { credits: { total: number } };
  return me.credits.total;
}

describe('owner site', () => {
  it('has no draft until started, then a template draft with clean publish checks and its public address', async () => {
    const { owner, projectId } = await ownerWithProject('Salon Noor');
    const empty = await readSite(owner, projectId);
    expect(empty.draft).toBeNull();
    expect(empty.site.url).toBe('http://salon-noor.sites.test/');

    const started = await startFromTemplate(owner, projectId, 'salon');
    expect(started.draft?.number).toBe(1);
    expect(started.draft?.document.pages[0]?.path).toBe('/');
    expect(started.problems).toEqual([]);
  });

  it('applies operations as a new version, refuses a stale base and leaves the draft as it was on a bad operation', async () => {
    const { owner, projectId } = await ownerWithProject('Clinic Amal');
    const site = await startFromTemplate(owner, projectId, 'clinic');
    const base = site.draft!.id;
    const page = site.draft!.document.pages[0]!;
    const [first, second] = page.sections;

    const moved = await call('PUT', `/api/projects/${projectId}/site/draft`, {
      token: owner.token,
      body: {
        baseVersionId: base,
        operations: [{ op: 'move_section', sectionId: second!.id, pageId: page.id, index: 0 }],
        summary: 'move',
      },
    });
    expect(moved.status).toBe(200);
    const after = await readSite(owner, projectId);
    expect(after.draft!.number).toBe(2);
    expect(after.draft!.document.pages[0]!.sections.slice(0, 2).map((s) => s.id)).toEqual([second!.id, first!.id]);
    // Every other section is byte for byte what it was.
    expect(after.draft!.document.pages[0]!.sections[1]).toEqual(first);

    const stale = await call('PUT', `/api/projects/${projectId}/site/draft`, {
      token: owner.token,
      body: { baseVersionId: base, operations: [{ op: 'remove_section', sectionId: first!.id }] },
    });
    expect(stale.status).toBe(409);
    expect(await errorCode(stale)).toBe('SITE_002');

    const bad = await call('PUT', `/api/projects/${projectId}/site/draft`, {
      token: owner.token,
      body: {
        baseVersionId: after.draft!.id,
        operations: [
          { op: 'remove_section', sectionId: first!.id },
          { op: 'remove_section', sectionId: 'no-such' },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { code: string; fields: string[] } }).error).toMatchObject({
      code: 'SITE_003',
      fields: ['operations.1'],
    });
    expect((await readSite(owner, projectId)).draft!.id).toBe(after.draft!.id);
  });

  it('lists versions and restores an earlier one as a new forward version, free', async () => {
    const { owner, projectId } = await ownerWithProject('Coach Fahad');
    const site = await startFromTemplate(owner, projectId, 'coach');
    const first = site.draft!;
    const section = first.document.pages[0]!.sections[0]!;
    await call('PUT', `/api/projects/${projectId}/site/draft`, {
      token: owner.token,
      body: { baseVersionId: first.id, operations: [{ op: 'remove_section', sectionId: section.id }] },
    });
    const before = await balance(owner.token);
    const current = await readSite(owner, projectId);
    const restored = await call('POST', `/api/projects/${projectId}/site/versions/${first.id}/restore`, {
      token: owner.token,
      body: { baseVersionId: current.draft!.id },
    });
    expect(restored.status).toBe(200);
    const now = await readSite(owner, projectId);
    expect(now.draft!.number).toBe(3);
    expect(now.draft!.document).toEqual(first.document);
    expect(await balance(owner.token)).toBe(before);

    const list = (await (await call('GET', `/api/projects/${projectId}/site/versions`, { token: owner.token })).json()) as {
      versions: { number: number; madeBy: string; isDraft: boolean }[];
    };
    expect(list.versions.map((v) => [v.number, v.madeBy, v.isDraft])).toEqual([
      [3, 'restore', true],
      [2, 'owner', false],
      [1, 'template', false],
    ]);
  });

  it('previews the draft as HTML in either language, for the owner only', async () => {
    const { owner, projectId } = await ownerWithProject('Shop Dana');
    await startFromTemplate(owner, projectId, 'shop');
    const ar = await call('GET', `/api/projects/${projectId}/site/preview`, { token: owner.token });
    expect(ar.status).toBe(200);
    expect(ar.headers.get('Content-Type')).toContain('text/html');
    const html = await ar.text();
    expect(html).toMatch(/<html[^>]*lang="ar"[^>]*dir="rtl"/);
    expect(html).toContain('noindex');
    const en = await (await call('GET', `/api/projects/${projectId}/site/preview?path=/en/`, { token: owner.token })).text();
    expect(en).toMatch(/<html[^>]*lang="en"[^>]*dir="ltr"/);

    const stranger = await newUser();
    const refused = await call('GET', `/api/projects/${projectId}/site/preview`, { token: stranger.token });
    expect(refused.status).toBe(404);
  });

  it('publishes once per key for 1 credit, refuses a draft that fails the checks, and unpublishes for free', async () => {
    const { owner, projectId } = await ownerWithProject('Restaurant Bahar', 5);
    const site = await startFromTemplate(owner, projectId, 'restaurant');
    const before = await balance(owner.token);

    const key = `publish-${crypto.randomUUID()}`;
    const first = await publish(owner, projectId, site.draft!.id, key);
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { cost: number; replayed: boolean; url: string };
    expect(answer).toMatchObject({ cost: 1, replayed: false, url: 'http://restaurant-bahar.sites.test/' });
    const again = await publish(owner, projectId, site.draft!.id, key);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await balance(owner.token)).toBe(before - 1);
    expect((await readSite(owner, projectId)).site.publishedVersionId).toBe(site.draft!.id);

    // A link to a page that does not exist stops the publish, with what to fix.
    const pages = site.draft!.document.pages;
    const broken = await call('PUT', `/api/projects/${projectId}/site/draft`, {
      token: owner.token,
      body: { baseVersionId: site.draft!.id, operations: [{ op: 'remove_page', pageId: pages.find((p) => p.path === '/contact')!.id }] },
    });
    expect(broken.status).toBe(200);
    const draft = await readSite(owner, projectId);
    expect(draft.problems.map((p) => p.code)).toContain('link_unresolved');
    const refused = await publish(owner, projectId, draft.draft!.id);
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: { code: string; problems: { code: string }[] } };
    expect(body.error.code).toBe('SITE_004');
    expect(body.error.problems.map((p) => p.code)).toContain('link_unresolved');
    expect(await balance(owner.token)).toBe(before - 1);
    expect((await readSite(owner, projectId)).site.publishedVersionId).toBe(site.draft!.id);

    const off = await call('POST', `/api/projects/${projectId}/site/unpublish`, { token: owner.token });
    expect(off.status).toBe(200);
    expect((await readSite(owner, projectId)).site.publishedVersionId).toBeNull();
    expect(await balance(owner.token)).toBe(before - 1);
  });

  it('charges nothing and moves nothing without the credit', async () => {
    const { owner, projectId } = await ownerWithProject('Salon Zero', 0);
    const site = await startFromTemplate(owner, projectId, 'salon');
    const refused = await publish(owner, projectId, site.draft!.id);
    expect(await errorCode(refused)).toBe('CREDIT_001');
    expect((await readSite(owner, projectId)).site.publishedVersionId).toBeNull();
  });
});
