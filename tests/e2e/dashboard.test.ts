/**
 * The dashboard as an owner uses it: the daily bonus changes the balance and the ledger, projects
 * are renamed and deleted (after a confirmation), a name of spaces is refused at the field, a
 * booking shows with its status, and failures stay calm: a toast with a retry, what was typed
 * kept, the page never blank, errors reported without personal data.
 */
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../shared/errors';
import { TIERS } from '../../shared/pricing';
import { isolate } from '../../site/src/i18n';
import { PAGE_SIZE } from '../../site/src/islands/dashboard/page-size';
import { freshEmail, newPage, reached, siteUrl } from './helpers';
import { ar, en, firstProjectId, holdBooking, ownerWithPlan, signIn, urlOf } from './site';

const { t, plural } = ar;

describe('dashboard', () => {
  it('claims the daily bonus: the balance and the ledger change', async () => {
    const page = await newPage();
    await signIn(page, (await ownerWithPlan('basic')).email);
    const { monthlyCredits, dailyBonus } = TIERS.basic;
    const total = page.getByTestId('credits-total');
    const rows = page.getByTestId('ledger').locator('tbody tr');
    expect(await total.textContent()).toBe(plural('unit.credits', monthlyCredits));
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(t('reason.monthly_grant'));

    await page.getByRole('button', { name: t('bonus.claim') }).click();
    await page.getByText(t('bonus.claimed', { credits: plural('unit.credits', dailyBonus) })).waitFor();
    await page.getByText(plural('unit.credits', monthlyCredits + dailyBonus), { exact: true }).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain(t('reason.daily_bonus'));
    expect(await page.getByTestId('bucket-daily').textContent()).toContain(plural('unit.credits', dailyBonus));
    // Once a day: the button gives way to when the next bonus comes.
    expect(await page.getByRole('button', { name: t('bonus.claim') }).count()).toBe(0);
  });

  it('pages through the ledger', async () => {
    const page = await newPage();
    await signIn(page, (await ownerWithPlan('basic')).email);
    // Eleven chat messages through the API with the page's session: twelve ledger rows with the monthly grant.
    await page.evaluate(async (count) => {
      const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'))!;
      const token = (JSON.parse(localStorage.getItem(key)!) as { access_token: string }).access_token;
      for (let i = 0; i < count; i++) {
        const response = await fetch('/api/credits/spend', {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
          body: JSON.stringify({ action: 'chat_message' }),
        });
        if (!response.ok) throw new Error(`spend answered ${response.status}`);
      }
    }, 11);
    await page.reload();
    const rows = page.getByTestId('ledger').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(PAGE_SIZE);
    expect(await rows.first().textContent()).toContain(t('reason.spend', { action: t('action.chat_message') }));
    await page.getByRole('button', { name: t('common.more') }).click();
    await rows.nth(11).waitFor();
    expect(await rows.count()).toBe(12);
    expect(await rows.last().textContent()).toContain(t('reason.monthly_grant'));
    expect(await page.getByRole('button', { name: t('common.more') }).count()).toBe(0);
  });

  it('never shows the balance as a lone zero', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    expect(await page.getByTestId('credits-total').textContent()).toBe(plural('unit.credits', 0));
    expect(plural('unit.credits', 0)).not.toBe(new Intl.NumberFormat('ar-KW').format(0));
    expect(await page.getByTestId('plan').textContent()).toContain(t('plan.none'));
  });

  it('renames a project, and deletes it only once confirmed', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    const name = `عيادة Khaleej ${Date.now() % 10_000}`;
    await page.getByLabel(t('projects.name')).fill(name);
    await page.getByRole('button', { name: t('projects.create') }).click();
    const project = page.getByTestId('project');
    await project.waitFor();
    // The slug keeps the owner's spelling (ة) and reads as it is stored, left to right, even inside
    // right-to-left text: Arabic part first.
    const slug = project.locator('bdi[dir="ltr"]');
    expect(await slug.textContent()).toMatch(/^عيادة-khaleej-\d+$/);
    const [arabicLeft, latinLeft] = await slug.evaluate((element) =>
      [0, 6].map((offset) => {
        const range = document.createRange();
        range.setStart(element.firstChild!, offset);
        range.setEnd(element.firstChild!, offset + 1);
        return range.getBoundingClientRect().left;
      }),
    );
    expect(arabicLeft).toBeLessThan(latinLeft!);

    await project.getByRole('button', { name: t('projects.rename') }).click();
    await project.getByLabel(t('projects.renameLabel', { name: isolate(name) })).fill('مقهى البحر');
    await project.getByRole('button', { name: t('common.save') }).click();
    await page.getByText(t('projects.renamed', { name: isolate('مقهى البحر') })).waitFor();
    await page.reload();
    await project.getByText('مقهى البحر', { exact: true }).waitFor();

    await project.getByRole('button', { name: t('projects.delete') }).click();
    const dialog = page.getByRole('dialog', { name: t('projects.deleteTitle', { name: isolate('مقهى البحر') }) });
    await dialog.getByRole('button', { name: t('common.cancel') }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await project.count()).toBe(1);

    await project.getByRole('button', { name: t('projects.delete') }).click();
    await dialog.getByRole('button', { name: t('projects.deleteConfirm') }).click();
    await page.getByText(t('projects.deleted', { name: isolate('مقهى البحر') })).waitFor();
    expect(await project.count()).toBe(0);
    await page.reload();
    await page.getByText(t('projects.empty')).waitFor();
    expect(await project.count()).toBe(0);
  });

  it('refuses a name of spaces at the field, without asking the API', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    const posts: string[] = [];
    page.on('request', (request) => request.method() === 'POST' && request.url().endsWith('/api/projects') && posts.push(request.url()));
    await page.getByLabel(t('projects.name')).fill('   ');
    await page.getByRole('button', { name: t('projects.create') }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: t('projects.nameRequired') })
      .waitFor();
    expect(await page.getByLabel(t('projects.name')).getAttribute('aria-invalid')).toBe('true');
    expect(posts).toEqual([]);
  });

  it('keeps a typed name through a network failure and creates the project from the toast’s retry', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    await page.route('**/api/projects', (route) =>
      route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback(),
    );
    const name = page.getByLabel(t('projects.name'));
    await name.fill('صالون الورد');
    await page.getByRole('button', { name: t('projects.create') }).click();
    const toast = page.locator('[data-sonner-toast]').filter({ hasText: t('common.networkError') });
    await toast.waitFor();
    expect(await name.inputValue()).toBe('صالون الورد');

    await page.unroute('**/api/projects');
    await toast.getByRole('button', { name: t('common.retry') }).click();
    await page.getByText(t('projects.created', { name: isolate('صالون الورد') })).waitFor();
    expect(await page.getByTestId('project').count()).toBe(1);
    expect(await name.inputValue()).toBe('');
  });

  it('says calmly when the API is unavailable, and loads on retry', async () => {
    const page = await newPage();
    const email = freshEmail();
    await signIn(page, email);
    // The API answering as it does when the database is down.
    await page.route('**/api/me', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'SRV_002', message: 'x', requestId: 'r' } }),
      }),
    );
    await page.reload();
    await page.getByText(t('dashboard.loadFailed')).waitFor();
    await page
      .locator('[data-sonner-toast]')
      .filter({ hasText: errorMessage('SRV_002', 'ar') })
      .waitFor();
    await page.unroute('**/api/me');
    await page
      .locator('.calm')
      .getByRole('button', { name: t('common.retry') })
      .click();
    await page.getByTestId('credits-total').waitFor();
  });

  it('lists a project’s bookings with their status, in English too', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    await page.getByLabel(t('projects.name')).fill('Studio Noor');
    await page.getByRole('button', { name: t('projects.create') }).click();
    await page.getByTestId('project').waitFor();
    await holdBooking(await firstProjectId(page), 'Noor', 'noor@example.com');

    await page.goto(urlOf('en', '/dashboard/'));
    await page.getByRole('button', { name: en.t('projects.showBookings') }).click();
    const booking = page.locator('.booking-list li');
    await booking.waitFor();
    expect(await booking.textContent()).toContain(en.t('bookings.status.held'));
    expect(await booking.textContent()).toContain('noor@example.com');
  });

  it('reports an uncaught error to /api/client-errors without the address or the session', async () => {
    const page = await newPage();
    const email = freshEmail();
    await signIn(page, email);
    await page.route('**/api/client-errors', (route) => route.fulfill({ status: 204 }));
    const report = page.waitForRequest('**/api/client-errors');
    const token = await page.evaluate(() => localStorage.getItem(Object.keys(localStorage).find((key) => key.endsWith('-auth-token'))!)!);
    const accessToken = (JSON.parse(token) as { access_token: string }).access_token;
    await page.evaluate(
      ({ address, jwt }) =>
        void setTimeout(() => {
          throw new Error(`failed for ${address} with ${jwt}`);
        }),
      { address: email, jwt: accessToken },
    );
    const body = (await report).postDataJSON() as { message: string; url: string; stack?: string };
    expect(body.message).toContain('failed for [email] with [token]');
    expect(JSON.stringify(body)).not.toContain(email);
    expect(JSON.stringify(body)).not.toContain(accessToken);
    expect(body.url).toBe(`${siteUrl}/dashboard/`);
  });

  it('sends a visitor without a session from /en/dashboard/ to /en/signin/', async () => {
    const page = await newPage();
    await page.goto(`${siteUrl}/en/dashboard/`);
    await reached(page, '/en/signin/');
    await page.getByRole('button', { name: en.t('signin.send') }).waitFor();
  });
});
