/**
 * Passwordless sign-in from the browser: the magic link from the email, a wrong code, and the
 * dashboard turning visitors without a session away.
 */
import { describe, expect, it } from 'vitest';
import { freshEmail, newPage, reached, requestCode, siteUrl, TEXT } from './helpers';

describe('sign-in', () => {
  it('signs in with the link from the email and lands on the dashboard', async () => {
    const page = await newPage();
    const mail = await requestCode(page, freshEmail());
    await page.goto(mail.link);
    await reached(page, '/dashboard/');
    await page.getByTestId('credits-total').waitFor();
    // The tokens arrive in the fragment; they must not stay in the address bar.
    expect(new URL(page.url()).hash).toBe('');
  });

  it('shows the Arabic error for a wrong code and stays on the code form', async () => {
    const page = await newPage();
    const mail = await requestCode(page, freshEmail());
    const wrong = mail.code.replace(/\d/g, (digit) => String((Number(digit) + 1) % 10));
    await page.getByLabel('رمز الدخول').fill(wrong);
    await page.getByRole('button', { name: TEXT.verify, exact: true }).click();
    await page.getByRole('alert').filter({ hasText: TEXT.badCode }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin/');
    expect(await page.getByLabel('رمز الدخول').isEditable()).toBe(true);
  });

  it('sends a visitor without a session from /dashboard/ to /signin/', async () => {
    const page = await newPage();
    await page.goto(`${siteUrl}/dashboard/`);
    await reached(page, '/signin/');
    await page.getByRole('button', { name: TEXT.send }).waitFor();
  });
});
