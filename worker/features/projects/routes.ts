/** /api/projects: the owner's sites (list, create, read, rename, delete with their files). */
import { Hono } from 'hono';
import { createProjectBody, projectIdParam, renameProjectBody } from '../../../shared/schemas';
import { requireUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { createProject } from './create';
import { getProject, listProjects, renameProject } from './db';
import { deleteProjectAndFiles } from './delete';

export const projects = new Hono<AppEnv>()
  .get('/', requireUser({ paid: true }), rateLimit('api'), async (c) => {
    return c.json({ projects: await listProjects(c.env, c.get('user')) });
  })
  .post('/', requireUser({ paid: true }), rateLimit('api'), validate('json', createProjectBody), async (c) => {
    return c.json({ project: await createProject(c.env, c.get('user'), c.req.valid('json')) }, 201);
  })
  .get('/:id', requireUser({ paid: true }), rateLimit('api'), validate('param', projectIdParam), async (c) => {
    return c.json({ project: await getProject(c.env, c.get('user'), c.req.valid('param').id) });
  })
  .patch(
    '/:id',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', projectIdParam),
    validate('json', renameProjectBody),
    async (c) => {
      return c.json({ project: await renameProject(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('json').name) });
    },
  )
  .delete('/:id', requireUser({ paid: true }), rateLimit('api'), validate('param', projectIdParam), async (c) => {
    await deleteProjectAndFiles(c.env, c.get('user'), c.req.valid('param').id);
    return c.body(null, 204);
  });
