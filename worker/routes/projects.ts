/**
 * /api/projects: the owner's sites (list, create, read, rename, delete) and the bookings their
 * clients made. Slugs come from the name (shared/slug.ts) unless one is given; a derived slug
 * that is taken gets a short suffix, a chosen one answers PROJ_001.
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { createProjectBody, pageQuery, renameProjectBody, uuid } from '../../shared/schemas';
import { SLUG_MAX_LENGTH, slugify } from '../../shared/slug';
import { requireUser } from '../auth/middleware';
import { rpc } from '../db/rpc';
import type { AppEnv } from '../env';
import { AppError } from '../errors/app-error';
import { validate } from '../errors/handler';
import { rateLimit } from '../rate-limit/middleware';

interface DbProject {
  id: string;
  name: string;
  slug: string;
  created_at: string;
  updated_at: string;
}

interface DbBooking {
  id: string;
  starts_at: string;
  ends_at: string;
  status: string;
  hold_expires_at: string | null;
  client_name: string;
  client_email: string | null;
  client_phone: string | null;
  created_at: string;
}

const toProject = (row: DbProject) => ({ id: row.id, name: row.name, slug: row.slug, createdAt: row.created_at, updatedAt: row.updated_at });

const idParam = z.strictObject({ id: uuid });

const SLUG_ATTEMPTS = 3;

function withSuffix(base: string): string {
  const suffix = crypto.randomUUID().slice(0, 4);
  return `${base.slice(0, SLUG_MAX_LENGTH - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

/** Keyset cursor for bookings: the last row's start time and id, opaque to clients. */
const bookingCursor = {
  encode: (row: DbBooking) => btoa(`${row.starts_at}|${row.id}`).replace(/=+$/, ''),
  decode(cursor: string): { startsAt: string; id: string } {
    const [startsAt, id] = atob(cursor).split('|');
    if (!startsAt || !id || Number.isNaN(Date.parse(startsAt)) || !uuid.safeParse(id).success) {
      throw new AppError('REQ_004', { fields: ['cursor'] });
    }
    return { startsAt, id };
  },
};

export const projects = new Hono<AppEnv>()
  .use(requireUser({ paid: true }), rateLimit('api'))
  .get('/', async (c) => {
    const rows = await rpc<DbProject[]>(c.env, 'list_projects', {}, c.get('user'));
    return c.json({ projects: rows.map(toProject) });
  })
  .post('/', validate('json', createProjectBody), async (c) => {
    const { name, slug: chosen } = c.req.valid('json');
    const base = chosen ?? (slugify(name) || 'site');
    for (let attempt = 0; ; attempt++) {
      const slug = chosen || attempt === 0 ? base : withSuffix(base);
      try {
        const row = await rpc<DbProject>(c.env, 'create_project', { p_name: name, p_slug: slug }, c.get('user'));
        return c.json({ project: toProject(row) }, 201);
      } catch (error) {
        const retry = error instanceof AppError && error.code === 'PROJ_001' && !chosen && attempt + 1 < SLUG_ATTEMPTS;
        if (!retry) throw error;
      }
    }
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const row = await rpc<DbProject>(c.env, 'get_project', { p_project_id: c.req.valid('param').id }, c.get('user'));
    return c.json({ project: toProject(row) });
  })
  .patch('/:id', validate('param', idParam), validate('json', renameProjectBody), async (c) => {
    const row = await rpc<DbProject>(
      c.env,
      'rename_project',
      { p_project_id: c.req.valid('param').id, p_name: c.req.valid('json').name },
      c.get('user'),
    );
    return c.json({ project: toProject(row) });
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    await rpc<{ id: string }>(c.env, 'delete_project', { p_project_id: c.req.valid('param').id }, c.get('user'));
    return c.body(null, 204);
  })
  .get('/:id/bookings', validate('param', idParam), validate('query', pageQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const before = cursor ? bookingCursor.decode(cursor) : null;
    const rows = await rpc<DbBooking[]>(
      c.env,
      'project_bookings',
      { p_project_id: c.req.valid('param').id, p_limit: limit, p_before_starts_at: before?.startsAt ?? null, p_before_id: before?.id ?? null },
      c.get('user'),
    );
    const bookings = rows.map((row) => ({
      id: row.id,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      status: row.status,
      holdExpiresAt: row.hold_expires_at,
      client: { name: row.client_name, email: row.client_email, phone: row.client_phone },
      createdAt: row.created_at,
    }));
    const last = rows.at(-1);
    return c.json({ bookings, nextCursor: rows.length === limit && last ? bookingCursor.encode(last) : null });
  });
