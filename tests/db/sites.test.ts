/**
 * Sites through the RPC surface: the site row made with its project, immutable versions and the
 * draft pointer (stale bases, concurrent saves, restore, the quota's pruning), publishing charged
 * once per key, what visitors see by slug or domain, and contact-form submissions with their
 * Make event.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase, userClaims } from '../support/db';
import { outboxOf } from './booking-fixtures';
import { asService, asUser, balanceAndLedger, call, expectCode, giveCredits, newProject } from './helpers';

const db = useTestDatabase();

/** A minimal document inside the SQL envelope; `title` tells versions apart. */
function documentOf(title: string, sections: Array<Record<string, unknown>> = []) {
  return { schemaVersion: 1, theme: { palette: 'sand' }, pages: [{ id: 'home', path: '/', title: { ar: title, en: title }, sections }] };
}

const CONTACT = { id: 'contact-1', type: 'contact_form', variant: 'simple', props: {} };

interface Saved {
  version: { id: string; number: number; parentId: string | null; madeBy: string; isDraft: boolean };
  site: { projectId: string; draftVersionId: string | null; publishedVersionId: string | null };
}

function save(userId: string, projectId: string, base: string | null, document: unknown, madeBy = 'owner', extra: unknown[] = []) {
  const more = ['p_summary', 'p_action', 'p_generation_id'].slice(0, extra.length).map((name, i) => `, ${name} => $${6 + i}`);
  return asService(db, `public.save_site_version($1, $2, $3, $4::jsonb, $5${more.join('')})`, [
    userId,
    projectId,
    base,
    JSON.stringify(document),
    madeBy,
    ...extra,
  ]) as Promise<Saved>;
}

/** A registered owner with a project, `credits` purchased credits and a first draft. */
async function siteOwner(slug: string, credits = 5, sections: Array<Record<string, unknown>> = [CONTACT]) {
  const owner = await db.newUser();
  const project = await newProject(db, owner, slug);
  if (credits > 0) await giveCredits(db, owner, { purchased: credits });
  const first = await save(owner, project, null, documentOf('v1', sections), 'template');
  return { owner, project, draft: first.version.id };
}

const publish = (owner: string, project: string, version: string, key: string) =>
  asUser(db, owner, `public.publish_site($1, $2, $3)`, [project, version, key]);

describe('site rows', () => {
  it('are created with the project, empty, and go with it', async () => {
    const owner = await db.newUser();
    const project = await newProject(db, owner, 'site-row');
    const site = await asUser(db, owner, `public.get_site($1)`, [project]);
    expect(site).toMatchObject({ projectId: project, slug: 'site-row', draftVersionId: null, publishedVersionId: null, draft: null });

    await giveCredits(db, owner, { purchased: 2 });
    const first = await save(owner, project, null, documentOf('v1', [CONTACT]));
    await save(owner, project, first.version.id, documentOf('v2', [CONTACT]));
    await publish(owner, project, (await asUser(db, owner, `public.get_site($1)`, [project])).draftVersionId, 'cascade');
    await asService(db, `public.submit_site_form($1, 'contact-1', '{"name":"x"}')`, [project]);
    expect(await asUser(db, owner, `public.delete_project($1)`, [project])).toEqual({ id: project });
    const { rows } = await db.admin.query(
      `select (select count(*) from public.sites where project_id = $1)::int as sites,
         (select count(*) from public.site_versions where project_id = $1)::int as versions,
         (select count(*) from public.site_publishes where project_id = $1)::int as publishes,
         (select count(*) from public.site_form_submissions where project_id = $1)::int as submissions`,
      [project],
    );
    expect(rows[0]).toEqual({ sites: 0, versions: 0, publishes: 0, submissions: 0 });
  });
});

describe('site lookups', () => {
  it('use indexes: slug key, domain name, published version', async () => {
    const plans: string[] = [];
    for (const sql of [
      `select id from public.projects where slug_key = private.fold_slug_letters('x')`,
      `select project_id from public.domains where name = 'x.com' and status = 'active'`,
      `select project_id from public.sites where published_version_id = gen_random_uuid()`,
    ]) {
      const client = await db.admin.connect();
      try {
        await client.query('begin');
        await client.query('set local enable_seqscan = off');
        plans.push((await client.query(`explain ${sql}`)).rows.map((r) => r['QUERY PLAN']).join(' '));
      } finally {
        await client.query('rollback');
        client.release();
      }
    }
    expect(plans[0]).toContain('projects_slug_key_unique');
    expect(plans[1]).toContain("Index Cond: (name = 'x.com'::text)");
    expect(plans[2]).toContain('sites_published_version_id_idx');
  });
});

describe('versions and the draft pointer', () => {
  it('save numbers versions, links each to its parent and moves the draft', async () => {
    const { owner, project, draft } = await siteOwner('site-save');
    const second = await save(owner, project, draft, documentOf('v2'), 'ai', ['Hero rewritten', 'simple_edit', crypto.randomUUID()]);
    expect(second.version).toMatchObject({ number: 2, parentId: draft, madeBy: 'ai', isDraft: true });
    expect(second.site.draftVersionId).toBe(second.version.id);

    const site = await asUser(db, owner, `public.get_site($1)`, [project]);
    expect(site.draft).toMatchObject({ id: second.version.id, number: 2, madeBy: 'ai', action: 'simple_edit' });
    expect(site.draft.document.pages[0].title.ar).toBe('v2');

    const list = await asUser(db, owner, `public.list_site_versions($1)`, [project]);
    expect(list.map((v: any) => [v.number, v.isDraft, v.summary])).toEqual([
      [2, true, 'Hero rewritten'],
      [1, false, null],
    ]);
    expect(list[0]).not.toHaveProperty('document');
    expect((await asUser(db, owner, `public.list_site_versions($1, 10, 2)`, [project])).map((v: any) => v.number)).toEqual([1]);
    const one = await asUser(db, owner, `public.get_site_version($1, $2)`, [project, draft]);
    expect(one.document.pages[0].title.ar).toBe('v1');
  });

  it('a stale base is SITE_002, and a first save must have no base', async () => {
    const { owner, project, draft } = await siteOwner('site-stale');
    await save(owner, project, draft, documentOf('v2'));
    await expectCode(save(owner, project, draft, documentOf('v2 again')), 'SITE_002');
    await expectCode(save(owner, project, null, documentOf('no base')), 'SITE_002');
    const other = await siteOwner('site-stale-other');
    // A version of another site is never this site's draft.
    await expectCode(save(owner, project, other.draft, documentOf('foreign base')), 'SITE_002');
  });

  it('refuses documents outside the envelope (SITE_003) and bad fields (REQ_004)', async () => {
    const { owner, project, draft } = await siteOwner('site-envelope');
    for (const bad of [
      [1, 2],
      'text',
      { schemaVersion: 2, pages: [] },
      { schemaVersion: 1 },
      { schemaVersion: 1, pages: {} },
      { schemaVersion: 1, pages: [], filler: 'x'.repeat(262_144) },
    ]) {
      await expectCode(save(owner, project, draft, bad), 'SITE_003');
    }
    await expectCode(save(owner, project, draft, documentOf('x'), 'robot'), 'REQ_004');
    await expectCode(save(owner, project, draft, documentOf('x'), 'ai'), 'REQ_004'); // ai without its action
    await expectCode(save(owner, project, draft, documentOf('x'), 'owner', ['s'.repeat(201)]), 'REQ_004');
    expect((await save(owner, project, draft, documentOf('ok'))).version.number).toBe(2);
  });

  it('only the owner, registered and existing, may save; strangers get NOT_FOUND_002', async () => {
    const { owner, project, draft } = await siteOwner('site-who');
    const stranger = await db.newUser();
    const anonymous = await db.newUser({ isAnonymous: true });
    await expectCode(save(stranger, project, draft, documentOf('x')), 'NOT_FOUND_002');
    await expectCode(save(anonymous, project, draft, documentOf('x')), 'AUTH_005');
    await expectCode(save(crypto.randomUUID(), project, draft, documentOf('x')), 'AUTH_007');
    await expectCode(save(owner, crypto.randomUUID(), null, documentOf('x')), 'NOT_FOUND_002');
  });

  it('concurrent saves on one base: exactly one wins, the rest are SITE_002', async () => {
    const { owner, project, draft } = await siteOwner('site-race');
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => save(owner, project, draft, documentOf(`racer ${i}`))));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((o) => o.reason.message)).toEqual(Array(7).fill('SITE_002'));
    const { rows } = await db.admin.query(`select count(*)::int as n from public.site_versions where project_id = $1`, [project]);
    expect(rows[0].n).toBe(2);
  });

  it('restore makes a forward version copying the old document, free', async () => {
    const { owner, project, draft } = await siteOwner('site-restore', 0);
    const second = await save(owner, project, draft, documentOf('v2'));
    const restored = await asUser(db, owner, `public.restore_site_version($1, $2, $3)`, [project, draft, second.version.id]);
    expect(restored.version).toMatchObject({ number: 3, parentId: second.version.id, madeBy: 'restore', isDraft: true });
    const site = await asUser(db, owner, `public.get_site($1)`, [project]);
    expect(site.draft.document.pages[0].title.ar).toBe('v1');
    await expectCode(asUser(db, owner, `public.restore_site_version($1, $2, $3)`, [project, draft, second.version.id]), 'SITE_002');
    await expectCode(
      asUser(db, owner, `public.restore_site_version($1, $2, $3)`, [project, crypto.randomUUID(), restored.version.id]),
      'NOT_FOUND_002',
    );
    expect((await balanceAndLedger(db, owner)).spends).toBe(0);
  });

  it('versions never change: update, delete and truncate are refused, the table owner included', async () => {
    const { owner, project, draft } = await siteOwner('site-immutable');
    await save(owner, project, draft, documentOf('v2'));
    for (const sql of [
      `update public.site_versions set summary = 'rewritten' where id = $1`,
      `update public.site_versions set parent_id = null where id = $1`,
      `delete from public.site_versions where id = $1`,
    ]) {
      await expect(db.admin.query(sql, [draft]), sql).rejects.toMatchObject({ code: '23001' });
    }
    await expect(db.admin.query(`truncate public.site_versions cascade`)).rejects.toMatchObject({ code: '23001' });
    for (const role of ['authenticated', 'service_role'] as const) {
      const claims = role === 'authenticated' ? userClaims(owner) : {};
      for (const sql of [`update public.site_versions set summary = 'x' where id = $1`, `delete from public.site_versions where id = $1`]) {
        await expect(
          db.as(role, claims, (c) => c.query(sql, [draft])),
          `${role}: ${sql}`,
        ).rejects.toMatchObject({ code: '42501' });
      }
      await expect(
        db.as(role, claims, (c) => c.query(`update public.sites set draft_version_id = $2 where project_id = $1`, [project, draft])),
      ).rejects.toMatchObject({ code: '42501' });
    }
    const { rows } = await db.admin.query(`select summary from public.site_versions where id = $1`, [draft]);
    expect(rows).toEqual([{ summary: null }]);
  });

  it('past the quota the oldest versions go, never the draft or the published one; children lose their parent', async () => {
    const { owner, project, draft } = await siteOwner('site-prune');
    await db.admin.query(`update private.site_limits set versions_per_project = 10`);
    try {
      const published = (await save(owner, project, draft, documentOf('v2'))).version.id;
      await publish(owner, project, published, 'prune-publish');
      let base = published;
      for (let i = 3; i <= 14; i++) base = (await save(owner, project, base, documentOf(`v${i}`))).version.id;
      const { rows } = await db.admin.query(
        `select number, parent_id is null as orphan from public.site_versions where project_id = $1 order by number`,
        [project],
      );
      // 14 saved, 10 kept: v2 (published) and the newest nine; v1 and v3..v5 pruned, one per save past 10.
      expect(rows.map((r) => r.number)).toEqual([2, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      expect(rows.filter((r) => r.orphan).map((r) => r.number)).toEqual([2, 6]);
      const site = await asUser(db, owner, `public.get_site($1)`, [project]);
      expect(site).toMatchObject({ publishedVersionId: published, draftVersionId: base });
    } finally {
      await db.admin.query(`update private.site_limits set versions_per_project = 200`);
    }
  });
  it("go with their owner's account, published site and inbox included", async () => {
    const { owner, project, draft } = await siteOwner('site-account', 2);
    await publish(owner, project, draft, 'account');
    await asService(db, `public.submit_site_form($1, 'contact-1', '{"name": "x"}')`, [project]);
    await db.admin.query(`delete from auth.users where id = $1`, [owner]);
    const { rows } = await db.admin.query(
      `select (select count(*) from public.sites where project_id = $1)::int as sites,
         (select count(*) from public.site_versions where project_id = $1)::int as versions,
         (select count(*) from public.site_form_submissions where project_id = $1)::int as submissions`,
      [project],
    );
    expect(rows[0]).toEqual({ sites: 0, versions: 0, submissions: 0 });
  });
});

describe('publishing', () => {
  it('charges one deployment credit once per key; a repeat is replayed and charges nothing', async () => {
    const { owner, project, draft } = await siteOwner('site-publish', 3);
    const first = await publish(owner, project, draft, 'publish-1');
    expect(first).toMatchObject({ replayed: false, cost: 1, balance: { total: 2 }, site: { publishedVersionId: draft } });
    expect(first.publish).toMatchObject({ versionId: draft, versionNumber: 1 });
    const again = await publish(owner, project, draft, 'publish-1');
    expect(again).toMatchObject({ replayed: true, cost: 1, balance: { total: 2 }, publish: first.publish });
    expect(await balanceAndLedger(db, owner)).toEqual({ balance: 2, ledger: 2, spends: 1 });
    const { rows } = await db.admin.query(`select action, project_id from public.credit_ledger where id = $1`, [first.publish.ledgerId]);
    expect(rows).toEqual([{ action: 'deployment', project_id: project }]);

    // The same version again under a new key is SITE_004; the key for another version is REQ_006.
    await expectCode(publish(owner, project, draft, 'publish-2'), 'SITE_004');
    const next = (await save(owner, project, draft, documentOf('v2'))).version.id;
    await expectCode(publish(owner, project, next, 'publish-1'), 'REQ_006');
    await expectCode(publish(owner, project, draft, 'publish-3'), 'SITE_002'); // no longer the draft
    expect((await publish(owner, project, next, 'publish-3')).site.publishedVersionId).toBe(next);
    expect(await balanceAndLedger(db, owner)).toEqual({ balance: 1, ledger: 1, spends: 2 });
  });

  it('with no credits is CREDIT_001 and nothing moves', async () => {
    const { owner, project, draft } = await siteOwner('site-broke', 0);
    await expectCode(publish(owner, project, draft, 'broke'), 'CREDIT_001');
    const site = await asUser(db, owner, `public.get_site($1)`, [project]);
    expect(site).toMatchObject({ publishedVersionId: null, publishedAt: null });
    const { rows } = await db.admin.query(`select count(*)::int as n from public.site_publishes where project_id = $1`, [project]);
    expect(rows[0].n).toBe(0);
  });

  it('the same key sent 6 times at once publishes and charges once', async () => {
    const { owner, project, draft } = await siteOwner('site-publish-race', 5);
    const answers = await Promise.all(Array.from({ length: 6 }, () => publish(owner, project, draft, 'race-key')));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(await balanceAndLedger(db, owner)).toEqual({ balance: 4, ledger: 4, spends: 1 });
  });

  it('unpublish clears the pointer for free; strangers and anonymous sign-ins reach nothing', async () => {
    const { owner, project, draft } = await siteOwner('site-unpublish', 2);
    await publish(owner, project, draft, 'up');
    const stranger = await db.newUser();
    const anonymous = await db.newUser({ isAnonymous: true });
    for (const sql of [
      `public.get_site($1)`,
      `public.list_site_versions($1)`,
      `public.unpublish_site($1)`,
      `public.site_form_submissions($1)`,
      `public.publish_site($1, '${draft}', 'stranger')`,
      `public.get_site_version($1, '${draft}')`,
    ]) {
      await expectCode(asUser(db, stranger, sql, [project]), 'NOT_FOUND_002');
      await expectCode(asUser(db, anonymous, sql, [project]), 'AUTH_005');
    }
    const site = await asUser(db, owner, `public.unpublish_site($1)`, [project]);
    expect(site).toMatchObject({ publishedVersionId: null, publishedAt: null, draftVersionId: draft });
    expect(await asUser(db, owner, `public.unpublish_site($1)`, [project])).toMatchObject({ publishedVersionId: null });
    expect(await balanceAndLedger(db, owner)).toEqual({ balance: 1, ledger: 1, spends: 1 });
    // Published again after unpublishing: the same version is allowed and charged.
    expect((await publish(owner, project, draft, 'up-again')).site.publishedVersionId).toBe(draft);
  });
});

const anon = (sql: string, params: unknown[] = []) =>
  call<{ result: any }>(db, 'anon', {}, `select ${sql} as result`, params).then((rows) => rows[0]!.result);

describe('what visitors see', () => {
  it('by slug, under look-alike spellings, only once published, without drafts', async () => {
    const { owner, project, draft } = await siteOwner('عيادة-الشفاء', 2);
    expect(await anon(`public.published_site(p_slug => 'عيادة-الشفاء')`)).toBeNull();
    expect(await anon(`public.published_site_document($1)`, [draft])).toBeNull();

    const published = await publish(owner, project, draft, 'visible');
    const site = { projectId: project, slug: 'عيادة-الشفاء', versionId: draft, publishedAt: published.site.publishedAt };
    expect(await anon(`public.published_site(p_slug => 'عيادة-الشفاء')`)).toEqual(site);
    expect(await anon(`public.published_site(p_slug => 'عياده-الشفاء')`)).toEqual(site);
    expect(await anon(`public.published_site(p_slug => 'nobody-here')`)).toBeNull();
    expect(await anon(`public.published_site()`)).toBeNull();

    const next = (await save(owner, project, draft, documentOf('secret draft'))).version.id;
    expect(await anon(`public.published_site_document($1)`, [next])).toBeNull();
    const document = await anon(`public.published_site_document($1)`, [draft]);
    expect(document).toMatchObject({ projectId: project, slug: 'عيادة-الشفاء', projectName: 'Project عيادة-الشفاء', versionId: draft });
    expect(document.document.pages[0].title.ar).toBe('v1');
    expect(document.services).toEqual([]);

    // Visitors cannot read the tables themselves.
    for (const table of ['sites', 'site_versions', 'site_publishes', 'site_form_submissions']) {
      await expect(db.as('anon', {}, (c) => c.query(`select 1 from public.${table}`))).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('by an active domain (any case, trailing dot), never by a pending one', async () => {
    const { owner, project, draft } = await siteOwner('site-domain', 2);
    await db.admin.query(`insert into public.domains (project_id, name, status) values ($1, 'clinic-live.com', 'active')`, [project]);
    await db.admin.query(`insert into public.domains (project_id, name, status) values ($1, 'clinic-pending.com', 'pending_payment')`, [
      project,
    ]);
    expect(await anon(`public.published_site(p_domain => 'clinic-live.com')`)).toBeNull(); // not published yet
    await publish(owner, project, draft, 'domain');
    expect(await anon(`public.published_site(p_domain => 'Clinic-Live.COM.')`)).toMatchObject({ projectId: project, versionId: draft });
    expect(await anon(`public.published_site(p_domain => 'clinic-pending.com')`)).toBeNull();
    expect(await anon(`public.published_site(p_domain => 'unknown.com')`)).toBeNull();
  });

  it("lists the project's active services with public fields only", async () => {
    const { owner, project, draft } = await siteOwner('site-services', 2);
    await db.admin.query(
      `insert into public.services (project_id, name_ar, name_en, duration_minutes, price_fils, buffer_minutes, active)
       values ($1, 'جلسة', 'Session', 60, 5000, 10, true), ($1, 'قديمة', 'Old', 30, 1000, 0, false)`,
      [project],
    );
    await publish(owner, project, draft, 'services');
    const document = await anon(`public.published_site_document($1)`, [draft]);
    expect(document.services).toEqual([
      { id: expect.any(String), name_ar: 'جلسة', name_en: 'Session', duration_minutes: 60, price_fils: 5000, currency: 'KWD' },
    ]);
  });
});

describe('contact forms', () => {
  const submit = (project: string, section: string, fields: unknown, at?: string) =>
    asService(db, `public.submit_site_form($1, $2, $3::jsonb)`, [project, section, JSON.stringify(fields)], at);

  it('are accepted only for a contact_form section of the published version, with their Make event', async () => {
    const { owner, project, draft } = await siteOwner('site-form', 2, [CONTACT, { id: 'hero-1', type: 'hero', props: {} }]);
    await expectCode(submit(project, 'contact-1', { name: 'Fatima' }), 'SITE_001'); // not published yet
    await publish(owner, project, draft, 'form');
    await expectCode(submit(project, 'hero-1', { name: 'Fatima' }), 'SITE_001');
    await expectCode(submit(project, 'contact-9', { name: 'Fatima' }), 'SITE_001');
    await expectCode(submit(crypto.randomUUID(), 'contact-1', { name: 'Fatima' }), 'SITE_001');

    // A contact form only in the draft does not take messages.
    await save(owner, project, draft, documentOf('v2', [CONTACT, { ...CONTACT, id: 'contact-2' }]));
    await expectCode(submit(project, 'contact-2', { name: 'Fatima' }), 'SITE_001');

    const { id } = await submit(project, 'contact-1', { name: 'فاطمة', message: 'أريد موعداً' });
    const [event, ...others] = await outboxOf(db, `form_submission:${id}`);
    expect(others).toEqual([]);
    expect(event).toMatchObject({ topic: 'form.submitted', project_id: project });
    expect(event!.payload).toMatchObject({ submission_id: id, project_id: project, section_id: 'contact-1', project_slug: 'site-form' });

    const inbox = await asUser(db, owner, `public.site_form_submissions($1)`, [project]);
    expect(inbox).toEqual([
      { id, sectionId: 'contact-1', fields: { name: 'فاطمة', message: 'أريد موعداً' }, createdAt: expect.any(String), readAt: null },
    ]);
    const read = await asUser(db, owner, `public.mark_site_form_read($1, $2)`, [project, id]);
    expect(read.readAt).not.toBeNull();
    expect((await asUser(db, owner, `public.mark_site_form_read($1, $2)`, [project, id])).readAt).toBe(read.readAt);
    const stranger = await db.newUser();
    await expectCode(asUser(db, stranger, `public.mark_site_form_read($1, $2)`, [project, id]), 'NOT_FOUND_002');
    const strangerRows = await call(
      db,
      'authenticated',
      userClaims(stranger),
      `select id from public.site_form_submissions where project_id = $1`,
      [project],
    );
    expect(strangerRows).toEqual([]);
  });

  it('refuse fields that are not 1 to 8 short strings (REQ_004)', async () => {
    const { owner, project, draft } = await siteOwner('site-form-fields', 2);
    await publish(owner, project, draft, 'fields');
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, 'x']));
    for (const bad of [{}, [], 'text', { n: 1 }, { n: { nested: 'x' } }, { n: 'x'.repeat(2001) }, nine, { ['k'.repeat(65)]: 'x' }]) {
      await expectCode(submit(project, 'contact-1', bad), 'REQ_004');
    }
    await expectCode(
      submit(project, 'contact-1', Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, 'ي'.repeat(1000)]))),
      'REQ_004',
    ); // each field short enough, 10 KB in all
    expect((await submit(project, 'contact-1', { name: 'x' })).id).toEqual(expect.any(String));
  });

  it('stop at the hourly cap of the project (SITE_005) and open again an hour later', async () => {
    const { owner, project, draft } = await siteOwner('site-form-cap', 2);
    await publish(owner, project, draft, 'cap');
    await db.admin.query(`update private.site_limits set form_submissions_per_hour = 3`);
    try {
      const at = '2030-01-01T10:00:00Z';
      for (let i = 0; i < 3; i++) await submit(project, 'contact-1', { n: `${i}` }, at);
      await expectCode(submit(project, 'contact-1', { n: 'over' }, '2030-01-01T10:30:00Z'), 'SITE_005');
      expect((await submit(project, 'contact-1', { n: 'later' }, '2030-01-01T11:00:01Z')).id).toEqual(expect.any(String));
      const page = await asUser(db, owner, `public.site_form_submissions($1, 2)`, [project]);
      expect(page.map((s: any) => s.fields.n)).toEqual(['later', expect.any(String)]);
      const older = await asUser(db, owner, `public.site_form_submissions($1, 10, $2)`, [project, '2030-01-01T11:00:00Z']);
      expect(older).toHaveLength(3);
    } finally {
      await db.admin.query(`update private.site_limits set form_submissions_per_hour = 100`);
    }
  });
});
