/**
 * A new owner's first visit, start to finish: sign in with the emailed code, see an empty account,
 * create a project with an Arabic name, and sign out.
 */
import { describe, expect, it } from 'vitest';
import { isolate } from '../../site/src/i18n';
import { freshEmail, newPage, reached, requestCode, siteUrl } from './helpers';
import { ar } from './site';

const { t, plural } = ar;

describe('a new owner', () => {
  it('signs in with the code, creates a project with an Arabic name, and signs out', async () => {
    const page = await newPage();
    const mail = await requestCode(page, freshEmail());
    expect(mail.code).toMatch(/^\d{6}$/);
    await page.getByLabel(t('signin.code')).fill(mail.code);
    await page.getByRole('button', { name: t('signin.verify'), exact: true }).click();
    await reached(page, '/dashboard/');

    const total = page.getByTestId('credits-total');
    await total.waitFor();
    expect(await total.textContent()).toBe(plural('unit.credits', 0));
    expect(await page.getByText(t('plan.none')).isVisible()).toBe(true);
    expect(await page.getByText(t('projects.empty')).isVisible()).toBe(true);

    await page.getByLabel(t('projects.name')).fill('مطعم الخليج');
    await page.getByRole('button', { name: t('projects.create') }).click();
    await page.getByText(t('projects.created', { name: isolate('مطعم الخليج') })).waitFor();
    const project = page.getByTestId('project');
    expect(await project.locator('.project-head').textContent()).toBe(`مطعم الخليج${t('projects.address')} مطعم-الخليج`);
    // Stored, not only shown: a reload lists it from the API.
    await page.reload();
    await page.getByText('مطعم-الخليج', { exact: true }).waitFor();
    expect(await project.count()).toBe(1);

    await page.getByRole('button', { name: t('dashboard.signOut') }).click();
    await reached(page, '/');
    await page.goto(`${siteUrl}/dashboard/`);
    await reached(page, '/signin/');
  });
});
