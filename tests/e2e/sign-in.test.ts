/**
 * Passwordless sign-in from the browser: the code typed as an Arabic phone keyboard types it
 * (Arabic-Indic or Eastern Arabic digits), the magic link from the email (and the same link opened
 * in another browser, which PKCE refuses), a wrong code, a long address on a phone, and the
 * dashboard turning visitors without a session away.
 */
import { describe, expect, it } from 'vitest';
import { freshEmail, newestMail, newPage, reached, requestCode, siteUrl } from './helpers';
import { ar, en, expectNoHorizontalScroll } from './site';

const { t } = ar;

/** The code's digits in another script: 0x0660 is Arabic-Indic zero, 0x06f0 the Eastern Arabic (Persian) one. */
const inDigits = (code: string, zero: number) => code.replace(/\d/g, (digit) => String.fromCharCode(zero + Number(digit)));

describe('sign-in', () => {
  it('accepts the code typed in Arabic-Indic digits (٠-٩)', async () => {
    const page = await newPage();
    const mail = await requestCode(page, freshEmail());
    await page.getByLabel(t('signin.code')).fill(inDigits(mail.code, 0x0660));
    await page.getByRole('button', { name: t('signin.verify'), exact: true }).click();
    await reached(page, '/dashboard/');
    await page.getByTestId('credits-total').waitFor();
  });

  it('accepts the code typed in Eastern Arabic digits (۰-۹) with a space in the middle', async () => {
    const page = await newPage();
    const mail = await requestCode(page, freshEmail());
    const typed = inDigits(mail.code, 0x06f0);
    await page.getByLabel(t('signin.code')).fill(`${typed.slice(0, 3)} ${typed.slice(3)}`);
    await page.getByRole('button', { name: t('signin.verify'), exact: true }).click();
    await reached(page, '/dashboard/');
  });

  it('signs in from the English page and lands on the English dashboard', async () => {
    const page = await newPage();
    const email = freshEmail();
    await page.goto(`${siteUrl}/en/signin/`);
    await page.locator('astro-island:not([ssr])').waitFor({ state: 'attached' });
    await page.getByLabel(en.t('signin.email')).fill(email);
    await page.getByRole('button', { name: en.t('signin.send') }).click();
    const code = page.getByLabel(en.t('signin.code'));
    await code.waitFor();
    await code.fill((await newestMail(email)).code);
    await page.getByRole('button', { name: en.t('signin.verify'), exact: true }).click();
    await reached(page, '/en/dashboard/');
    expect(await page.getByTestId('credits-total').textContent()).toBe(en.plural('unit.credits', 0));
  });

  it('signs in with the link from the email and lands on the dashboard', async () => {
    const page = await newPage();
    const mail = await requestCode(page, freshEmail());
    await page.goto(mail.link);
    await reached(page, '/dashboard/');
    await page.getByTestId('credits-total').waitFor();
    // The link returns with a one-time code (PKCE), exchanged on the way; nothing stays in the address bar.
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('');
  });

  it('says calmly that a link opened in another browser cannot sign in, and a new code then does', async () => {
    const asked = await newPage();
    const mail = await requestCode(asked, freshEmail());
    const elsewhere = await newPage();
    await elsewhere.goto(mail.link);
    await reached(elsewhere, '/signin/');
    await elsewhere
      .getByRole('alert')
      .filter({ hasText: t('signin.returnFailed') })
      .waitFor();
    expect(new URL(elsewhere.url()).search).toBe('');
    // The link and the code are one record, now used: the advice is a new code.
    const again = await requestCode(asked, mail.to);
    await asked.getByLabel(t('signin.code')).fill(again.code);
    await asked.getByRole('button', { name: t('signin.verify'), exact: true }).click();
    await reached(asked, '/dashboard/');
  });

  it('shows the error for a wrong code and stays on the code form', async () => {
    const page = await newPage();
    const mail = await requestCode(page, freshEmail());
    const wrong = mail.code.replace(/\d/g, (digit) => String((Number(digit) + 1) % 10));
    await page.getByLabel(t('signin.code')).fill(wrong);
    await page.getByRole('button', { name: t('signin.verify'), exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: t('signin.badCode') })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin/');
    expect(await page.getByLabel(t('signin.code')).isEditable()).toBe(true);
    expect(await page.getByLabel(t('signin.code')).inputValue()).toBe(wrong);
  });

  it('refuses a code that is not six digits before asking Auth', async () => {
    const page = await newPage();
    await requestCode(page, freshEmail());
    await page.getByLabel(t('signin.code')).fill('١٢٣');
    await page.getByRole('button', { name: t('signin.verify'), exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: t('signin.badCodeFormat') })
      .waitFor();
  });

  it('keeps a long address inside a 360 px phone screen', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 360, height: 800 });
    const email = `e2e-${crypto.randomUUID()}-a-really-long-mailbox-name@example-company.com.kw`;
    await requestCode(page, email);
    await page.getByText(email).waitFor();
    await expectNoHorizontalScroll(page);
  });

  it('sends a visitor without a session from /dashboard/ to /signin/', async () => {
    const page = await newPage();
    await page.goto(`${siteUrl}/dashboard/`);
    await reached(page, '/signin/');
    await page.getByRole('button', { name: t('signin.send') }).waitFor();
  });
});
