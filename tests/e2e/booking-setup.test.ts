/**
 * The owner's booking screens end to end, in Chromium: a new owner with a plan creates a project,
 * adds a service (price typed in KWD), opens the week, closes a day and points the project at its
 * own Make webhook, all through the dashboard; a visitor books it from the public link and pays
 * with K-Net on the fake UPayments page; the owner sees it confirmed, cancels it after a
 * confirmation, and the row says cancelled with a refund needed while the project's Make inbox
 * receives booking.cancelled, signed with the secret the dashboard showed. The screens are also
 * checked at 360 px (no sideways scrolling) and with axe, in Arabic and English. In English, the
 * calm paths: a service typed offline survives to the retry, edits, stopping and resuming an
 * offer, and bad hours or settings refused at the field without a request.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { formatDate, formatFils, formatWeekday } from '../../site/src/lib/format';
import { isolate } from '../../site/src/i18n';
import { bookingStrings, fill } from '../../site/src/i18n/booking';
import type { SiteLocale } from '../../site/src/i18n/locales';
import { newPage, reached, siteUrl } from './helpers';
import {
  ar,
  en,
  expectNoHorizontalScroll,
  i18n,
  ownerWithPlan,
  screenshot,
  seriousViolations,
  settleIfPending,
  signIn,
  urlOf,
} from './site';

const { makeUrl } = inject('e2e');
const { t } = ar;

interface InboxEvent {
  type: string;
  payload: { data: { id?: string; status?: string } };
}

/** Opens a project's booking setup from its toggle and waits for it to load. */
async function openSetup(page: Page, locale: SiteLocale) {
  const toggle = page.getByRole('button', { name: i18n[locale].t('projects.showSetup') });
  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  const setup = page.locator(`[id="${await toggle.getAttribute('aria-controls')}"]`);
  await setup.getByRole('heading', { name: i18n[locale].t('setup.services') }).waitFor();
  return setup;
}

/** Screenshots of the setup screen at 360 and 1280 px: nothing scrolls sideways, axe finds nothing serious. */
async function checkScreens(page: Page, name: string) {
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await expectNoHorizontalScroll(page);
    await screenshot(page, `${name}-${width}`);
  }
  expect(await seriousViolations(page)).toEqual([]);
}

describe('the owner’s booking setup', () => {
  it('sets up a service and the week, a visitor books and pays, the owner cancels and Make hears of it', async () => {
    const page = await newPage();
    await signIn(page, (await ownerWithPlan('basic')).email);
    const name = `استوديو نور ${Date.now() % 100_000}`;
    await page.getByLabel(t('projects.name')).fill(name);
    await page.getByRole('button', { name: t('projects.create') }).click();
    await page.getByTestId('project').waitFor();
    const setup = await openSetup(page, 'ar');
    await setup.getByText(t('setup.servicesEmpty')).waitFor();

    // A service: a price that is not in steps of 10 fils is refused at the field, 7.5 KWD is taken.
    const form = setup.locator('.service-form');
    await form.getByLabel(t('setup.nameAr')).fill('جلسة استشارة');
    await form.getByLabel(t('setup.nameEn')).fill('Consultation');
    await form.getByLabel(t('setup.duration')).fill('٣٠');
    await form.getByLabel(t('setup.price')).fill('7.505');
    await form.getByRole('button', { name: t('setup.add') }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: t('setup.priceInvalid') })
      .waitFor();
    expect(await form.getByLabel(t('setup.price')).getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel(t('setup.price')).fill('7.5');
    await form.getByRole('button', { name: t('setup.add') }).click();
    await page.getByText(t('setup.added', { name: isolate('جلسة استشارة') })).waitFor();
    const service = setup.getByTestId('services').locator('li');
    expect(await service.textContent()).toContain(formatFils('ar', 7500));
    expect(await service.textContent()).toContain(ar.plural('unit.minutes', 30));
    expect(await form.getByLabel(t('setup.nameAr')).inputValue()).toBe('');

    // The week: every day open, Sunday from 08:00 to midnight.
    for (let weekday = 0; weekday < 7; weekday++) {
      await setup
        .getByRole('group', { name: formatWeekday('ar', weekday) })
        .getByLabel(t('setup.open'))
        .check();
    }
    const sunday = setup.getByRole('group', { name: formatWeekday('ar', 0) });
    await sunday.getByLabel(t('setup.opens')).fill('08:00');
    await sunday.getByLabel(t('setup.closes')).fill('00:00');
    await setup.getByRole('button', { name: t('setup.saveHours') }).click();
    await page.getByText(t('setup.hoursSaved')).waitFor();

    // A closed day far ahead, added and shown in the page's language.
    await setup.getByLabel(t('setup.closedDate'), { exact: true }).fill('2030-01-15');
    await setup.getByRole('button', { name: t('setup.addClosed') }).click();
    await page.getByText(t('setup.closedAdded', { date: formatDate('ar', '2030-01-15') })).waitFor();

    // The project's own Make inbox, checking signatures with the secret the dashboard shows.
    const inbox = `setup-${crypto.randomUUID()}`;
    await setup.getByLabel(t('setup.makeUrl')).fill(`${makeUrl}/hooks/${inbox}`);
    await setup.getByRole('button', { name: t('setup.saveSettings') }).click();
    await page.getByText(t('setup.settingsSaved')).waitFor();
    const secret = (await setup.getByTestId('make-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await fetch(`${makeUrl}/__control/secret`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ inbox, secret }),
    });
    await checkScreens(page, 'booking-setup-ar');
    await page.setViewportSize({ width: 1280, height: 800 });

    // All of it is stored: a reload shows the same.
    await page.reload();
    const again = await openSetup(page, 'ar');
    expect(await again.getByTestId('services').textContent()).toContain('جلسة استشارة');
    const sundayAgain = again.getByRole('group', { name: formatWeekday('ar', 0) });
    expect(await sundayAgain.getByLabel(t('setup.closes')).inputValue()).toBe('00:00');
    expect(await again.getByTestId('closed-dates').textContent()).toContain(formatDate('ar', '2030-01-15'));
    const link = again.getByTestId('booking-link');
    const bookingPath = new URL((await link.getAttribute('href'))!, siteUrl).pathname;
    expect(decodeURIComponent(bookingPath)).toMatch(/^\/book\/استوديو-نور-\d+\/$/);

    // A visitor books from that link and pays with K-Net.
    const visitor = await newPage();
    await visitor.goto(`${siteUrl}${bookingPath}`);
    await visitor.locator('astro-island:not([ssr])').waitFor({ state: 'attached' });
    await visitor.getByRole('radio', { name: /جلسة استشارة/ }).check();
    const days = visitor.locator('.days .chip');
    await days.first().waitFor();
    const times = visitor.locator('.times .chip');
    for (let index = 0; index < (await days.count()); index++) {
      await days.nth(index).click();
      await visitor.locator('.times .chip, .no-slots').first().waitFor();
      if ((await times.count()) > 0) break;
    }
    await times.first().click();
    const words = bookingStrings.ar;
    await visitor.getByLabel(words.name).fill('سارة');
    await visitor.getByLabel(words.phone).fill('9999 0000');
    await visitor.getByRole('button', { name: fill(words.pay, { price: formatFils('ar', 7500) }) }).click();
    await visitor.waitForURL((url) => url.pathname === '/pay');
    expect(await visitor.locator('.amount').textContent()).toBe('7.500 KWD');
    await visitor.locator('button.pay').click();
    await reached(visitor, bookingPath);
    const bookingId = new URL(visitor.url()).searchParams.get('booking')!;
    await settleIfPending(bookingId, 7500);
    await visitor.locator('#booking-status[data-status="confirmed"]').waitFor({ timeout: 20_000 });

    // The owner sees it confirmed and cancels it, after saying so in the dialog (on a phone's width).
    await page.setViewportSize({ width: 360, height: 800 });
    await page.reload();
    await page.getByRole('button', { name: t('projects.showBookings') }).click();
    const row = page.locator('.booking-list li').filter({ hasText: 'سارة' });
    await row.and(page.locator('[data-status="confirmed"]')).waitFor();
    expect(await row.textContent()).toContain(t('bookings.status.confirmed'));
    expect(await row.textContent()).toContain(t('bookings.paid'));
    await row.getByRole('button', { name: t('bookings.cancel') }).click();
    const dialog = page.getByRole('dialog', { name: t('bookings.cancelTitle', { name: isolate('سارة') }) });
    expect(await dialog.textContent()).toContain(t('bookings.cancelConfirmed'));
    await screenshot(page, 'booking-cancel-dialog-ar-360');
    await dialog.getByRole('button', { name: t('bookings.keep') }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.getAttribute('data-status')).toBe('confirmed');
    await row.getByRole('button', { name: t('bookings.cancel') }).click();
    await dialog.getByRole('button', { name: t('bookings.cancel') }).click();
    await page.getByText(t('bookings.cancelledToast', { name: isolate('سارة') })).waitFor();
    expect(await row.getAttribute('data-status')).toBe('cancelled');
    expect(await row.textContent()).toContain(t('bookings.status.cancelled'));
    expect(await row.textContent()).toContain(t('bookings.refundNeeded'));
    expect(await row.getByRole('button', { name: t('bookings.cancel') }).count()).toBe(0);
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'booking-cancelled-ar-360');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Make: held, confirmed, then cancelled, each accepted by the inbox (so signed with the shown secret).
    let types: string[] = [];
    for (let run = 0; run < 20 && !types.includes('booking.cancelled'); run++) {
      await fetch(`${siteUrl}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const events = (await (await fetch(`${makeUrl}/events?inbox=${inbox}`)).json()) as InboxEvent[];
      types = events.filter((event) => event.payload.data.id === bookingId).map((event) => event.type);
    }
    expect(types).toEqual(['booking.held', 'booking.confirmed', 'booking.cancelled']);

    // After a reload the booking is still cancelled, its payment still waiting for a refund.
    await page.reload();
    await page.getByRole('button', { name: t('projects.showBookings') }).click();
    await row.and(page.locator('[data-status="cancelled"]')).waitFor();
    expect(await row.textContent()).toContain(t('bookings.refundNeeded'));

    // In English: the English name, the price in English, and the English booking page.
    await page.goto(urlOf('en', '/dashboard/'));
    const english = await openSetup(page, 'en');
    expect(await english.getByTestId('services').textContent()).toContain('Consultation');
    expect(await english.getByTestId('services').textContent()).toContain(formatFils('en', 7500));
    expect(decodeURIComponent(new URL((await english.getByTestId('booking-link').getAttribute('href'))!, siteUrl).pathname)).toBe(
      `/en${decodeURIComponent(bookingPath)}`,
    );
    await english.getByRole('group', { name: formatWeekday('en', 1) }).waitFor();
    expect(await english.getByText(en.t('setup.hoursHint', { zone: isolate('Asia/Kuwait') })).count()).toBe(1);
    await checkScreens(page, 'booking-setup-en');
  });
  it('in English: keeps a service typed through a network failure, edits it, stops and resumes offering it, and refuses bad hours and settings at the field', async () => {
    const page = await newPage();
    await signIn(page, (await ownerWithPlan('basic')).email);
    await page.getByLabel(t('projects.name')).fill('Studio Noor');
    await page.getByRole('button', { name: t('projects.create') }).click();
    await page.getByTestId('project').waitFor();
    await page.goto(urlOf('en', '/dashboard/'));
    const setup = await openSetup(page, 'en');
    const { t: e } = en;

    // Added while offline: the toast offers a retry and the form keeps what was typed.
    await page.route('**/api/projects/*/services', (route) =>
      route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback(),
    );
    const form = setup.locator('.service-form');
    await form.getByLabel(e('setup.nameAr')).fill('قص شعر');
    await form.getByLabel(e('setup.nameEn')).fill('Haircut');
    await form.getByLabel(e('setup.duration')).fill('45');
    await form.getByLabel(e('setup.price')).fill('5');
    await form.getByLabel(e('setup.buffer')).fill('15');
    await form.getByRole('button', { name: e('setup.add') }).click();
    const toast = page.locator('[data-sonner-toast]').filter({ hasText: e('common.networkError') });
    await toast.waitFor();
    expect(await form.getByLabel(e('setup.nameEn')).inputValue()).toBe('Haircut');
    expect(await form.getByLabel(e('setup.price')).inputValue()).toBe('5');
    await page.unroute('**/api/projects/*/services');
    await toast.getByRole('button', { name: e('common.retry') }).click();
    await page.getByText(e('setup.added', { name: isolate('Haircut') })).waitFor();
    const service = setup.getByTestId('services').locator('li');
    expect(await service.textContent()).toContain(
      e('setup.factsBuffer', {
        duration: en.plural('unit.minutes', 45),
        price: formatFils('en', 5000),
        buffer: en.plural('unit.minutes', 15),
      }),
    );

    // Edit: Escape leaves the form as it was; a new price is saved and shown.
    await service.getByRole('button', { name: e('setup.edit') }).click();
    const edit = service.getByRole('group', { name: e('setup.editService', { name: isolate('Haircut') }) });
    await edit.getByLabel(e('setup.price')).press('Escape');
    await edit.waitFor({ state: 'detached' });
    await service.getByRole('button', { name: e('setup.edit') }).click();
    expect(await edit.getByLabel(e('setup.price')).inputValue()).toBe('5.000');
    await edit.getByLabel(e('setup.price')).fill('12.25');
    await edit.getByRole('button', { name: e('common.save') }).click();
    await page.getByText(e('setup.saved', { name: isolate('Haircut') })).waitFor();
    expect(await service.textContent()).toContain(formatFils('en', 12_250));

    // Stop offering it only once confirmed; it can be offered again.
    await service.getByRole('button', { name: e('setup.deactivate') }).click();
    const dialog = page.getByRole('dialog', { name: e('setup.deactivateTitle', { name: isolate('Haircut') }) });
    await dialog.getByRole('button', { name: e('common.cancel') }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await service.textContent()).not.toContain(e('setup.inactive'));
    await service.getByRole('button', { name: e('setup.deactivate') }).click();
    await dialog.getByRole('button', { name: e('setup.deactivate') }).click();
    await page.getByText(e('setup.deactivated', { name: isolate('Haircut') })).waitFor();
    expect(await service.textContent()).toContain(e('setup.inactive'));
    await page.reload();
    const again = await openSetup(page, 'en');
    const stored = again.getByTestId('services').locator('li');
    expect(await stored.textContent()).toContain(e('setup.inactive'));
    await stored.getByRole('button', { name: e('setup.activate') }).click();
    await page.getByText(e('setup.activated', { name: isolate('Haircut') })).waitFor();
    expect(await stored.textContent()).not.toContain(e('setup.inactive'));

    // Refused at the field, without asking the API: a day closing before it opens, a hold of 99 minutes.
    const puts: string[] = [];
    page.on('request', (request) => request.method() === 'PUT' && puts.push(request.url()));
    const monday = again.getByRole('group', { name: formatWeekday('en', 1) });
    await monday.getByLabel(e('setup.open')).check();
    await monday.getByLabel(e('setup.opens')).fill('18:00');
    await monday.getByLabel(e('setup.closes')).fill('10:00');
    await again.getByRole('button', { name: e('setup.saveHours') }).click();
    await monday
      .getByRole('alert')
      .filter({ hasText: e('setup.rangeInvalid') })
      .waitFor();
    await again.getByLabel(e('setup.holdMinutes')).fill('99');
    await again.getByRole('button', { name: e('setup.saveSettings') }).click();
    await again
      .getByRole('alert')
      .filter({ hasText: e('setup.holdInvalid') })
      .waitFor();
    expect(puts).toEqual([]);

    // A closed date added and removed again.
    await again.getByLabel(e('setup.closedDate'), { exact: true }).fill('2031-03-20');
    await again.getByRole('button', { name: e('setup.addClosed') }).click();
    await page.getByText(e('setup.closedAdded', { date: formatDate('en', '2031-03-20') })).waitFor();
    await again.getByRole('button', { name: e('setup.removeClosed', { date: formatDate('en', '2031-03-20') }) }).click();
    await page.getByText(e('setup.closedRemoved', { date: formatDate('en', '2031-03-20') })).waitFor();
    await again.getByText(e('setup.noClosed')).waitFor();
  });
});
