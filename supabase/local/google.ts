/**
 * Google's half of "Continue with Google" for the local stack, so that sign-in works with no Google
 * account and no network: the consent screen Google would show (`/google/o/oauth2/v2/auth`, Arabic
 * first, in Noto Kufi Arabic like the mailbox, fitting a 360 px phone), where a person types an
 * e-mail or picks one used before, and the one-time codes it hands back to the Auth endpoint's
 * `/auth/v1/callback`. GoTrue would exchange such a code at Google's token endpoint; here the Auth
 * endpoint redeems it in-process. As with a real Google OAuth client, the only redirect URI
 * accepted is the registered one: the stack's own callback.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, escapeHtml, readBody, redirect, send } from './http';
import { fontFaces } from './mailbox';

export const GOOGLE_AUTH_PATH = '/google/o/oauth2/v2/auth';
const CLIENT_ID = 'kwq8-local.apps.googleusercontent.com';
/** Google's authorization codes are short-lived and single-use. */
const CODE_MS = 10 * 60 * 1000;
const RECENT = 5;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What Google vouches for: a stable subject per account and a verified e-mail. */
export interface GoogleProfile {
  sub: string;
  email: string;
  name: string;
}

/** The Auth endpoint's callback: the one redirect URI registered for the local client. */
export const googleCallbackUrl = (stackUrl: string) => `${stackUrl}/auth/v1/callback`;

/** Where /authorize sends the browser: the consent page, with the parameters Google's takes. */
export function googleConsentUrl(stackUrl: string, state: string): string {
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: googleCallbackUrl(stackUrl),
    response_type: 'code',
    scope: 'email profile',
    access_type: 'offline',
    state,
  });
  return `${stackUrl}${GOOGLE_AUTH_PATH}?${query}`;
}

/** The same e-mail always gets the same subject, as one Google account keeps its `sub`. */
function profileFor(email: string): GoogleProfile {
  const digits = BigInt(`0x${createHash('sha256').update(`local-google:${email}`).digest('hex').slice(0, 16)}`).toString();
  return { sub: `1${digits.padStart(20, '0')}`, email, name: email.split('@')[0]! };
}

export class LocalGoogle {
  private readonly codes = new Map<string, { profile: GoogleProfile; expires: number }>();
  /** E-mails chosen before on this machine, newest first, offered on the consent page. */
  readonly recent: string[] = [];

  issue(email: string): string {
    const now = Date.now();
    for (const [code, entry] of this.codes) if (entry.expires <= now) this.codes.delete(code);
    const code = `4/0${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { profile: profileFor(email), expires: now + CODE_MS });
    this.recent.splice(0, this.recent.length, email, ...this.recent.filter((used) => used !== email).slice(0, RECENT - 1));
    return code;
  }

  /** The account a code was issued for, once; undefined for an unknown, used or expired code. */
  redeem(code: string): GoogleProfile | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    return entry && entry.expires > Date.now() ? entry.profile : undefined;
  }
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  // A consent screen must not be framed (clickjacking); it runs no script.
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'; base-uri 'none'; frame-ancestors 'none'",
};

/** Short text (labels, buttons) on one line; the English part isolated so the two never mix. */
const bilingual = (ar: string, en: string) => `${ar} · <span lang="en" dir="ltr">${en}</span>`;
/** A heading's or a note's English on its own line. */
const english = (text: string) => `<span class="en" lang="en" dir="ltr">${text}</span>`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  ${fontFaces}
  * { box-sizing: border-box; }
  body { font-family: 'Noto Kufi Arabic', sans-serif; margin: 0 auto; max-inline-size: 28rem; padding: 1rem; line-height: 1.6; overflow-wrap: anywhere; color: #1f1f1f; }
  main { border: 1px solid #dadce0; border-radius: 0.75rem; padding: 1.25rem; }
  h1 { font-size: 1.35rem; margin-block: 0 0.5rem; }
  h2 { font-size: 1rem; }
  .en { display: block; font-size: 0.85em; font-weight: 400; color: #444; }
  .note { color: #444; font-size: 0.9rem; margin-block: 0.5rem; }
  ul { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: 0.5rem; }
  form { margin: 0; }
  label { display: block; font-weight: 600; margin-block: 0.5rem 0.25rem; }
  input[type=email] { inline-size: 100%; font: inherit; padding: 0.6rem; border: 1px solid #747775; border-radius: 0.375rem; }
  input[aria-invalid=true] { border-color: #b3261e; }
  .error { color: #b3261e; margin-block: 0.25rem; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-block-start: 1rem; }
  button { font: inherit; min-block-size: 2.75rem; padding-inline: 1.25rem; border-radius: 1.5rem; border: 1px solid #0b57d0; background: #0b57d0; color: #fff; cursor: pointer; }
  button.secondary { background: transparent; color: #0b57d0; border-color: #747775; }
  button.account { inline-size: 100%; text-align: start; background: #f8fafd; color: #1f1f1f; border-color: #dadce0; border-radius: 0.5rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

interface ConsentView {
  state: string;
  redirectUri: string;
  recent: string[];
  email?: string;
  invalid?: boolean;
}

function consentPage({ state, redirectUri, recent, email = '', invalid = false }: ConsentView): string {
  const hidden = `<input type="hidden" name="state" value="${escapeHtml(state)}">
  <input type="hidden" name="redirect_uri" value="${escapeHtml(redirectUri)}">`;
  const accounts = recent.length
    ? `<h2>اختر حساباً ${english('Choose an account')}</h2>
<ul>
${recent
  .map(
    (address) => `<li><form method="post" action="${GOOGLE_AUTH_PATH}">
  ${hidden}
  <input type="hidden" name="email" value="${escapeHtml(address)}">
  <button type="submit" class="account"><bdi dir="ltr">${escapeHtml(address)}</bdi></button>
</form></li>`,
  )
  .join('\n')}
</ul>`
    : '';
  return page(
    'تسجيل الدخول باستخدام Google · Sign in with Google',
    `<h1>تسجيل الدخول باستخدام Google ${english('Sign in with Google')}</h1>
<p class="note">هذه صفحة Google المحلية: لا يُستخدم حساب Google ولا الإنترنت، فاكتب أي بريد إلكتروني لتدخل به إلى KWq8.</p>
<p class="note" lang="en" dir="ltr">This is the local stand-in for Google's consent screen: no Google account or network is used. Type any email to sign in to KWq8 with it.</p>
${accounts}
<form method="post" action="${GOOGLE_AUTH_PATH}" novalidate>
  ${hidden}
  <label for="email">${bilingual('البريد الإلكتروني', 'Email')}</label>
  <input id="email" name="email" type="email" inputmode="email" autocomplete="email" dir="ltr" required value="${escapeHtml(email)}"${
    invalid ? ' aria-invalid="true" aria-describedby="email-error" autofocus' : ''
  }>
  ${invalid ? `<p id="email-error" class="error" role="alert">أدخل بريداً إلكترونياً صحيحاً. ${english('Enter a valid email address.')}</p>` : ''}
  <div class="actions">
    <button type="submit">${bilingual('متابعة', 'Continue')}</button>
    <button type="submit" name="action" value="cancel" class="secondary">${bilingual('إلغاء', 'Cancel')}</button>
  </div>
</form>`,
  );
}

function errorPage(res: ServerResponse, error: string): void {
  send(res, 400, page('خطأ · Error', `<h1>خطأ 400 ${english('Error 400')}</h1>\n<p dir="ltr">${escapeHtml(error)}</p>`), PAGE_HEADERS);
}

/** Serves the consent page and its answer; false when `path` is not Google's. */
export async function handleGoogle(
  req: IncomingMessage,
  res: ServerResponse,
  google: LocalGoogle,
  stackUrl: string,
  path: string,
  query: URLSearchParams,
): Promise<boolean> {
  if (path !== GOOGLE_AUTH_PATH) return false;
  const registered = googleCallbackUrl(stackUrl);
  if (req.method === 'GET') {
    const state = query.get('state') ?? '';
    if (query.get('redirect_uri') !== registered) errorPage(res, 'redirect_uri_mismatch');
    else if (query.get('response_type') !== 'code' || query.get('client_id') !== CLIENT_ID || !state) errorPage(res, 'invalid_request');
    else send(res, 200, consentPage({ state, redirectUri: registered, recent: google.recent }), PAGE_HEADERS);
    return true;
  }
  if (req.method !== 'POST') {
    send(res, 405, '', { Allow: 'GET, POST' });
    return true;
  }
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(await readBody(req));
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    res.setHeader('Connection', 'close');
    send(res, 413, '');
    return true;
  }
  const state = form.get('state') ?? '';
  if (form.get('redirect_uri') !== registered || !state) {
    errorPage(res, 'invalid_request');
    return true;
  }
  const back = new URL(registered);
  back.searchParams.set('state', state);
  if (form.get('action') === 'cancel') {
    back.searchParams.set('error', 'access_denied');
    redirect(res, back.href);
    return true;
  }
  const email = (form.get('email') ?? '').trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 255) {
    send(res, 400, consentPage({ state, redirectUri: registered, recent: google.recent, email, invalid: true }), PAGE_HEADERS);
    return true;
  }
  back.searchParams.set('code', google.issue(email));
  back.searchParams.set('scope', 'email profile openid');
  redirect(res, back.href);
  return true;
}
