/** /api/projects through the Worker: the owner's CRUD, Arabic slugs, and strangers kept out. */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, errorCode, newUser } from '../../../support/api';

interface Project {
  id: string;
  name: string;
  slug: string;
}

async function create(tokenValue: string, body: Record<string, unknown>) {
  const response = await call('POST', '/api/projects', { token: tokenValue, body });
  return { response, project: response.status === 201 ? ((await response.json()) as { project: Project }).project : undefined };
}

describe('projects', () => {
  it('creates, lists, reads, renames and deletes a project with an Arabic slug', async () => {
    const owner = await newUser();
    const { response, project } = await create(owner.token, { name: 'مطعم الخليج' });
    expect(response.status).toBe(201);
    expect(project).toMatchObject({ name: 'مطعم الخليج', slug: 'مطعم-الخليج' });
    expect(Object.keys(project!).sort()).toEqual(['createdAt', 'id', 'name', 'slug', 'updatedAt']);

    const list = (await (await call('GET', '/api/projects', { token: owner.token })).json()) as { projects: Project[] };
    expect(list.projects.map((p) => p.id)).toEqual([project!.id]);

    const read = await call('GET', `/api/projects/${project!.id}`, { token: owner.token });
    expect(((await read.json()) as { project: Project }).project.name).toBe('مطعم الخليج');

    const renamed = await call('PATCH', `/api/projects/${project!.id}`, { token: owner.token, body: { name: 'مطعم الخليج الجديد' } });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { project: Project }).project).toMatchObject({ name: 'مطعم الخليج الجديد', slug: 'مطعم-الخليج' });

    const deleted = await call('DELETE', `/api/projects/${project!.id}`, { token: owner.token });
    expect(deleted.status).toBe(204);
    const gone = await call('GET', `/api/projects/${project!.id}`, { token: owner.token });
    expect(gone.status).toBe(404);
    expect(await errorCode(gone)).toBe('NOT_FOUND_002');
  });

  it('gives a taken derived slug a suffix, and refuses a taken chosen slug with PROJ_001', async () => {
    const a = await newUser();
    const b = await newUser();
    const name = `Salon ${crypto.randomUUID().slice(0, 8)}`;
    const first = await create(a.token, { name });
    const second = await create(b.token, { name });
    expect(second.project!.slug).toMatch(new RegExp(`^${first.project!.slug}-[0-9a-f]{4}$`));

    const chosen = await create(b.token, { name: 'Other', slug: first.project!.slug });
    expect(chosen.response.status).toBe(409);
    expect(await errorCode(chosen.response)).toBe('PROJ_001');
  });

  it("keeps the owner's Arabic spelling in the slug; a look-alike spelling is the same address", async () => {
    const a = await newUser();
    const b = await newUser();
    const tag = crypto.randomUUID().slice(0, 8);
    const first = await create(a.token, { name: `عيادة الشفاء ${tag}` });
    expect(first.project!.slug).toBe(`عيادة-الشفاء-${tag}`);
    const hamza = await create(a.token, { name: `مستشفى أحمد ${tag}` });
    expect(hamza.project!.slug).toBe(`مستشفى-أحمد-${tag}`);

    const chosen = await create(b.token, { name: 'عياده الشفاء', slug: `عياده-الشفاء-${tag}` });
    expect(chosen.response.status).toBe(409);
    expect(await errorCode(chosen.response)).toBe('PROJ_001');
    const derived = await create(b.token, { name: `عياده الشفاء ${tag}` });
    expect(derived.project!.slug).toMatch(new RegExp(`^عياده-الشفاء-${tag}-[0-9a-f]{4}$`));

    for (const spelling of [`عياده-الشفاء-${tag}`, `مستشفي-احمد-${tag}`]) {
      const page = await call('GET', `/api/public/projects/${encodeURIComponent(spelling)}`);
      expect(page.status, spelling).toBe(200);
      expect(((await page.json()) as { project: { slug: string } }).project.slug).toBe(
        spelling.startsWith('ع') ? first.project!.slug : hamza.project!.slug,
      );
    }
  });

  it('validates names, slugs and ids', async () => {
    const owner = await newUser();
    for (const body of [{ name: '' }, { name: 'x'.repeat(81) }, { name: 'ok', slug: 'Not Valid' }, { name: 'ok', owner_id: owner.id }]) {
      const { response } = await create(owner.token, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
    const badId = await call('GET', '/api/projects/not-a-uuid', { token: owner.token });
    expect(badId.status).toBe(422);
  });

  it("keeps a stranger out of another owner's project and its bookings", async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const { project } = await create(owner.token, { name: 'Private clinic' });
    for (const [method, path, body] of [
      ['GET', `/api/projects/${project!.id}`],
      ['PATCH', `/api/projects/${project!.id}`, { name: 'hijacked' }],
      ['DELETE', `/api/projects/${project!.id}`],
      ['GET', `/api/projects/${project!.id}/bookings`],
    ] as const) {
      const response = await call(method, path, { token: stranger.token, body });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await errorCode(response)).toBe('NOT_FOUND_002');
    }
    const list = (await (await call('GET', '/api/projects', { token: stranger.token })).json()) as { projects: Project[] };
    expect(list.projects).toEqual([]);
    const still = (await (await call('GET', `/api/projects/${project!.id}`, { token: owner.token })).json()) as { project: Project };
    expect(still.project.name).toBe('Private clinic');
  });

  it("shows the owner their clients' bookings, newest slot first, in keyset pages", async () => {
    const owner = await newUser();
    const { project } = await create(owner.token, { name: 'Studio' });
    const base = Date.parse('2026-12-01T06:00:00Z');
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${env.SUPABASE_URL}/rest/v1/rpc/create_booking_hold`, {
        method: 'POST',
        headers: {
          apikey: env.SUPABASE_SERVICE_ROLE_KEY,
          Authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          p_project_id: project!.id,
          p_starts_at: new Date(base + i * 3_600_000).toISOString(),
          p_ends_at: new Date(base + i * 3_600_000 + 1_800_000).toISOString(),
          p_client_name: `عميل ${i}`,
          p_client_email: `client${i}@example.test`,
        }),
      });
      expect(response.status).toBe(200);
    }
    const first = (await (await call('GET', `/api/projects/${project!.id}/bookings?limit=2`, { token: owner.token })).json()) as {
      bookings: Array<{ startsAt: string; status: string; client: { name: string } }>;
      nextCursor: string;
    };
    expect(first.bookings.map((b) => b.client.name)).toEqual(['عميل 2', 'عميل 1']);
    expect(first.bookings[0]!.status).toBe('held');
    const second = (await (
      await call('GET', `/api/projects/${project!.id}/bookings?limit=2&cursor=${first.nextCursor}`, { token: owner.token })
    ).json()) as typeof first;
    expect(second.bookings.map((b) => b.client.name)).toEqual(['عميل 0']);
    expect(second.nextCursor).toBeNull();
  });
});
