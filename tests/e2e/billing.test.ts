/**
 * Buying a plan as a new owner does it, in Chromium against `wrangler dev` and the fake UPayments:
 * choose Pro and K-Net on the dashboard, pay on the provider's page, and come back to the outcome
 * in the page's language with the plan and credits the payment bought; a cancelled payment leaves
 * everything as it was.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { formatFils } from '../../site/src/lib/format';
import { TIERS } from '../../shared/pricing';
import { freshEmail, newPage, reached } from './helpers';
import { ar, screenshot, signIn } from './site';

const { t, plural } = ar;
const { fakes } = inject('e2e');

/** Chooses Pro with K-Net on the dashboard and follows the redirect to the fake UPayments page. */
async function payProWithKnet(page: Page): Promise<void> {
  const pro = t('billing.plan', {
    plan: t('tier.pro'),
    price: formatFils('ar', TIERS.pro.priceFils),
    credits: plural('unit.credits', TIERS.pro.monthlyCredits),
  });
  await page.getByRole('radio', { name: pro }).check();
  await page.getByRole('radio', { name: t('billing.method.knet') }).check();
  await page.getByRole('button', { name: t('billing.pay', { price: formatFils('ar', TIERS.pro.priceFils) }) }).click();
  await page.waitForURL((url) => url.origin === fakes.upayments.url && url.pathname === '/pay');
  // The provider's page shows what the Worker asked it to charge, in Arabic.
  expect(await page.locator('html').getAttribute('lang')).toBe('ar');
  expect(await page.locator('.amount').textContent()).toBe('38.000 KWD');
}

describe('buying a plan', () => {
  it('a new owner buys Pro with K-Net and comes back to the Pro plan with 200 monthly credits', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    expect(await page.getByTestId('credits-total').textContent()).toBe(plural('unit.credits', 0));
    await payProWithKnet(page);

    await page.locator('button[value="success"]').click();
    await reached(page, '/dashboard/');
    await page
      .getByTestId('payment-outcome')
      .filter({ hasText: t('billing.outcome.succeeded') })
      .waitFor();
    expect(await page.getByTestId('plan').textContent()).toContain(t('tier.pro'));
    expect(await page.getByTestId('credits-total').textContent()).toBe(plural('unit.credits', TIERS.pro.monthlyCredits));
    expect(await page.getByTestId('bucket-monthly').textContent()).toContain(plural('unit.credits', TIERS.pro.monthlyCredits));
    // The outcome is read once: the address no longer carries it.
    expect(new URL(page.url()).search).toBe('');
    // Applied once although the notification and the return both reported it.
    const grants = page
      .getByTestId('ledger')
      .locator('tbody tr')
      .filter({ hasText: t('reason.monthly_grant') });
    expect(await grants.count()).toBe(1);
    await screenshot(page, 'billing-pro-paid');
  });

  it('a cancelled payment leaves the plan and the balance as they were', async () => {
    const page = await newPage();
    await signIn(page, freshEmail());
    await payProWithKnet(page);

    await page.locator('button[value="cancel"]').click();
    await reached(page, '/dashboard/');
    await page
      .getByTestId('payment-outcome')
      .filter({ hasText: t('billing.outcome.cancelled') })
      .waitFor();
    expect(await page.getByTestId('plan').textContent()).toContain(t('plan.none'));
    expect(await page.getByTestId('credits-total').textContent()).toBe(plural('unit.credits', 0));
    expect(await page.getByTestId('ledger').locator('tbody tr').count()).toBe(0);
  });
});
