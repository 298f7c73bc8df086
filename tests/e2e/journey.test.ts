/**
 * A new owner's first visit, start to finish: sign in with the emailed code, see an empty account,
 * create a project with an Arabic name, and sign out. Also keeps a screenshot of the dashboard.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshEmail, newPage, reached, requestCode, siteUrl, TEXT } from './helpers';

/** Left in the temp folder after the run, for a person to look at. */
const SCREENSHOT = join(tmpdir(), 'kwq8-e2e-dashboard.png');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('a new owner', () => {
  it('signs in with the code, creates a project with an Arabic name, and signs out', async () => {
    const page = await newPage();
    const mail = await requestCode(page, freshEmail());
    expect(mail.code).toMatch(/^\d{6}$/);
    await page.getByLabel('رمز الدخول').fill(mail.code);
    await page.getByRole('button', { name: TEXT.verify, exact: true }).click();
    await reached(page, '/dashboard/');

    const total = page.getByTestId('credits-total');
    await total.waitFor();
    const zero = await page.evaluate(() => new Intl.NumberFormat('ar-KW', { maximumFractionDigits: 1 }).format(0));
    expect(await total.textContent()).toBe(zero);
    expect(await page.getByText(TEXT.noPlan).isVisible()).toBe(true);
    expect(await page.getByText('لا توجد مشاريع بعد.').isVisible()).toBe(true);

    await page.getByLabel('اسم المشروع').fill('مطعم الخليج');
    await page.getByRole('button', { name: 'إنشاء مشروع' }).click();
    await page.getByRole('status').filter({ hasText: 'أنشأنا مشروع «مطعم الخليج»' }).waitFor();
    const project = page.locator('.projects li');
    expect(await project.allTextContents()).toEqual(['مطعم الخليج مطعم-الخليج']);
    // Stored, not only shown: a reload lists it from the API.
    await page.reload();
    await page.getByText('مطعم-الخليج', { exact: true }).waitFor();
    expect(await project.count()).toBe(1);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = await readFile(SCREENSHOT);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // IHDR: width and height follow the signature and the chunk header.
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(0);
    expect(png.length).toBeGreaterThan(10_000);

    await page.getByRole('button', { name: TEXT.signOut }).click();
    await reached(page, '/');
    await page.goto(`${siteUrl}/dashboard/`);
    await reached(page, '/signin/');
  });
});
