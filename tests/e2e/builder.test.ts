/**
 * The site builder as an owner uses it, in Arabic on a 360 px phone first: create a project, land
 * on its builder, start from the salon template (free), see the hero in the preview, edit the hero
 * heading by hand and see it there, undo, publish for one credit and open the live site at its
 * own address; then the same builder in English at 1280 px. Every screen is checked with axe,
 * for sideways scrolling and console errors, and photographed for a person to look at.
 */
import type { FrameLocator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TIERS } from '../../shared/pricing';
import { isolate } from '../../site/src/i18n';
import { newPage, reached } from './helpers';
import { ar, consoleErrors, en, expectNoHorizontalScroll, ownerWithPlan, screenshot, seriousViolations, signIn, urlOf } from './site';

const HERO = { ar: 'جمالك يبدأ من هنا', en: 'Where your glow begins' };
const EDITED = 'صالون ليلى يرحب بكِ';

const frame = (page: Page): FrameLocator => page.frameLocator('[data-testid="preview-frame"]');

/** The screen as it is: no serious axe finding, nothing wider than the viewport, a picture for the record. */
async function check(page: Page, name: string) {
  expect(await seriousViolations(page)).toEqual([]);
  await expectNoHorizontalScroll(page);
  await screenshot(page, name);
}

// The builder page loads the dashboard's client and renders whole sites: on a loaded 2-core
// machine its steps take longer than the e2e default allows, so they get more room.
describe('the site builder', { timeout: 120_000 }, () => {
  it('takes an Arabic owner on a phone from a new project to a published site, then shows the English builder', async () => {
    const page = await newPage();
    page.setDefaultTimeout(30_000);
    const errors = consoleErrors(page);
    await page.setViewportSize({ width: 360, height: 800 });
    await signIn(page, (await ownerWithPlan('basic')).email);
    const { t, plural } = ar;
    const credits = TIERS.basic.monthlyCredits;

    // A new project offers its site as the next step.
    await page.getByLabel(t('projects.name')).fill('صالون ليلى');
    await page.getByRole('button', { name: t('projects.create') }).click();
    await page.getByText(t('projects.created', { name: isolate('صالون ليلى') })).waitFor();
    await page.getByRole('link', { name: t('projects.startSite') }).click();
    await reached(page, '/dashboard/builder/');
    const projectId = new URL(page.url()).searchParams.get('project')!;

    // No draft yet: templates are free, and the balance is in the header.
    await page.getByRole('heading', { name: t('builder.start.heading') }).waitFor();
    expect(await page.getByTestId('builder-balance').textContent()).toBe(
      t('builder.balance', { credits: plural('unit.credits', credits) }),
    );
    await check(page, 'builder-start-ar-360');
    await page.getByRole('button', { name: t('template.salon'), exact: true }).click();
    await page.getByText(t('builder.start.started', { name: t('template.salon') })).waitFor();

    // The preview, one tap away: the template's hero in the sandboxed frame.
    const views = page.getByRole('group', { name: t('builder.views') });
    await views.getByRole('button', { name: t('builder.view.preview') }).click();
    await frame(page).getByRole('heading', { level: 1, name: HERO.ar }).waitFor();
    await check(page, 'builder-preview-ar-360');

    // Select the hero from the section list and change its heading by hand (free).
    await page
      .getByTestId('section-list')
      .getByRole('button', { name: t('section.hero') })
      .click();
    await page.getByRole('heading', { name: t('builder.edit.heading', { type: t('section.hero') }) }).waitFor();
    const arabicHeading = page.getByLabel(t('builder.edit.arabic', { field: t('field.heading') }), { exact: true });
    expect(await arabicHeading.getAttribute('dir')).toBe('rtl');
    expect(await page.getByLabel(t('builder.edit.english', { field: t('field.heading') }), { exact: true }).getAttribute('dir')).toBe(
      'ltr',
    );
    await arabicHeading.fill(EDITED);
    await check(page, 'builder-edit-ar-360');
    await page.getByRole('button', { name: t('builder.edit.save') }).click();
    await page.getByText(t('builder.saved')).waitFor();
    await page.getByRole('button', { name: t('builder.edit.seePreview') }).click();
    await frame(page).getByRole('heading', { level: 1, name: EDITED }).waitFor();

    // Undo goes back to the template's version, as a new draft.
    await page.getByRole('button', { name: t('builder.undo'), exact: true }).click();
    await page.getByText(t('builder.undone', { number: new Intl.NumberFormat('ar-KW').format(1) })).waitFor();
    await frame(page).getByRole('heading', { level: 1, name: HERO.ar }).waitFor();

    // Publish for one credit: the checks pass, the live address shows, the balance drops by one.
    await page.getByTestId('builder-state').click();
    await page.getByText(t('builder.publish.ok')).waitFor();
    await page.getByRole('button', { name: t('builder.publish.button', { cost: plural('unit.credits', 1) }) }).click();
    const live = page.getByTestId('live-url');
    await live.waitFor();
    expect(await page.getByTestId('builder-balance').textContent()).toBe(
      t('builder.balance', { credits: plural('unit.credits', credits - 1) }),
    );
    expect(await page.getByTestId('builder-state').textContent()).toBe(t('builder.status.live'));
    await check(page, 'builder-published-ar-360');
    const url = (await live.getAttribute('href'))!;
    expect(new URL(url).hostname).toMatch(/\.localhost$/);

    // The published site at its own address, as a visitor sees it.
    const visitor = await newPage();
    await visitor.goto(url);
    await visitor.getByRole('heading', { level: 1, name: HERO.ar }).waitFor();

    // The builder in English on a desktop: the preview beside the panel, the draft as published.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${urlOf('en', '/dashboard/builder/')}?project=${projectId}`);
    await page.getByTestId('builder-state').waitFor();
    expect(await page.getByTestId('builder-state').textContent()).toBe(en.t('builder.status.live'));
    await page
      .getByRole('group', { name: en.t('builder.preview.language') })
      .getByRole('button', { name: 'English' })
      .click();
    await frame(page).getByRole('heading', { level: 1, name: HERO.en }).waitFor();
    await page.getByRole('tab', { name: en.t('builder.tab.history') }).click();
    await page.getByTestId('versions').getByText(en.t('builder.history.by.restore')).waitFor();
    await check(page, 'builder-history-en-1280');
    await page.getByRole('tab', { name: en.t('builder.tab.chat') }).click();
    await check(page, 'builder-chat-en-1280');

    expect(errors).toEqual([]);
  }, 60_000);
});
