/**
 * The local mailbox: the sign-in emails the Auth endpoint would have sent, kept in memory (the
 * newest 200) and shown at `/mailbox` (a page for people, Arabic first, in Noto Kufi Arabic from
 * @fontsource, served at `/mailbox/fonts/`) and `/mailbox/messages?email=` (JSON for tests, newest
 * first).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { escapeHtml, send, sendJson } from './http';

export interface MailMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  code: string;
  link: string;
  created_at: string;
}

const KEEP = 200;

export class Mailbox {
  private readonly messages: MailMessage[] = [];

  /**
   * Composes and stores the bilingual sign-in email (code and magic link), worded as the real
   * project's template, supabase/templates/sign-in.html.
   */
  sendSignIn(to: string, code: string, link: string): MailMessage {
    const message: MailMessage = {
      id: randomUUID(),
      to,
      subject: 'رمز الدخول إلى KWq8 · Your KWq8 sign-in code',
      text: [
        `رمز الدخول: ${code}`,
        'اكتب هذا الرمز في صفحة الدخول، أو افتح الرابط التالي في المتصفح نفسه الذي طلبت منه الدخول:',
        link,
        'ينتهي الرمز والرابط بعد ساعة ويُستخدمان مرة واحدة. إن لم تطلب الدخول فتجاهل هذه الرسالة.',
        '',
        `Your sign-in code: ${code}`,
        'Type it on the sign-in page, or open this link in the browser where you asked to sign in:',
        link,
        'The code and the link expire in one hour and work once. If you did not ask to sign in, ignore this email.',
      ].join('\n'),
      code,
      link,
      created_at: new Date().toISOString(),
    };
    this.messages.unshift(message);
    this.messages.length = Math.min(this.messages.length, KEEP);
    return message;
  }

  list(email?: string): MailMessage[] {
    const wanted = email?.trim().toLowerCase();
    return wanted ? this.messages.filter((message) => message.to === wanted) : [...this.messages];
  }
}

// The Arabic and Latin subsets of @fontsource/noto-kufi-arabic, so the page does not depend on
// the fonts a machine (or the npm-shipped test browser) happens to have.
const FONT_SUBSETS = ['arabic', 'latin'] as const;
const requireFont = createRequire(import.meta.url);
const unicodeRanges = requireFont('@fontsource/noto-kufi-arabic/unicode.json') as Record<(typeof FONT_SUBSETS)[number], string>;
const fontFiles = new Map<string, Buffer>();

function fontFile(subset: (typeof FONT_SUBSETS)[number]): Buffer {
  let file = fontFiles.get(subset);
  if (!file) {
    file = readFileSync(requireFont.resolve(`@fontsource/noto-kufi-arabic/files/noto-kufi-arabic-${subset}-400-normal.woff2`));
    fontFiles.set(subset, file);
  }
  return file;
}

/** The @font-face rules for pages the stack serves (the mailbox, the local Google consent page). */
export const fontFaces = FONT_SUBSETS.map(
  (subset) =>
    `@font-face { font-family: 'Noto Kufi Arabic'; font-display: swap; src: url(/mailbox/fonts/${subset}.woff2) format('woff2'); unicode-range: ${unicodeRanges[subset]}; }`,
).join('\n  ');

function page(messages: MailMessage[]): string {
  const items = messages
    .map(
      (message) => `<article>
  <header><strong>${escapeHtml(message.to)}</strong> · <time datetime="${message.created_at}">${escapeHtml(message.created_at)}</time></header>
  <h2>${escapeHtml(message.subject)}</h2>
  <p class="code" dir="ltr">${escapeHtml(message.code)}</p>
  <p><a href="${escapeHtml(message.link)}">ادخل بهذا الرابط · Sign in with this link</a></p>
  <pre>${escapeHtml(message.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>البريد المحلي · Local mailbox</title>
<style>
  ${fontFaces}
  * { box-sizing: border-box; }
  body { font-family: 'Noto Kufi Arabic', sans-serif; margin: 0 auto; max-inline-size: 48rem; padding-inline: 1rem; line-height: 1.6; overflow-wrap: anywhere; }
  article { border: 1px solid #ccc; border-radius: 0.5rem; padding: 1rem; margin-block: 1rem; }
  .code { font-size: 2rem; letter-spacing: 0.3em; font-family: monospace; margin-block: 0.5rem; }
  pre { font: inherit; font-size: 0.875rem; white-space: pre-wrap; unicode-bidi: plaintext; background: #f6f6f6; padding: 0.75rem; }
</style>
</head>
<body>
<h1>البريد المحلي <small lang="en" dir="ltr">Local mailbox</small></h1>
<p>رسائل الدخول التي يرسلها الخادم المحلي، الأحدث أولاً. تتحدّث الصفحة عند وصول رسالة جديدة.
<span lang="en" dir="ltr">Sign-in emails sent by the local stack, newest first; this page reloads when a new one arrives.</span></p>
${items || '<p>لا رسائل بعد. <span lang="en" dir="ltr">No messages yet.</span></p>'}
<script>
  // Polls instead of a timed reload, so the page stays put while someone copies a code.
  const shown = ${JSON.stringify(messages[0]?.id ?? null)};
  setInterval(() => {
    fetch('/mailbox/messages' + location.search)
      .then((response) => response.json())
      .then(([newest]) => (newest ? newest.id : null) !== shown && location.reload(), () => {});
  }, 2000);
</script>
</body>
</html>`;
}

export function handleMailbox(res: ServerResponse, mailbox: Mailbox, path: string, query: URLSearchParams): boolean {
  if (path === '/mailbox' || path === '/mailbox/') {
    send(res, 200, page(mailbox.list(query.get('email') ?? undefined)), { 'Content-Type': 'text/html; charset=utf-8' });
    return true;
  }
  const subset = FONT_SUBSETS.find((name) => path === `/mailbox/fonts/${name}.woff2`);
  if (subset) {
    const file = fontFile(subset);
    res.writeHead(200, { 'Content-Type': 'font/woff2', 'Content-Length': String(file.length), 'Cache-Control': 'max-age=86400' });
    res.end(file);
    return true;
  }
  if (path === '/mailbox/messages') {
    sendJson(res, 200, mailbox.list(query.get('email') ?? undefined));
    return true;
  }
  return false;
}
