/**
 * Section 5, Stripe webhooks through the real route. Checkouts are made as the product makes them
 * (create_payment, Checkout Session on the fake Stripe of tests/fakes, set_payment_checkout), the
 * fake completes them and hands back the signed `checkout.session.completed` deliveries without
 * sending them; the bench POSTs them to POST /api/webhooks/stripe under `wrangler dev`.
 * Measured: deliveries verified and applied per second by the route (beside verification alone,
 * in Node), and N concurrent deliveries of one event → effects applied (credit rows for the
 * payment; must be 1), beside a handler that checks the payment's status and then updates it
 * (scripts/bench/naive.ts).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { FakeStripe } from '../../tests/fakes/stripe';
import { createCheckout } from '../../worker/providers/stripe/client';
import { verifyWebhook } from '../../worker/providers/stripe/webhook';
import { mapConcurrent } from './load';
import { applyPaymentByStatusCheck } from './naive';
import { count, perSecond, type Line } from './report';
import type { Settings } from './settings';
import { newUser, service, type BenchUser } from './stack-client';
import type { StackInfo } from './stack-process';

export interface StripeDelivery {
  headers: Record<string, string>;
  body: string;
}

const AMOUNT_FILS = 12_500;
const CREDITS = 50;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Hands one delivery to the Worker as Stripe sends it; any answer but 200 stops the bench. */
export async function deliverStripeEvent(workerUrl: string, delivery: StripeDelivery): Promise<void> {
  const response = await fetch(`${workerUrl}/api/webhooks/stripe`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /api/webhooks/stripe answered ${response.status}: ${text.slice(0, 300)}`);
}

/** A pending Stripe credit purchase and the fake's signed completion of it (not yet sent). */
async function paidCheckout(stack: StackInfo, stripe: FakeStripe, user: BenchUser) {
  const payment = await service<{ id: string }>(stack, '/rest/v1/rpc/create_payment', {
    p_purpose: 'credits',
    p_provider: 'stripe',
    p_provider_ref: null,
    p_amount_fils: AMOUNT_FILS,
    p_currency: 'KWD',
    p_user_id: user.id,
    p_credits: CREDITS,
  });
  const checkout = await createCheckout(
    { apiBase: stripe.apiBase, secretKey: stripe.secretKey },
    {
      paymentId: payment.id,
      amountFils: AMOUNT_FILS,
      productName: 'Bench credits',
      successUrl: 'http://127.0.0.1/paid',
      cancelUrl: 'http://127.0.0.1/cancelled',
      expiresAt: nowSeconds() + 3600,
    },
  );
  await service(stack, '/rest/v1/rpc/set_payment_checkout', {
    p_payment_id: payment.id,
    p_provider_ref: checkout.sessionId,
    p_checkout_url: checkout.url,
  });
  const { deliveries } = await stripe.complete({ sessionId: checkout.sessionId, outcome: 'success', deliver: false });
  return { paymentId: payment.id, delivery: deliveries[0]!, all: deliveries };
}

async function effects(admin: pg.Client, paymentId: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from public.credit_ledger where payment_id = $1', [
    paymentId,
  ]);
  return rows[0]!.n;
}

export async function measureWebhooks(settings: Settings, stack: StackInfo, clients: pg.Client[], workerUrl: string, stripe: FakeStripe) {
  const admin = clients[0]!;
  const users = await Promise.all(Array.from({ length: 10 }, () => newUser(stack)));
  const checkouts = await mapConcurrent(Array.from({ length: settings.webhookEvents }), 8, (_, i) =>
    paidCheckout(stack, stripe, users[i % users.length]!),
  );

  // Verification alone, then verification + apply: the same deliveries, at the same concurrency.
  let started = performance.now();
  await mapConcurrent(checkouts, settings.webhookConcurrency, ({ delivery }) =>
    verifyWebhook(stripe.webhookSecret, delivery.body, delivery.headers['Stripe-Signature'], nowSeconds()),
  );
  const verifyRate = checkouts.length / ((performance.now() - started) / 1000);
  started = performance.now();
  await mapConcurrent(checkouts, settings.webhookConcurrency, ({ delivery }) => deliverStripeEvent(workerUrl, delivery));
  const applyRate = checkouts.length / ((performance.now() - started) / 1000);
  const { rows } = await admin.query<{ n: number }>(
    `select count(*)::int as n from public.payments where id = any($1) and status = 'succeeded'`,
    [checkouts.map((c) => c.paymentId)],
  );
  if (rows[0]!.n !== checkouts.length) throw new Error(`${rows[0]!.n} of ${checkouts.length} payments succeeded after their events`);
  console.log(`${checkouts.length} events: verified ${verifyRate.toFixed(0)}/s alone, verified + applied ${applyRate.toFixed(0)}/s`);

  // One event, delivered N times at once (Stripe retries re-sign the same event).
  const duplicate = await paidCheckout(stack, stripe, users[0]!);
  const copies = await stripe.redeliver({ deliveryId: duplicate.delivery.id, times: settings.duplicates, deliver: false });
  await Promise.all(copies.map((copy) => deliverStripeEvent(workerUrl, copy)));
  const applied = await effects(admin, duplicate.paymentId);

  const naivePaymentId = randomUUID();
  await admin.query('insert into bench_naive.users (id, credits_balance) values ($1, 0) on conflict (id) do nothing', [users[0]!.id]);
  await admin.query(`insert into bench_naive.payments (id, user_id, status, credits) values ($1, $2, 'pending', $3)`, [
    naivePaymentId,
    users[0]!.id,
    CREDITS,
  ]);
  await Promise.all(
    copies.map(async (copy, i) => {
      await verifyWebhook(stripe.webhookSecret, copy.body, copy.headers['Stripe-Signature'], nowSeconds());
      return applyPaymentByStatusCheck(clients[i]!, naivePaymentId);
    }),
  );
  const naive = await admin.query<{ n: number }>('select count(*)::int as n from bench_naive.credit_transactions where payment_id = $1', [
    naivePaymentId,
  ]);
  const naiveApplied = naive.rows[0]!.n;
  console.log(
    `${settings.duplicates} concurrent deliveries of one event: applied ${applied} time(s); status-check handler: ${naiveApplied}`,
  );

  const lines: Line[] = [
    {
      section: '5',
      metric: `Stripe events verified + applied/s (POST /api/webhooks/stripe, wrangler dev, ${settings.webhookConcurrency} at a time)`,
      figure: perSecond(applyRate),
      comparison: { label: 'signature verification alone (Node, no HTTP, no database)', ...perSecond(verifyRate) },
    },
    {
      section: '5',
      metric: `${settings.duplicates} concurrent deliveries of one event → effects applied`,
      figure: count(applied),
      comparison: { label: 'handler that checks status, then updates', ...count(naiveApplied) },
      budget: { text: 'exactly 1 (ARCHITECTURE.md §2)', ok: applied === 1 },
    },
  ];
  return {
    lines,
    details: {
      path: 'POST /api/webhooks/stripe through wrangler dev',
      events: checkouts.length,
      verifyRate,
      applyRate,
      applied,
      naiveApplied,
    },
  };
}
