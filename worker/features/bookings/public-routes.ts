/**
 * The visitor's booking routes under /api/public (no account; rate-limited per client IP): a
 * project's booking page data, a service's free slots for a day (with a signed form token), a
 * hold with its checkout (class `booking`, Idempotency-Key, honeypot and form token), and the
 * confirmation page's view of one booking through its signed link. Contact details go in, never
 * out. A hold answers `checkoutUrl`, the provider's page (or the confirmation page when a
 * replayed hold has nothing left to pay).
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { availabilityQuery, holdBody, slugParam } from '../../../shared/booking';
import { lazy } from '../../../shared/lazy';
import { uuid } from '../../../shared/schemas';
import type { AppEnv } from '../../env';
import { AppError } from '../../errors/app-error';
import { requireIdempotencyKey } from '../../middleware/idempotency';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { deliverAfterResponse } from '../outbox/deliver';
import { confirmationUrl, startBookingCheckout } from './checkout';
import { bookingAvailability, cancelUnsentCheckout, createPublicHold, publicBooking, publicBookingPage } from './db';
import { bookingLinkToken, checkBookingLinkToken, checkFormToken, issueFormToken } from './tokens';

const bookingIdParam = lazy(() => z.strictObject({ id: uuid() }));
const linkQuery = lazy(() => z.strictObject({ token: z.string().check(z.maxLength(100)) }));

export const publicBookings = new Hono<AppEnv>()
  .get('/projects/:slug', rateLimit('api'), validate('param', slugParam), async (c) => {
    return c.json(await publicBookingPage(c.env, c.req.valid('param').slug));
  })
  .get('/projects/:slug/availability', rateLimit('api'), validate('param', slugParam), validate('query', availabilityQuery), async (c) => {
    const { service, date } = c.req.valid('query');
    const availability = await bookingAvailability(c.env, { slug: c.req.valid('param').slug, serviceId: service, date });
    const form = await issueFormToken(c.env, availability.serviceId);
    return c.json({ ...availability, formToken: form.token, formTokenExpiresAt: form.expiresAt });
  })
  .post(
    '/projects/:slug/holds',
    rateLimit('booking', { failClosed: true }),
    validate('param', slugParam),
    validate('json', holdBody),
    requireIdempotencyKey,
    async (c) => {
      const body = c.req.valid('json');
      const log = c.get('log');
      if (body.website) {
        log.info('booking.honeypot_filled');
        throw new AppError('REQ_004');
      }
      if (!(await checkFormToken(c.env, body.serviceId, body.formToken))) throw new AppError('BOOK_003');

      const hold = await createPublicHold(c.env, {
        slug: c.req.valid('param').slug,
        serviceId: body.serviceId,
        startsAt: body.startsAt,
        name: body.name,
        email: body.email ?? null,
        phone: body.phone ?? null,
        provider: body.provider,
        method: body.method ?? null,
        requestKey: c.get('idempotencyKey'),
      });
      const { booking, payment } = hold;
      const locale = body.locale ?? c.get('locale');
      const origin = new URL(c.req.url).origin;
      const linkToken = await bookingLinkToken(c.env, booking.id);
      const confirmation = confirmationUrl({ origin, locale, booking, linkToken });
      // A replay after the payment settled has nothing left to pay: the visitor goes to the confirmation page.
      let checkoutUrl = confirmation;
      if (payment.status === 'pending') {
        try {
          checkoutUrl = await startBookingCheckout(c.env, { payment, booking, locale, origin, linkToken, customerEmail: body.email });
        } catch (error) {
          // No payment page means no payment: the slot goes back at once.
          await cancelUnsentCheckout(c.env, payment);
          deliverAfterResponse(c.executionCtx, c.env, log);
          throw new AppError('SRV_003', { cause: error });
        }
      }
      deliverAfterResponse(c.executionCtx, c.env, log);
      log.info('booking.held', { bookingId: booking.id, paymentId: payment.id, provider: payment.provider, replayed: hold.replayed });
      if (hold.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(
        {
          booking,
          payment: {
            id: payment.id,
            provider: payment.provider,
            method: payment.method,
            status: payment.status,
            amountFils: payment.amount_fils,
            currency: payment.currency,
            expiresAt: payment.expires_at,
          },
          checkoutUrl,
          confirmationUrl: confirmation,
          token: linkToken,
        },
        hold.replayed ? 200 : 201,
      );
    },
  )
  .get('/bookings/:id', rateLimit('api'), validate('param', bookingIdParam), validate('query', linkQuery), async (c) => {
    const { id } = c.req.valid('param');
    // A wrong token looks exactly like a booking that does not exist.
    if (!(await checkBookingLinkToken(c.env, id, c.req.valid('query').token))) throw new AppError('NOT_FOUND_002');
    return c.json(await publicBooking(c.env, id));
  });
