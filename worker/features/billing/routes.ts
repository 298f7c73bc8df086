/**
 * /api/billing: checkout (a plan month or a credit pack, UPayments K-Net or card, or Stripe), the
 * owner's payment status for the page to poll, and the provider's return; /api/webhooks: the
 * UPayments notification (a hint, confirmed through the status API) and Stripe's signed events.
 * Webhooks read raw bodies of any content type, so app.ts mounts them before the JSON body guard.
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { lazy } from '../../../shared/lazy';
import { checkoutBody, paymentIdParam, PAYMENT_PROVIDERS } from '../../../shared/schemas';
import { requireUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { AppError } from '../../errors/app-error';
import { limitBodySize } from '../../middleware/body-guard';
import { requireIdempotencyKey } from '../../middleware/idempotency';
import { validate } from '../../middleware/validate';
import { ProviderError } from '../../providers/http';
import { StripeSignatureError, verifyWebhook } from '../../providers/stripe/webhook';
import { hintFromNotification } from '../../providers/upayments/notification';
import { rateLimit, rateLimitByIp } from '../../rate-limit/middleware';
import { startCheckout } from './checkout';
import { stripeWebhookSecret } from './config';
import { getPayment, toPayment } from './db';
import { deliverAfterResponse } from '../outbox/deliver';
import { settleReturn } from './return';
import type { Settlement } from './settlement';
import { applyStripeEvent } from './stripe';
import { settleUpaymentsPayment } from './upayments';

const providerParam = lazy(() => z.strictObject({ provider: z.enum(PAYMENT_PROVIDERS) }));

/** What a settlement is worth logging: ids and states, never amounts' owners or bodies. */
const summary = (settlement: Settlement) =>
  settlement.state === 'applied'
    ? {
        state: settlement.state,
        paymentId: settlement.payment.id,
        status: settlement.payment.status,
        replayed: settlement.payment.replayed,
      }
    : settlement;

export const billing = new Hono<AppEnv>()
  .post(
    '/checkout',
    requireUser({ paid: true }),
    rateLimit('api', { failClosed: true }),
    validate('json', checkoutBody),
    requireIdempotencyKey,
    async (c) => {
      const { replayed, checkout } = await startCheckout(c.env, c.get('user'), c.req.valid('json'), {
        origin: new URL(c.req.url).origin,
        locale: c.get('locale'),
        idempotencyKey: c.get('idempotencyKey'),
        log: c.get('log'),
      });
      if (replayed) c.header('Idempotent-Replayed', 'true');
      c.get('log').info('billing.checkout', { paymentId: checkout.paymentId, provider: checkout.provider, replayed });
      return c.json(checkout, replayed ? 200 : 201);
    },
  )
  .get('/payments/:id', requireUser({ paid: true }), rateLimit('api'), validate('param', paymentIdParam), async (c) => {
    return c.json({ payment: toPayment(await getPayment(c.env, c.get('user'), c.req.valid('param').id)) });
  })
  .get('/return/:provider', rateLimitByIp('api'), validate('param', providerParam), async (c) => {
    const location = await settleReturn(c.env, c.req.valid('param').provider, new URL(c.req.url), c.get('log'));
    // What the settlement wrote to the outbox (booking.confirmed, payment.succeeded…) goes out now, not at the next cron.
    deliverAfterResponse(c.executionCtx, c.env, c.get('log'));
    c.header('Cache-Control', 'no-store');
    return c.redirect(location, 303);
  });

export const webhooks = new Hono<AppEnv>()
  .use(limitBodySize)
  .post('/upayments', rateLimitByIp('webhooks'), async (c) => {
    const hint = hintFromNotification(await c.req.text());
    if (!hint) throw new AppError('REQ_004', { fields: ['track_id'] });
    let settlement: Settlement;
    try {
      settlement = await settleUpaymentsPayment(c.env, { trackId: hint.trackId, ...(hint.orderId ? { paymentId: hint.orderId } : {}) });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      c.get('log').warn('billing.upayments_status_failed', { kind: error.kind, message: error.message });
      // No such transaction: nothing to settle. Otherwise UPayments may retry; the cron re-checks anyway.
      if (error.kind === 'rejected') return c.json({ received: true });
      throw new AppError('PAY_003', { cause: error });
    }
    c.get('log').info('billing.upayments_notification', summary(settlement));
    if (settlement.state === 'applied') deliverAfterResponse(c.executionCtx, c.env, c.get('log'));
    return c.json({ received: true });
  })
  .post('/stripe', rateLimitByIp('webhooks'), async (c) => {
    const secret = stripeWebhookSecret(c.env);
    const rawBody = await c.req.text();
    let event;
    try {
      event = await verifyWebhook(secret, rawBody, c.req.header('Stripe-Signature'), Math.floor(Date.now() / 1000));
    } catch (error) {
      if (!(error instanceof StripeSignatureError)) throw error;
      c.get('log').warn('billing.stripe_signature_refused', { reason: error.reason });
      throw new AppError('PAY_005');
    }
    const settlement = await applyStripeEvent(c.env, event, rawBody);
    c.get('log').info('billing.stripe_event', { eventId: event.id, type: event.type, ...summary(settlement) });
    if (settlement.state === 'applied') deliverAfterResponse(c.executionCtx, c.env, c.get('log'));
    return c.json({ received: true });
  });
