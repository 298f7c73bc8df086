/**
 * Stripe webhook verification: events the fake Stripe signs (with node:crypto, as Stripe signs)
 * pass; tampering, another secret, stale or future timestamps and malformed headers do not; one
 * valid v1 among several is enough; nothing is parsed before the signature holds.
 */
import { describe, expect, it } from 'vitest';
import { createCheckout, readSession } from '../../../../worker/providers/stripe/client';
import { StripeSignatureError, verifyWebhook, type StripeSignatureFailure } from '../../../../worker/providers/stripe/webhook';
import { controlFake, fakes, type FakeDelivery } from '../../../support/fakes';

const SECRET = 'whsec_test_secret_for_unit_tests';
const NOW = 1_767_225_600;
const body = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'checkout.session.completed',
  created: NOW,
  data: { object: { object: 'checkout.session', id: 'cs_test_1' } },
});

async function hmacHex(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(payload)));
  return [...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

const signature = (timestamp: number, payload = body, secret = SECRET) => hmacHex(secret, `${timestamp}.${payload}`);

async function refusal(promise: Promise<unknown>): Promise<StripeSignatureFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StripeSignatureError);
  return (error as StripeSignatureError).reason;
}

describe('verifyWebhook', () => {
  it('accepts a correctly signed event and returns it parsed', async () => {
    const event = await verifyWebhook(SECRET, body, `t=${NOW},v1=${await signature(NOW)}`, NOW);
    expect(event).toEqual({
      id: 'evt_1',
      type: 'checkout.session.completed',
      created: NOW,
      data: { object: { object: 'checkout.session', id: 'cs_test_1' } },
    });
  });

  it('refuses a body changed after signing', async () => {
    const tampered = body.replace('cs_test_1', 'cs_test_2');
    expect(await refusal(verifyWebhook(SECRET, tampered, `t=${NOW},v1=${await signature(NOW)}`, NOW))).toBe('no_matching_signature');
  });

  it('refuses an event signed with another secret', async () => {
    expect(await refusal(verifyWebhook(SECRET, body, `t=${NOW},v1=${await signature(NOW, body, 'whsec_other')}`, NOW))).toBe(
      'no_matching_signature',
    );
  });

  it('refuses a signature moved to another timestamp', async () => {
    expect(await refusal(verifyWebhook(SECRET, body, `t=${NOW + 1},v1=${await signature(NOW)}`, NOW))).toBe('no_matching_signature');
  });

  it('refuses stale and future timestamps beyond the tolerance, and accepts the edges', async () => {
    for (const offset of [-301, 301, -86_400]) {
      const t = NOW + offset;
      expect(await refusal(verifyWebhook(SECRET, body, `t=${t},v1=${await signature(t)}`, NOW)), String(offset)).toBe(
        'timestamp_out_of_tolerance',
      );
    }
    for (const offset of [-300, 300, 0]) {
      const t = NOW + offset;
      await expect(verifyWebhook(SECRET, body, `t=${t},v1=${await signature(t)}`, NOW)).resolves.toMatchObject({ id: 'evt_1' });
    }
    const old = NOW - 1000;
    await expect(verifyWebhook(SECRET, body, `t=${old},v1=${await signature(old)}`, NOW, 3600)).resolves.toMatchObject({ id: 'evt_1' });
  });

  it('accepts when any one of several v1 signatures is valid, wherever it is', async () => {
    const good = await signature(NOW);
    const otherSecret = await signature(NOW, body, 'whsec_rolled_out');
    const junk = 'zz'.repeat(32);
    for (const header of [
      `t=${NOW},v1=${otherSecret},v1=${good}`,
      `t=${NOW},v1=${good},v1=${otherSecret}`,
      `v1=${junk},t=${NOW},v1=${good},v1=short`,
    ]) {
      await expect(verifyWebhook(SECRET, body, header, NOW), header).resolves.toMatchObject({ id: 'evt_1' });
    }
    expect(await refusal(verifyWebhook(SECRET, body, `t=${NOW},v1=${otherSecret},v1=${junk}`, NOW))).toBe('no_matching_signature');
  });

  it('only trusts the v1 scheme', async () => {
    const good = await signature(NOW);
    expect(await refusal(verifyWebhook(SECRET, body, `t=${NOW},v0=${good}`, NOW))).toBe('malformed_header');
    expect(await refusal(verifyWebhook(SECRET, body, `t=${NOW},v0=${good},v1=${'0'.repeat(64)}`, NOW))).toBe('no_matching_signature');
  });

  it('refuses malformed or missing headers', async () => {
    const good = await signature(NOW);
    const headers: Array<string | null | undefined> = [
      null,
      undefined,
      '',
      'garbage',
      `v1=${good}`,
      `t=${NOW}`,
      `t=abc,v1=${good}`,
      `t=-${NOW},v1=${good}`,
      `t=${NOW}.5,v1=${good}`,
      `t=${NOW},t=${NOW},v1=${good}`,
      `t=${NOW},v1=${good},${'v1=x,'.repeat(1000)}`,
    ];
    for (const header of headers)
      expect(await refusal(verifyWebhook(SECRET, body, header, NOW)), String(header).slice(0, 40)).toBe('malformed_header');
  });

  it('checks the signature before parsing: an unsigned non-JSON body is a signature failure', async () => {
    expect(await refusal(verifyWebhook(SECRET, '{not json', `t=${NOW},v1=${'a'.repeat(64)}`, NOW))).toBe('no_matching_signature');
  });

  it('refuses a validly signed body that is not an event', async () => {
    for (const payload of [
      '{not json',
      '[]',
      '{"id":"evt_1","type":"x","created":1}',
      JSON.stringify({ id: 'evt_1', type: '', created: NOW, data: { object: {} } }),
    ]) {
      expect(await refusal(verifyWebhook(SECRET, payload, `t=${NOW},v1=${await signature(NOW, payload)}`, NOW)), payload).toBe(
        'malformed_event',
      );
    }
  });

  it('treats an empty secret as a configuration fault, not a bad request', async () => {
    await expect(verifyWebhook('', body, `t=${NOW},v1=${await signature(NOW)}`, NOW)).rejects.toThrow(TypeError);
  });
});

describe('events from the fake Stripe', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const config = () => ({ apiBase: fakes().stripe.apiBase, secretKey: fakes().stripe.secretKey });

  async function session(paymentId = crypto.randomUUID()) {
    const { sessionId } = await createCheckout(config(), {
      paymentId,
      amountFils: 23_000,
      productName: 'KWq8 Basic',
      successUrl: 'http://kwq8.test/done?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'http://kwq8.test/cancelled',
      expiresAt: now() + 3600,
    });
    return { paymentId, sessionId };
  }

  const verify = (delivery: FakeDelivery) =>
    verifyWebhook(fakes().stripe.webhookSecret, delivery.body, delivery.headers['Stripe-Signature'], now());

  it('verifies checkout.session.completed as the fake signs it, carrying the paid session', async () => {
    const { paymentId, sessionId } = await session();
    const { deliveries } = await controlFake<{ deliveries: FakeDelivery[] }>('stripe', 'complete', {
      sessionId,
      outcome: 'success',
      deliver: false,
    });
    expect(deliveries).toHaveLength(1);
    const event = await verify(deliveries[0] as FakeDelivery);
    expect(event.type).toBe('checkout.session.completed');
    expect(readSession(event.data.object)).toMatchObject({
      sessionId,
      paymentStatus: 'paid',
      amountTotal: 23_000,
      currency: 'KWD',
      paymentId,
      clientReferenceId: paymentId,
    });
  });

  it('sends completed (unpaid) then async_payment_failed for a failed payment', async () => {
    const { sessionId } = await session();
    const { deliveries } = await controlFake<{ deliveries: FakeDelivery[] }>('stripe', 'complete', {
      sessionId,
      outcome: 'failure',
      deliver: false,
    });
    const events = await Promise.all(deliveries.map(verify));
    expect(events.map((event) => [event.type, readSession(event.data.object)?.paymentStatus])).toEqual([
      ['checkout.session.completed', 'unpaid'],
      ['checkout.session.async_payment_failed', 'unpaid'],
    ]);
  });

  it('redelivers the same event id re-signed, and can sign stale or with another secret for route tests', async () => {
    const { sessionId } = await session();
    const { deliveries } = await controlFake<{ deliveries: FakeDelivery[] }>('stripe', 'complete', {
      sessionId,
      outcome: 'success',
      deliver: false,
    });
    const original = await verify(deliveries[0] as FakeDelivery);
    const again = await controlFake<{ deliveries: FakeDelivery[] }>('stripe', 'redeliver', {
      deliveryId: deliveries[0]?.id,
      times: 3,
      deliver: false,
    });
    expect(again.deliveries).toHaveLength(3);
    for (const delivery of again.deliveries) expect((await verify(delivery)).id).toBe(original.id);

    const stale = await controlFake<{ delivery: FakeDelivery }>('stripe', 'event', {
      sessionId,
      type: 'checkout.session.expired',
      timestamp: now() - 3600,
      deliver: false,
    });
    expect(await refusal(verify(stale.delivery))).toBe('timestamp_out_of_tolerance');
    const forged = await controlFake<{ delivery: FakeDelivery }>('stripe', 'event', {
      sessionId,
      type: 'checkout.session.completed',
      secret: 'whsec_attacker',
      deliver: false,
    });
    expect(await refusal(verify(forged.delivery))).toBe('no_matching_signature');
  });

  it('builds charge.refunded for a paid session with the payment intent and its metadata', async () => {
    const { paymentId, sessionId } = await session();
    await controlFake('stripe', 'complete', { sessionId, outcome: 'success', deliver: false });
    const { delivery } = await controlFake<{ delivery: FakeDelivery }>('stripe', 'event', {
      sessionId,
      type: 'charge.refunded',
      amountRefunded: 23_000,
      deliver: false,
    });
    const event = await verify(delivery);
    expect(event.type).toBe('charge.refunded');
    expect(event.data.object).toMatchObject({
      object: 'charge',
      amount: 23_000,
      amount_refunded: 23_000,
      currency: 'kwd',
      refunded: true,
      metadata: { payment_id: paymentId },
    });
    expect(event.data.object.payment_intent).toMatch(/^pi_/);
  });
});
