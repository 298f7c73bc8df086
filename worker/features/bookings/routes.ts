/**
 * The owner's booking routes under /api/projects/:id (paid users, the project's owner only; the
 * database refuses anyone else with NOT_FOUND_002): the bookings clients made (keyset pages),
 * services, weekly hours, closed dates, booking settings, and cancelling a booking.
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { bookingSettingsBody, closedDatesBody, hoursBody, serviceBody } from '../../../shared/booking';
import { lazy } from '../../../shared/lazy';
import { pageQuery, projectIdParam, uuid } from '../../../shared/schemas';
import { requireUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { deliverAfterResponse } from '../outbox/deliver';
import { bookingCursor } from './cursor';
import {
  bookingSetup,
  cancelBooking,
  projectBookingsPage,
  saveService,
  setBookingSettings,
  setClosedDates,
  setOpeningHours,
  toOwnerBooking,
} from './db';

const serviceParam = lazy(() => z.strictObject({ id: uuid(), serviceId: uuid() }));
const bookingParam = lazy(() => z.strictObject({ id: uuid(), bookingId: uuid() }));
const owner = [requireUser({ paid: true }), rateLimit('api')] as const;

export const projectBookings = new Hono<AppEnv>()
  .get('/:id/bookings', ...owner, validate('param', projectIdParam), validate('query', pageQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const before = cursor ? bookingCursor.decode(cursor) : null;
    const rows = await projectBookingsPage(c.env, c.get('user'), { projectId: c.req.valid('param').id, limit, before });
    const last = rows.at(-1);
    return c.json({ bookings: rows.map(toOwnerBooking), nextCursor: rows.length === limit && last ? bookingCursor.encode(last) : null });
  })
  .post('/:id/bookings/:bookingId/cancel', ...owner, validate('param', bookingParam), async (c) => {
    const { id, bookingId } = c.req.valid('param');
    const booking = await cancelBooking(c.env, c.get('user'), id, bookingId);
    // The cancellation wrote its Make and Calendar events: send them now rather than at the next cron run.
    deliverAfterResponse(c.executionCtx, c.env, c.get('log'));
    return c.json({ booking });
  })
  .get('/:id/services', ...owner, validate('param', projectIdParam), async (c) => {
    const { services } = await bookingSetup(c.env, c.get('user'), c.req.valid('param').id);
    return c.json({ services });
  })
  .post('/:id/services', ...owner, validate('param', projectIdParam), validate('json', serviceBody), async (c) => {
    const service = await saveService(c.env, c.get('user'), c.req.valid('param').id, null, c.req.valid('json'));
    return c.json({ service }, 201);
  })
  .put('/:id/services/:serviceId', ...owner, validate('param', serviceParam), validate('json', serviceBody), async (c) => {
    const { id, serviceId } = c.req.valid('param');
    return c.json({ service: await saveService(c.env, c.get('user'), id, serviceId, c.req.valid('json')) });
  })
  .get('/:id/hours', ...owner, validate('param', projectIdParam), async (c) => {
    const { hours } = await bookingSetup(c.env, c.get('user'), c.req.valid('param').id);
    return c.json({ hours });
  })
  .put('/:id/hours', ...owner, validate('param', projectIdParam), validate('json', hoursBody), async (c) => {
    return c.json({ hours: await setOpeningHours(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('json').hours) });
  })
  .get('/:id/closed-dates', ...owner, validate('param', projectIdParam), async (c) => {
    const { closedDates } = await bookingSetup(c.env, c.get('user'), c.req.valid('param').id);
    return c.json({ dates: closedDates });
  })
  .put('/:id/closed-dates', ...owner, validate('param', projectIdParam), validate('json', closedDatesBody), async (c) => {
    return c.json({ dates: await setClosedDates(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('json').dates) });
  })
  .get('/:id/booking-settings', ...owner, validate('param', projectIdParam), async (c) => {
    const { settings } = await bookingSetup(c.env, c.get('user'), c.req.valid('param').id);
    return c.json({ settings });
  })
  .put('/:id/booking-settings', ...owner, validate('param', projectIdParam), validate('json', bookingSettingsBody), async (c) => {
    return c.json({ settings: await setBookingSettings(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('json')) });
  });
