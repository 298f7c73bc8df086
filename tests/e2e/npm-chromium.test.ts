/**
 * The Chromium that npm ships (@sparticuz/chromium), forced whatever the machine has installed, so
 * every `npm test` proves the end-to-end tests need nothing but Node: the landing page in Arabic,
 * right to left, with real Arabic glyphs (and a screenshot), and the local mailbox drawn in the
 * font it ships, 360 px wide without sideways scrolling.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { npmChromium } from './browser';
import { freshEmail, requestCode, siteUrl, supabaseUrl } from './helpers';

/** Left in the temp folder after the run, for a person to look at. */
const SCREENSHOT = join(tmpdir(), 'kwq8-e2e-landing-npm-chromium.png');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const WIDTH = 360;
/** Isolated, these differ only in their dots: a font that has them draws each differently. */
const LETTERS = ['ب', 'ت', 'ث', 'ن', 'ي'];

let browser: Browser;

beforeAll(async () => {
  const { label, executablePath, args, env } = await npmChromium();
  browser = await chromium.launch({ executablePath, args, env, headless: true });
  console.log(`npm-chromium.test.ts: Chromium ${browser.version()}, ${label}`);
});

afterAll(() => browser?.close());

async function phonePage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'ar-KW', viewport: { width: WIDTH, height: 800 } });
  onTestFinished(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/**
 * Draws each letter alone on a canvas in the element's font list, as the page would. A missing
 * glyph draws the same box (or nothing) for every letter, so tofu shows as blank or equal drawings.
 */
function drawLetters(page: Page, selector: string): Promise<{ inked: boolean[]; distinct: number }> {
  return page.evaluate(
    async ([selector, letters]) => {
      const font = `48px ${getComputedStyle(document.querySelector(selector)!).fontFamily}`;
      await document.fonts.load(font, letters.join(''));
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 96;
      const context = canvas.getContext('2d', { willReadFrequently: true })!;
      Object.assign(context, { font, direction: 'ltr', textAlign: 'left' });
      const drawings = letters.map((letter) => {
        context.clearRect(0, 0, 96, 96);
        context.fillText(letter, 16, 64);
        return context
          .getImageData(0, 0, 96, 96)
          .data.filter((_, index) => index % 4 === 3)
          .join();
      });
      return { inked: drawings.map((alpha) => /[1-9]/.test(alpha)), distinct: new Set(drawings).size };
    },
    [selector, LETTERS] as const,
  );
}

/** The fonts Chromium drew an element's text with (DevTools protocol). */
async function fontsUsed(page: Page, selector: string) {
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  await cdp.send('CSS.enable');
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  return fonts;
}

describe('the npm-shipped Chromium', () => {
  it('renders the landing page in Arabic, right to left, with real Arabic glyphs', async () => {
    const page = await phonePage();
    const response = await page.goto(`${siteUrl}/`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.getByRole('heading', { level: 1, name: 'ابنِ موقعك بالعربية في دقائق' }).isVisible()).toBe(true);

    const screenshot = await page.screenshot({ path: SCREENSHOT });
    expect(screenshot.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(screenshot.readUInt32BE(16)).toBe(WIDTH);

    // The site ships its Arabic font, so the heading is drawn in it whatever fonts the machine has.
    expect(await drawLetters(page, 'h1')).toEqual({ inked: LETTERS.map(() => true), distinct: LETTERS.length });
    const fonts = await fontsUsed(page, 'h1');
    expect(fonts).toContainEqual(expect.objectContaining({ familyName: 'Noto Kufi Arabic', isCustomFont: true }));
    const drawnWith = fonts.map((font) => `${font.familyName}${font.isCustomFont ? ' (web font)' : ''}`);
    console.log(`landing page heading drawn with: ${drawnWith.join(', ')}; screenshot: ${SCREENSHOT}`);
  });

  it('shows the local mailbox in the font it ships, 360 px wide without scrolling sideways', async () => {
    const page = await phonePage();
    const email = freshEmail();
    // A real message, with its long sign-in link, through the site's sign-in page.
    await requestCode(page, email);
    await page.goto(`${supabaseUrl}/mailbox?${new URLSearchParams({ email })}`);
    await page.locator('article').waitFor();

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(WIDTH);
    expect(await drawLetters(page, 'h1')).toEqual({ inked: LETTERS.map(() => true), distinct: LETTERS.length });
    expect(await fontsUsed(page, 'h1')).toContainEqual(expect.objectContaining({ familyName: 'Noto Kufi Arabic', isCustomFont: true }));
  });
});
