/**
 * A visitor books and pays a session on the seeded demo project, in Chromium: the Arabic booking
 * page (right to left), service → day → time → contact → K-Net on the fake UPayments page → back
 * to the confirmation page, which turns confirmed and stays so after a reload; the cron run then
 * delivers booking.confirmed to the fake Make inbox, signed.
 *
 * Settlement: the fake's notification normally reaches billing's webhook first; if it has not yet,
 * the test applies the verified outcome with the service key, as that webhook would (site.ts).
 */
import { describe, expect, inject, it } from 'vitest';
import { newPage, reached, siteUrl } from './helpers';
import { settleIfPending } from './site';

const { makeUrl } = inject('e2e');

interface InboxEvent {
  type: string;
  payload: { data: { id?: string; status?: string } };
}

describe('a visitor of the demo project', () => {
  it('books a session, pays with K-Net on the fake page, sees it confirmed after a reload, and Make receives booking.confirmed', async () => {
    const page = await newPage();
    await page.goto(`${siteUrl}/book/demo-studio/`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.locator('astro-island:not([ssr])').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: 'استوديو التجربة' }).waitFor();

    await page.getByRole('radio', { name: /جلسة تصوير/ }).check();
    // The first day with a free time (the seeded bookings take two times tomorrow).
    const days = page.locator('.days .chip');
    await days.first().waitFor();
    const times = page.locator('.times .chip');
    for (let index = 0; index < (await days.count()); index++) {
      await days.nth(index).click();
      await page.locator('.times .chip, .no-slots').first().waitFor();
      if ((await times.count()) > 0) break;
    }
    const time = (await times.first().textContent())!;
    await times.first().click();
    await page.getByLabel('الاسم').fill('زائرة التجربة');
    await page.getByLabel('رقم الهاتف').fill('9999 0000');
    await page.getByRole('button', { name: /احجز وادفع/ }).click();

    // The fake UPayments page: 15.000 KWD by K-Net.
    await page.waitForURL((url) => url.pathname === '/pay');
    expect(await page.locator('.amount').textContent()).toBe('15.000 KWD');
    await page.locator('button.pay').click();

    await reached(page, '/book/demo-studio/');
    const address = new URL(page.url());
    const bookingId = address.searchParams.get('booking')!;
    expect(address.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.locator('#booking-status').waitFor();

    await settleIfPending(bookingId, 15_000);
    const confirmed = page.locator('#booking-status[data-status="confirmed"]');
    await confirmed.waitFor({ timeout: 20_000 });
    expect(await confirmed.textContent()).toBe('تم تأكيد حجزك');
    expect(await page.locator('.confirmation dl').textContent()).toContain(time);

    await page.reload();
    await confirmed.waitFor();

    // The Cron Trigger's run (wrangler dev --test-scheduled) delivers the outbox.
    let events: InboxEvent[] = [];
    for (let run = 0; run < 20; run++) {
      await fetch(`${siteUrl}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
      // The run finishes its deliveries after answering (waitUntil).
      await new Promise((resolve) => setTimeout(resolve, 500));
      events = (await (await fetch(`${makeUrl}/events?inbox=kwq8`)).json()) as InboxEvent[];
      if (events.some((event) => event.type === 'booking.confirmed' && event.payload.data.id === bookingId)) break;
    }
    const mine = events.filter((event) => event.payload.data.id === bookingId);
    expect(mine.map((event) => event.type)).toEqual(['booking.held', 'booking.confirmed']);
    expect(mine[1]!.payload.data.status).toBe('confirmed');
  });
});
