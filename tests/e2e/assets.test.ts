/**
 * A project's logo, in Chromium: the owner uploads a PNG in the dashboard's "Logo and images"
 * panel, sees it previewed (from memory, then from Storage after a reload), and the project's
 * booking page shows the same image, in Arabic and English, at 360 px and 1280 px, without a
 * console error (a CSP refusal would be one), sideways scrolling or a serious axe-core violation.
 * Screenshots of the dashboard panel and the booking page go to test-results/e2e/.
 */
import { deflateSync } from 'node:zlib';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { assetsText } from '../../site/src/i18n/assets';
import { bookingStrings, fill } from '../../site/src/i18n/booking';
import type { SiteLocale } from '../../site/src/i18n/locales';
import { newPage } from './helpers';
import {
  ar,
  consoleErrors,
  expectNoHorizontalScroll,
  firstProjectId,
  ownerWithPlan,
  screenshot,
  seriousViolations,
  signIn,
  urlOf,
} from './site';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A `size`×`size` RGBA PNG: a teal disc with a lighter ring on a transparent ground. */
function logoPng(size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (1 + size * 4));
  const centre = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 4); // each row starts with filter type 0
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre) / (size / 2);
      const colour = distance > 1 ? [0, 0, 0, 0] : distance > 0.8 ? [94, 234, 212, 255] : [13, 148, 136, 255];
      rows.set(colour, row + 1 + x * 4);
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const LOGO_SIZE = 96;
const LOGO = logoPng(LOGO_SIZE);

/** The image's natural size once it has loaded or failed (0 × 0 when it failed). */
const naturalSize = (image: Locator) =>
  image.evaluate(
    (element: HTMLImageElement) =>
      new Promise<[number, number]>((resolve) => {
        const done = () => resolve([element.naturalWidth, element.naturalHeight]);
        if (element.complete) return done();
        element.addEventListener('load', done, { once: true });
        element.addEventListener('error', done, { once: true });
      }),
  );

/** The signed-in owner's API, with the page's own session. */
function ownerApi(page: Page, method: string, path: string, body: unknown) {
  return page.evaluate(
    async ([method, path, body]) => {
      const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'))!;
      const token = (JSON.parse(localStorage.getItem(key)!) as { access_token: string }).access_token;
      const response = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
    },
    [method, path, body] as const,
  );
}

async function openBookingPage(page: Page, locale: SiteLocale, slug: string, name: string): Promise<Locator> {
  await page.goto(urlOf(locale, `/book/${encodeURIComponent(slug)}/`));
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  return page.getByRole('img', { name: fill(bookingStrings[locale].logoAlt, { name }) });
}

describe('a project logo', () => {
  it('is uploaded on the dashboard, previewed there, and shown on the booking page in both languages', async () => {
    const page = await newPage();
    const errors = consoleErrors(page);
    await signIn(page, (await ownerWithPlan('basic')).email);
    const name = 'استوديو الشعار';
    await page.getByLabel(ar.t('projects.name')).fill(name);
    await page.getByRole('button', { name: ar.t('projects.create') }).click();
    const project = page.getByTestId('project');
    await project.waitFor();
    const slug = (await project.locator('bdi[dir="ltr"]').textContent())!;
    const projectId = await firstProjectId(page);
    // A service and opening hours, as the owner's booking set-up saves them, so the page has something to book.
    await ownerApi(page, 'POST', `/api/projects/${projectId}/services`, {
      nameAr: 'جلسة تصوير',
      nameEn: 'Photo session',
      durationMinutes: 60,
      priceFils: 15000,
    });
    await ownerApi(page, 'PUT', `/api/projects/${projectId}/hours`, {
      hours: Array.from({ length: 7 }, (_, weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
    });

    const text = assetsText.ar;
    await project.getByRole('button', { name: ar.t('projects.showImages') }).click();
    const panel = page.locator('.project-assets');
    await panel.getByText(text.noLogo).waitFor();
    await panel.getByLabel(text.chooseLogo).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: LOGO });
    await panel.getByRole('status').filter({ hasText: text.uploaded }).waitFor();
    const preview = panel.getByRole('img', { name: text.logoAlt });
    expect(await naturalSize(preview)).toEqual([LOGO_SIZE, LOGO_SIZE]);
    // After a reload the preview is Storage's public file, no longer the file in memory.
    await page.reload();
    await project.getByRole('button', { name: ar.t('projects.showImages') }).click();
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toContain(`/storage/v1/object/public/project-public/${projectId}/logo`);
    expect(await naturalSize(preview)).toEqual([LOGO_SIZE, LOGO_SIZE]);
    await screenshot(page, 'dashboard-logo-ar-1280');

    for (const locale of ['ar', 'en'] as const) {
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        const logo = await openBookingPage(page, locale, slug, name);
        expect(await naturalSize(logo)).toEqual([LOGO_SIZE, LOGO_SIZE]);
        const src = (await logo.getAttribute('src'))!;
        expect(src).toContain(`/storage/v1/object/public/project-public/${projectId}/logo?v=`);
        // Laid out in its fixed box, whatever the file's own size.
        expect(await logo.evaluate((element) => [element.clientWidth, element.clientHeight])).toEqual([64, 64]);
        await expectNoHorizontalScroll(page);
        expect(await seriousViolations(page)).toEqual([]);
        await screenshot(page, `booking-logo-${locale}-${width}`);
        // The very bytes the owner uploaded.
        expect(Buffer.from(await (await fetch(src)).arrayBuffer()).equals(LOGO)).toBe(true);
      }
    }
    expect(errors).toEqual([]);
  });

  it('leaves no image, broken or not, on the booking page of a project without one', async () => {
    const page = await newPage();
    const errors = consoleErrors(page);
    await page.goto(urlOf('ar', '/book/demo-studio/'));
    await page.getByRole('heading', { name: 'استوديو التجربة', level: 1 }).waitFor();
    expect(await page.locator('.booking img').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
