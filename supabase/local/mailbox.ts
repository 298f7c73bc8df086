/**
 * The local mailbox: the sign-in emails the Auth endpoint would have sent, kept in memory (the
 * newest 200) and shown at `/mailbox` (a page for people, Arabic first) and
 * `/mailbox/messages?email=` (JSON for tests, newest first).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
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

  /** Composes and stores the bilingual sign-in email (code and magic link). */
  sendSignIn(to: string, code: string, link: string): MailMessage {
    const message: MailMessage = {
      id: randomUUID(),
      to,
      subject: 'رمز الدخول إلى KWq8 · Your KWq8 sign-in code',
      text: [
        `رمز الدخول: ${code}`,
        'أدخل هذا الرمز في صفحة الدخول، أو افتح الرابط التالي لتسجيل الدخول مباشرة:',
        link,
        'ينتهي الرمز والرابط بعد ساعة ويُستخدمان مرة واحدة. إن لم تطلب الدخول فتجاهل هذه الرسالة.',
        '',
        `Your sign-in code: ${code}`,
        'Enter it on the sign-in page, or open this link to sign in directly:',
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
<meta http-equiv="refresh" content="5">
<title>البريد المحلي · Local mailbox</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-inline-size: 48rem; padding-inline: 1rem; line-height: 1.6; }
  article { border: 1px solid #ccc; border-radius: 0.5rem; padding: 1rem; margin-block: 1rem; }
  .code { font-size: 2rem; letter-spacing: 0.3em; font-family: monospace; margin-block: 0.5rem; }
  pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.75rem; }
</style>
</head>
<body>
<h1>البريد المحلي <small lang="en" dir="ltr">Local mailbox</small></h1>
<p>رسائل الدخول التي يرسلها الخادم المحلي، الأحدث أولاً. تتحدّث الصفحة كل خمس ثوانٍ.
<span lang="en" dir="ltr">Sign-in emails sent by the local stack, newest first; this page refreshes every 5 seconds.</span></p>
${items || '<p>لا رسائل بعد. <span lang="en" dir="ltr">No messages yet.</span></p>'}
</body>
</html>`;
}

export function handleMailbox(res: ServerResponse, mailbox: Mailbox, path: string, query: URLSearchParams): boolean {
  if (path === '/mailbox' || path === '/mailbox/') {
    send(res, 200, page(mailbox.list(query.get('email') ?? undefined)), { 'Content-Type': 'text/html; charset=utf-8' });
    return true;
  }
  if (path === '/mailbox/messages') {
    sendJson(res, 200, mailbox.list(query.get('email') ?? undefined));
    return true;
  }
  return false;
}
