/**
 * A fake Make: custom-webhook inboxes that check the Standard Webhooks signature with the
 * configured secret, for `npm run dev` and the tests alike.
 *
 * - `POST /hooks/<inbox>`: a webhook URL (any inbox name of [A-Za-z0-9_-], one per scenario or
 *   per test). A valid signature within 5 minutes → 200 `Accepted` (as Make answers) and the
 *   event is stored; a bad one → 401, counted as an attempt only.
 * - `GET /`: the received events, newest first (Arabic and English, fits 360 px); refreshes itself.
 * - `GET /events?inbox=`: the stored events as JSON, oldest first. `GET /attempts?inbox=`: every
 *   delivery attempt with its outcome (accepted, bad_signature, failed, hung).
 * - `POST /__control/fail` `{"inbox","count","mode":"error"|"hang","status":500}`: the inbox's
 *   next `count` deliveries fail with `status` (default 500) or hang until the client gives up.
 * - `POST /__control/secret` `{"inbox","secret"}`: that inbox checks signatures with its own
 *   `whsec_` secret (as a project's own Make scenario would) instead of the fake's.
 *
 * From Node the same controls are methods of what startFakeMake returns.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, readBody, send, sendJson } from '../../supabase/local/http';
import { verifyWebhookSignature } from '../../worker/providers/make/signature';
import { startServer } from './common';
import type { FakeMakeEvent, FakeMakeAttempt } from './records';

/** The local development secret (never a production one); .dev.vars may set another. */
export const FAKE_MAKE_SECRET = 'whsec_a3dxOC1sb2NhbC1tYWtlLXdlYmhvb2stc2VjcmV0ISE=';

export type FailMode = 'error' | 'hang';

const INBOX = /^\/hooks\/([A-Za-z0-9_-]{1,100})$/;
const KEEP = 1000;

function page(events: FakeMakeEvent[]): string {
  const items = events
    .slice()
    .reverse()
    .map(
      (event) => `<article>
  <header><strong dir="ltr">${escapeHtml(event.type ?? '(no type)')}</strong>
  <span class="ok">✓ التوقيع صحيح · signature valid</span>${event.duplicate ? ' <span class="dup">مكرر · duplicate</span>' : ''}</header>
  <dl dir="ltr"><dt>inbox</dt><dd>${escapeHtml(event.inbox)}</dd><dt>webhook-id</dt><dd>${escapeHtml(event.webhookId)}</dd>
  <dt>received</dt><dd><time datetime="${event.receivedAt}">${event.receivedAt}</time></dd></dl>
  <pre dir="ltr">${escapeHtml(JSON.stringify(event.payload ?? event.body, null, 2))}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>صندوق Make المحلي · Local Make inbox</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-inline-size: 48rem; padding-inline: 0.75rem; line-height: 1.6; }
  article { border: 1px solid #ccc; border-radius: 0.5rem; padding: 0.75rem; margin-block: 0.75rem; overflow-wrap: anywhere; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 0 0.75rem; margin: 0.5rem 0; font-size: 0.9rem; }
  dt { font-weight: 600; } dd { margin: 0; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: 0.5rem; font-size: 0.85rem; }
  h1 { font-size: 1.5rem; } h1 small { display: block; font-size: 1rem; font-weight: 400; }
  .ok { color: #176b2c; } .dup { color: #8a4b00; }
</style>
</head>
<body>
<h1>صندوق Make المحلي <small lang="en" dir="ltr">Local Make inbox</small></h1>
<p>الأحداث التي وصلت بتوقيع صحيح، الأحدث أولاً. تتحدّث الصفحة كل خمس ثوانٍ.
<span lang="en" dir="ltr">Events received with a valid signature, newest first; this page refreshes every 5 seconds.</span></p>
${items || '<p>لا أحداث بعد. <span lang="en" dir="ltr">No events yet.</span></p>'}
</body>
</html>`;
}

export async function startFakeMake({ port = 0, secret = FAKE_MAKE_SECRET }: { port?: number; secret?: string } = {}) {
  const events: FakeMakeEvent[] = [];
  const attempts: FakeMakeAttempt[] = [];
  const failures = new Map<string, { count: number; mode: FailMode; status: number }>();
  const inboxSecrets = new Map<string, string>();

  const failNext = (inbox: string, count: number, mode: FailMode = 'error', status = 500) => {
    failures.set(inbox, { count, mode, status });
  };
  const keep = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > KEEP) list.shift();
  };

  async function deliver(req: IncomingMessage, res: ServerResponse, inbox: string) {
    const body = await readBody(req);
    const header = (name: string) => req.headers[name] as string | undefined;
    const webhookId = header('webhook-id') ?? null;
    const at = new Date().toISOString();
    const failure = failures.get(inbox);
    if (failure && failure.count > 0) {
      failure.count -= 1;
      keep(attempts, {
        inbox,
        webhookId,
        outcome: failure.mode === 'hang' ? 'hung' : 'failed',
        status: failure.mode === 'hang' ? null : failure.status,
        at,
      });
      // A hung request stays open until the client gives up or the fake closes.
      if (failure.mode === 'error') send(res, failure.status, 'Scenario failed', { 'Content-Type': 'text/plain; charset=utf-8' });
      return;
    }
    const valid = await verifyWebhookSignature(
      inboxSecrets.get(inbox) ?? secret,
      { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') },
      body,
    );
    if (!valid) {
      keep(attempts, { inbox, webhookId, outcome: 'bad_signature', status: 401, at });
      return sendJson(res, 401, { error: 'invalid webhook signature' });
    }
    let payload: unknown = null;
    try {
      payload = JSON.parse(body);
    } catch {
      payload = null;
    }
    const type = (payload as { type?: unknown } | null)?.type;
    keep(attempts, { inbox, webhookId, outcome: 'accepted', status: 200, at });
    keep(events, {
      inbox,
      webhookId: webhookId!,
      webhookTimestamp: header('webhook-timestamp')!,
      type: typeof type === 'string' ? type : null,
      body,
      payload,
      duplicate: events.some((event) => event.inbox === inbox && event.webhookId === webhookId),
      receivedAt: at,
    });
    send(res, 200, 'Accepted', { 'Content-Type': 'text/plain; charset=utf-8' });
  }

  async function setSecret(req: IncomingMessage, res: ServerResponse) {
    let input: { inbox?: unknown; secret?: unknown };
    try {
      input = JSON.parse(await readBody(req)) as typeof input;
    } catch {
      return sendJson(res, 400, { error: 'JSON body expected' });
    }
    if (typeof input.inbox !== 'string' || typeof input.secret !== 'string' || !input.secret.startsWith('whsec_')) {
      return sendJson(res, 400, { error: 'expected {"inbox", "secret": "whsec_…"}' });
    }
    inboxSecrets.set(input.inbox, input.secret);
    sendJson(res, 200, { inbox: input.inbox });
  }

  async function control(req: IncomingMessage, res: ServerResponse) {
    let input: { inbox?: unknown; count?: unknown; mode?: unknown; status?: unknown };
    try {
      input = JSON.parse(await readBody(req)) as typeof input;
    } catch {
      return sendJson(res, 400, { error: 'JSON body expected' });
    }
    const { inbox, count, mode = 'error', status = 500 } = input;
    if (
      typeof inbox !== 'string' ||
      !Number.isInteger(count) ||
      (mode !== 'error' && mode !== 'hang') ||
      !Number.isInteger(status) ||
      (status as number) < 200 ||
      (status as number) > 599
    ) {
      return sendJson(res, 400, { error: 'expected {"inbox", "count", "mode": "error"|"hang", "status"}' });
    }
    failNext(inbox, count as number, mode, status as number);
    sendJson(res, 200, { inbox, count, mode, status });
  }

  const { url, close } = await startServer(port, async (req, res, url) => {
    const inboxParam = url.searchParams.get('inbox');
    const byInbox = <T extends { inbox: string }>(list: T[]) => (inboxParam ? list.filter((item) => item.inbox === inboxParam) : list);
    const hook = INBOX.exec(url.pathname);
    if (req.method === 'POST' && hook) return deliver(req, res, hook[1]!);
    if (req.method === 'POST' && url.pathname === '/__control/fail') return control(req, res);
    if (req.method === 'POST' && url.pathname === '/__control/secret') return setSecret(req, res);
    if (req.method === 'GET' && url.pathname === '/')
      return send(res, 200, page(byInbox(events)), { 'Content-Type': 'text/html; charset=utf-8' });
    if (req.method === 'GET' && url.pathname === '/events') return sendJson(res, 200, byInbox(events));
    if (req.method === 'GET' && url.pathname === '/attempts') return sendJson(res, 200, byInbox(attempts));
    return sendJson(res, 404, { error: 'not found' });
  });
  return {
    url,
    secret,
    /** The webhook URL of one inbox. */
    webhookUrl: (inbox: string) => `${url}/hooks/${inbox}`,
    events: (inbox?: string) => (inbox ? events.filter((event) => event.inbox === inbox) : [...events]),
    attempts: (inbox?: string) => (inbox ? attempts.filter((attempt) => attempt.inbox === inbox) : [...attempts]),
    failNext,
    /** The inbox checks signatures with this secret from now on. */
    setSecret: (inbox: string, inboxSecret: string) => void inboxSecrets.set(inbox, inboxSecret),
    close,
  };
}
