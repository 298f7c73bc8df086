/**
 * What payments do to a visitor's slot, end to end in workerd: a failed K-Net payment on the fake
 * UPayments page frees the slot at once; a success that arrives after the hold lapsed and another
 * visitor took the slot is flagged for refund and the owner is told through Make. Outcomes are
 * applied by payment id with the service key, as billing's verified webhook does.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { deliverOutbox } from '../../../../worker/features/outbox/deliver';
import { adminSql } from '../../../support/api';
import {
  availability,
  dayFromNow,
  holdFirstSlot,
  holdRequest,
  makeEvents,
  makeOutboxDue,
  settlePayment,
  studio,
} from '../../../support/bookings';
import { controlFake } from '../../../support/fakes';
import { deliverUpayments, payUpayments } from '../billing/helpers';

describe('payments and the slot', () => {
  it('a failed K-Net payment frees the slot at once', async () => {
    const s = await studio();
    const { hold, slot } = await holdFirstSlot(s);
    const done = await controlFake<{ result: string; redirectUrl: string }>('upayments', 'complete', {
      orderId: hold.payment.id,
      outcome: 'failure',
      deliver: false,
    });
    expect(done.result).toBe('NOT CAPTURED');
    // The visitor comes back to the confirmation page.
    expect(done.redirectUrl.startsWith(`${hold.confirmationUrl}&cancelled=1`)).toBe(true);
    expect(await settlePayment(hold.payment.id, 'failed')).toMatchObject({ status: 'failed' });
    const free = await availability(s.slug, s.serviceId, dayFromNow(2));
    expect(free.slots[0]!.startsAt).toBe(slot.startsAt);
  });

  it('a late success on a slot another visitor took is flagged for refund, and refund.needed reaches the owner through Make', async () => {
    const s = await studio();
    const { hold: late, slot } = await holdFirstSlot(s, { name: 'Late' });
    await adminSql(`update public.bookings set hold_expires_at = now() - interval '1 second' where id = $1`, [late.booking.id]);
    const { formToken } = await availability(s.slug, s.serviceId, dayFromNow(2));
    const taken = await holdRequest(s, slot.startsAt, formToken, { name: 'Second' });
    expect(taken.status).toBe(201);

    expect(await settlePayment(late.payment.id, 'succeeded')).toMatchObject({ status: 'refund_required', review_reason: 'slot_taken' });
    for (let round = 0; round < 10; round++) {
      await makeOutboxDue(s.projectId);
      await deliverOutbox(env, { limit: 50 });
      if ((await makeEvents(s.inbox)).some((event) => event.type === 'refund.needed')) break;
    }
    const refund = (await makeEvents(s.inbox)).find((event) => event.type === 'refund.needed')!;
    expect((refund.payload as { data: Record<string, unknown> }).data).toMatchObject({
      payment_id: late.payment.id,
      booking_id: late.booking.id,
      user_id: s.owner.id,
      status: 'refund_required',
      review_reason: 'slot_taken',
      amount_fils: 12500,
    });
  });

  it('a payment confirmed by its UPayments notification tells Make booking.confirmed at once, without waiting for the cron', async () => {
    const s = await studio();
    const { hold } = await holdFirstSlot(s);
    // Other projects' events already due, more than one delivery batch: ours must not wait behind them.
    await adminSql(
      `insert into public.outbox (topic, payload, created_at, available_at)
       select 'test.backlog', '{}'::jsonb, now() - interval '1 minute', now() - interval '1 minute' from generate_series(1, 120)`,
    );
    const done = await payUpayments(hold.payment.id, 'success');
    expect((await deliverUpayments(done.delivery)).status).toBe(200);
    // No cron runs here; the wait is generous only because a loaded 2-core machine can be slow.
    await vi.waitFor(async () => expect((await makeEvents(s.inbox)).map((event) => event.type)).toContain('booking.confirmed'), {
      timeout: 20_000,
      interval: 200,
    });
  });
});
