/** GET /api/me: the signed-in user's plan and credit summary, as the dashboard header needs it. */
import { Hono } from 'hono';
import { requireUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { rateLimit } from '../../rate-limit/middleware';
import { getMe } from './db';

export const me = new Hono<AppEnv>().get('/', requireUser({ paid: false }), rateLimit('api'), async (c) => {
  return c.json(await getMe(c.env, c.get('user')));
});
