/**
 * The builder with the AI, through wrangler dev and the fake AI (tests/fakes/ai.ts, switches
 * scoped to this suite's model names): an Arabic owner on a 360 px phone describes a salon and sees
 * its first section in the preview while the answer is still streaming, changes the hero by chat
 * and pays the action's price, sees a provider failure refunded with the draft untouched, and, on
 * the Pro plan, is shown the upgrade path for images without any charge; a Premium owner in English
 * at 1280 px generates an image into the hero. Every screen: axe, no sideways scroll, no console
 * errors, a screenshot.
 */
import type { ConsoleMessage, FrameLocator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { CREDIT_COSTS, TIERS } from '../../shared/pricing';
import { isolate } from '../../site/src/i18n';
import { newPage, reached } from './helpers';
import { ar, en, expectNoHorizontalScroll, ownerWithPlan, screenshot, seriousViolations, signIn, urlOf } from './site';

const { fakes } = inject('e2e');
const AI = fakes.ai;

const frame = (page: Page): FrameLocator => page.frameLocator('[data-testid="preview-frame"]');

async function control(action: string, body: unknown = {}) {
  const response = await fetch(`${AI.url}/__control/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`fake AI ${action}: ${response.status} ${await response.text()}`);
}

/**
 * Console errors, less the images the fake AI names without ever storing them (its sections carry
 * made-up image paths, which Storage answers 4xx to): those are expected failed requests.
 */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const at = message.location().url;
    if (/status of 4\d\d/.test(message.text()) && at.includes('/storage/v1/object/public/')) return;
    errors.push(`${message.text()} (${at})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

async function check(page: Page, name: string) {
  // Toasts fade in, and stack behind the newest: axe reads them once they have settled.
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => {
      const target = (animation.effect as KeyframeEffect | null)?.target;
      return animation.playState !== 'running' || !(target instanceof Element && target.closest('[data-sonner-toaster]'));
    }),
  );
  expect(await seriousViolations(page)).toEqual([]);
  await expectNoHorizontalScroll(page);
  await screenshot(page, name);
}

/** The signed-in owner's draft, read through the API with the page's own session. */
function draftOf(page: Page, projectId: string) {
  return page.evaluate(async (id) => {
    const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'));
    const token = (JSON.parse(localStorage.getItem(key ?? '') ?? '{}') as { access_token?: string }).access_token;
    const response = await fetch(`/api/projects/${id}/site`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json()) as {
      draft: { id: string; document: { pages: { sections: { type: string; props: Record<string, unknown> }[] }[] } } | null;
    };
    return body.draft;
  }, projectId);
}

const heroOf = (draft: Awaited<ReturnType<typeof draftOf>>) => draft!.document.pages[0]!.sections.find((s) => s.type === 'hero')!;

/** Creates a project from the dashboard and opens its builder; returns the project's id. */
async function newProject(page: Page, name: string): Promise<string> {
  const { t } = ar;
  await page.getByLabel(t('projects.name')).fill(name);
  await page.getByRole('button', { name: t('projects.create') }).click();
  await page.getByText(t('projects.created', { name: isolate(name) })).waitFor();
  await page.getByRole('link', { name: t('projects.startSite') }).click();
  await reached(page, '/dashboard/builder/');
  return new URL(page.url()).searchParams.get('project')!;
}

// The builder page loads the dashboard's client and renders whole sites: on a loaded 2-core
// machine its steps take longer than the e2e default allows, so they get more room.
describe('the builder with the AI', { timeout: 120_000 }, () => {
  it('streams an Arabic first site into the preview, edits the hero by chat, refunds a failure and shows a Pro owner the upgrade path for images', async () => {
    const { t, plural } = ar;
    const page = await newPage();
    page.setDefaultTimeout(30_000);
    const errors = consoleErrors(page);
    const imageRequests: string[] = [];
    page.on('request', (request) => void (request.url().includes('/site/images') && imageRequests.push(request.url())));
    await page.setViewportSize({ width: 360, height: 800 });
    await signIn(page, (await ownerWithPlan('pro')).email);
    const credits = TIERS.pro.monthlyCredits;
    const balance = (n: number) => t('builder.balance', { credits: plural('unit.credits', n) });
    const projectId = await newProject(page, 'صالون لمسة');

    // One sentence, the price quoted first; a slow answer so the stream can be watched.
    await page.getByRole('heading', { name: t('builder.start.heading') }).waitFor();
    await page.getByRole('button', { name: t('builder.example.salon') }).click();
    await page.getByText(t('builder.quote', { cost: plural('unit.credits', 3), after: plural('unit.credits', credits - 3) })).waitFor();
    await control('pace', { ms: 6000 });
    try {
      await page.getByRole('button', { name: t('builder.start.generate') }).click();
      await page.getByRole('button', { name: t('builder.chat.stop') }).waitFor();
      await page
        .getByTestId('builder-balance')
        .getByText(balance(credits - 3))
        .waitFor();
      const views = page.getByRole('group', { name: t('builder.views') });
      await views.getByRole('button', { name: t('builder.view.preview') }).click();
      // The hero is on screen while the generation is still running.
      await frame(page).getByRole('heading', { level: 1 }).waitFor();
      expect(await page.locator('.preview[aria-busy="true"]').count()).toBe(1);
      await check(page, 'builder-ai-streaming-ar-360');
      await page.locator('.preview:not([aria-busy])').waitFor({ timeout: 20_000 });
    } finally {
      await control('pace', { ms: 600 });
    }
    const first = await draftOf(page, projectId);
    expect(first).not.toBeNull();
    const firstHero = heroOf(first);
    await frame(page)
      .getByRole('heading', { level: 1, name: (firstHero.props.heading as { ar: string }).ar })
      .waitFor();
    expect(await page.getByTestId('builder-balance').textContent()).toBe(balance(credits - 3));

    // Select the hero and ask for a shorter title: a simple edit for half a credit.
    await page
      .getByTestId('section-list')
      .getByRole('button', { name: t('section.hero') })
      .click();
    await page.getByRole('tab', { name: t('builder.tab.chat') }).click();
    await page.getByRole('radio', { name: t('action.simple_edit') }).check();
    const prompt = page.getByLabel(t('builder.chat.prompt'));
    await prompt.fill('اجعل العنوان أقصر');
    const half = CREDIT_COSTS.simple_edit.credits;
    await page.getByRole('button', { name: t('builder.chat.send', { cost: plural('unit.credits', half) }) }).click();
    await page
      .getByTestId('builder-balance')
      .getByText(balance(credits - 3 - half))
      .waitFor();
    // The first site's answer is the first "done" in the conversation; this one is the second.
    await page.locator('.chat-log .bubble.ai.done').nth(1).waitFor();
    const edited = await draftOf(page, projectId);
    expect(edited!.id).not.toBe(first!.id);
    const editedHeading = (heroOf(edited).props.heading as { ar: string }).ar;
    await page
      .getByRole('group', { name: t('builder.views') })
      .getByRole('button', { name: t('builder.view.preview') })
      .click();
    await frame(page).getByRole('heading', { level: 1, name: editedHeading }).waitFor();
    await page
      .getByRole('group', { name: t('builder.views') })
      .getByRole('button', { name: t('builder.view.panel') })
      .click();
    await check(page, 'builder-ai-chat-ar-360');

    // The provider fails: the credits come back, the draft stays as it was, Retry is offered.
    await control('fail', { mode: 'error_500', count: 'always', model: AI.model });
    try {
      await prompt.fill('اجعل العنوان أقصر');
      await page.getByRole('button', { name: t('builder.chat.send', { cost: plural('unit.credits', half) }) }).click();
      const refunded = t('builder.chat.failed', { cost: plural('unit.credits', half) });
      await page.locator('[data-sonner-toast]').getByText(refunded).waitFor();
      await page
        .locator('[data-sonner-toast]')
        .getByRole('button', { name: t('common.retry') })
        .waitFor();
      await page
        .getByTestId('builder-balance')
        .getByText(balance(credits - 3 - half))
        .waitFor();
      expect((await draftOf(page, projectId))!.id).toBe(edited!.id);
      await check(page, 'builder-ai-refunded-ar-360');
    } finally {
      await control('reset');
    }

    // A Pro owner asks for an image: told why, shown the upgrade, charged nothing, nothing sent.
    await page.getByRole('tab', { name: t('builder.tab.edit') }).click();
    await page.getByRole('heading', { name: t('builder.edit.heading', { type: t('section.hero') }) }).waitFor();
    await page
      .getByRole('button', { name: t('builder.image.generate') })
      .first()
      .click();
    await page.getByText(t('builder.ai.needsPlan', { plan: t('tier.pro') })).waitFor();
    const upgrade = page.getByRole('link', { name: t('builder.ai.upgrade') });
    expect(await upgrade.getAttribute('href')).toBe('/dashboard/#billing');
    await check(page, 'builder-ai-image-upgrade-ar-360');
    expect(imageRequests).toEqual([]);
    expect(await page.getByTestId('builder-balance').textContent()).toBe(balance(credits - 3 - half));

    expect(errors).toEqual([]);
  }, 90_000);

  it('generates an image into the hero for a Premium owner, in English on a desktop', async () => {
    const { t, plural } = en;
    const page = await newPage();
    page.setDefaultTimeout(30_000);
    const errors = consoleErrors(page);
    await signIn(page, (await ownerWithPlan('premium')).email);
    const credits = TIERS.premium.monthlyCredits;
    const projectId = await newProject(page, 'Lamsa Salon');
    await page.goto(`${urlOf('en', '/dashboard/builder/')}?project=${projectId}`);

    // A free template, then the hero's image slot.
    await page.getByRole('button', { name: t('template.salon'), exact: true }).click();
    await page.getByText(t('builder.start.started', { name: t('template.salon') })).waitFor();
    await page
      .getByTestId('section-list')
      .getByRole('button', { name: t('section.hero') })
      .click();
    await page
      .getByRole('button', { name: t('builder.image.generate') })
      .first()
      .click();
    const description = 'A calm ladies salon with warm light and golden mirrors';
    await page.getByLabel(t('builder.image.prompt')).fill(description);
    await page.getByText(t('builder.quote', { cost: plural('unit.credits', 2.5), after: plural('unit.credits', credits - 2.5) })).waitFor();
    await page.getByRole('button', { name: t('builder.image.create', { cost: plural('unit.credits', 2.5) }) }).click();
    await page.getByText(t('builder.image.created')).waitFor();
    expect(await page.getByTestId('builder-balance').textContent()).toBe(
      t('builder.balance', { credits: plural('unit.credits', credits - 2.5) }),
    );
    // The description in both languages, prefilled from the prompt and editable.
    const arabicAlt = page.getByLabel(`${t('builder.image.alt')} (${t('lang.ar')})`);
    expect(await arabicAlt.inputValue()).toBe(description);
    await arabicAlt.fill('صالون نسائي هادئ بإضاءة دافئة');
    await check(page, 'builder-ai-image-en-1280');
    await page.getByRole('button', { name: t('builder.image.use') }).click();
    await page.getByText(t('builder.image.saved')).first().waitFor();
    const hero = heroOf(await draftOf(page, projectId));
    const image = hero.props.image as { path: string; width: number; height: number; alt: { ar: string; en: string } };
    expect(image.alt).toEqual({ ar: 'صالون نسائي هادئ بإضاءة دافئة', en: description });
    expect(image.width).toBeGreaterThan(0);
    await page.locator(`.image-slot img.thumb[src*="${image.path}"]`).waitFor();
    await check(page, 'builder-ai-image-set-en-1280');

    // Adding by hand is free: a FAQ section, then an "About us" page.
    await page.getByRole('button', { name: t('builder.edit.done') }).click();
    await page.getByText(t('builder.add.section'), { exact: true }).click();
    await page.getByLabel(t('builder.add.type')).selectOption({ label: t('section.faq') });
    await page.getByRole('button', { name: t('builder.add.sectionButton') }).click();
    await page.getByText(t('builder.add.sectionAdded', { type: t('section.faq') })).waitFor();
    await page.getByRole('button', { name: t('builder.edit.done') }).click();
    await page.getByText(t('builder.add.page'), { exact: true }).click();
    await page.getByLabel(t('builder.add.titleAr')).fill('من نحن');
    await page.getByLabel(t('builder.add.titleEn')).fill('About us');
    await page.getByRole('button', { name: t('builder.add.pageButton') }).click();
    await page.getByText(t('builder.add.pageAdded', { title: 'About us' })).waitFor();
    await frame(page).getByRole('heading', { level: 1, name: 'About us' }).waitFor();
    await check(page, 'builder-add-page-en-1280');
    expect(await page.getByTestId('builder-balance').textContent()).toBe(
      t('builder.balance', { credits: plural('unit.credits', credits - 2.5) }),
    );

    expect(errors).toEqual([]);
  }, 60_000);
});
