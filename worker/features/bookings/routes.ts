/** GET /api/projects/:id/bookings: the bookings clients made on an owner's project, newest first, in keyset pages. */
import { Hono } from 'hono';
import { pageQuery, projectIdParam } from '../../../shared/schemas';
import { requireUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { bookingCursor } from './cursor';
import { projectBookingsPage, toOwnerBooking } from './db';

export const projectBookings = new Hono<AppEnv>().get(
  '/:id/bookings',
  requireUser({ paid: true }),
  rateLimit('api'),
  validate('param', projectIdParam),
  validate('query', pageQuery),
  async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const before = cursor ? bookingCursor.decode(cursor) : null;
    const rows = await projectBookingsPage(c.env, c.get('user'), { projectId: c.req.valid('param').id, limit, before });
    const last = rows.at(-1);
    return c.json({ bookings: rows.map(toOwnerBooking), nextCursor: rows.length === limit && last ? bookingCursor.encode(last) : null });
  },
);
