/**
 * What the local fake payment providers share: a node:http server whose close() also ends
 * requests left hanging on purpose, a record of the API requests received, outbound deliveries
 * (notifications, webhooks) that can be sent now or handed to a test to send itself, the JSON
 * control endpoint, and the bilingual payment page's frame.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody, sendJson } from '../../supabase/local/http';
import { escapeHtml } from '../../supabase/local/http';

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  headers: Record<string, string>;
  body: string;
  at: string;
}

/** One outbound POST the provider makes (or would make) to the Worker. */
export interface Delivery {
  id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The Worker's answer, when it was sent and answered. */
  status?: number;
  /** Why sending failed (unreachable, timeout), when it did. */
  error?: string;
}

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

const KEEP_REQUESTS = 500;
const DELIVERY_TIMEOUT_MS = 5000;

export const randomDigits = (length: number) => Array.from(randomBytes(length), (byte) => String(byte % 10)).join('');
export const randomToken = (length: number) =>
  randomBytes(length).toString('base64url').replace(/[-_]/g, '').slice(0, length).padEnd(length, '0');

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Starts a server on 127.0.0.1; a handler that throws HttpError answers with its body, anything else with 500. */
export async function startServer(
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>,
): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake.local');
    handle(req, res, url).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) sendJson(res, error.status, error.body);
      else sendJson(res, 500, { error: String(error) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export class RequestLog {
  private readonly entries: RecordedRequest[] = [];

  /** Reads the body and keeps the request; returns the body. */
  async record(req: IncomingMessage, url: URL): Promise<string> {
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    this.entries.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers, body, at: new Date().toISOString() });
    if (this.entries.length > KEEP_REQUESTS) this.entries.shift();
    return body;
  }

  list(pathPrefix = ''): RecordedRequest[] {
    return this.entries.filter((entry) => entry.path.startsWith(pathPrefix));
  }

  clear() {
    this.entries.length = 0;
  }
}

export class Deliveries {
  private readonly entries: Delivery[] = [];

  /** Records the delivery and, when `send`, POSTs it and records the answer (never throws). */
  async dispatch(url: string, headers: Record<string, string>, body: string, send: boolean): Promise<Delivery> {
    const delivery: Delivery = { id: randomUUID(), url, headers, body };
    this.entries.push(delivery);
    if (!send) return delivery;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      delivery.status = response.status;
    } catch (error) {
      delivery.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    return delivery;
  }

  get(id: string): Delivery | undefined {
    return this.entries.find((entry) => entry.id === id);
  }

  list(): Delivery[] {
    return [...this.entries];
  }

  clear() {
    this.entries.length = 0;
  }
}

/** A JSON control request's body as an object (400 otherwise). */
export async function readControl(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, { error: 'control requests take a JSON object' });
}

/** Per-id (or '*' for all) ways of making a status API misbehave, as tests need it to. */
export class Overrides<T extends object> {
  private readonly byId = new Map<string, T>();

  set(id: string | undefined, override: T | null) {
    if (override) this.byId.set(id ?? '*', override);
    else this.byId.delete(id ?? '*');
  }

  for(...ids: Array<string | undefined>): T | undefined {
    for (const id of ids) if (id && this.byId.has(id)) return this.byId.get(id);
    return this.byId.get('*');
  }

  clear() {
    this.byId.clear();
  }
}

/**
 * The `/__control/*` endpoint both payment fakes answer: GET requests and deliveries; POST status
 * (an override per id, `clear: true` removes it), reset, and each fake's own `actions`, whose
 * JSON answers are sent as they are.
 */
export function controlEndpoint<T extends object>(parts: {
  log: RequestLog;
  deliveries: Deliveries;
  overrides: Overrides<T>;
  reset: () => void;
  actions: Record<string, (input: Record<string, unknown>) => Promise<unknown>>;
}) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const action = url.pathname.slice('/__control/'.length);
    if (req.method === 'GET' && action === 'requests') return sendJson(res, 200, parts.log.list(url.searchParams.get('path') ?? ''));
    if (req.method === 'GET' && action === 'deliveries') return sendJson(res, 200, parts.deliveries.list());
    if (req.method !== 'POST') throw new HttpError(404, { error: 'no such control' });
    const input = await readControl(req);
    if (action === 'status') {
      const { id, clear, ...override } = input;
      parts.overrides.set(typeof id === 'string' ? id : undefined, clear === true ? null : (override as T));
      return sendJson(res, 200, { ok: true });
    }
    if (action === 'reset') {
      parts.reset();
      return sendJson(res, 200, { ok: true });
    }
    const run = Object.hasOwn(parts.actions, action) ? parts.actions[action] : undefined;
    if (!run) throw new HttpError(404, { error: 'no such control' });
    sendJson(res, 200, await run(input));
  };
}

export type Outcome = 'success' | 'failure' | 'cancel';
export const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'cancel'];

/**
 * The fake payment page: what is being paid for, and three buttons for the person testing
 * (pay, bank declines, cancel). Plain HTML and CSS, no script; fits a 360 px screen.
 */
export function paymentPage(options: {
  provider: string;
  lang: 'ar' | 'en';
  action: string;
  hidden: Record<string, string>;
  description: string;
  amount: string;
  method: string;
  done?: string;
}): string {
  const { lang } = options;
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  const inputs = Object.entries(options.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  // The page's language first, the other one under it.
  const label = (ar: string, en: string) =>
    lang === 'ar' ? `${ar}<span class="alt" lang="en" dir="ltr">${en}</span>` : `${en}<span class="alt" lang="ar" dir="rtl">${ar}</span>`;
  const body = options.done
    ? `<p class="done">${escapeHtml(options.done)}</p>`
    : `<form method="post" action="${escapeHtml(options.action)}">${inputs}
  <button name="outcome" value="success" class="pay">${label('ادفع', 'Pay')}</button>
  <button name="outcome" value="failure" class="fail">${label('رفض البنك الدفع', 'Bank declines')}</button>
  <button name="outcome" value="cancel" class="cancel">${label('إلغاء', 'Cancel')}</button>
</form>`;
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.provider)} (محلي · local)</title>
<style>
  *, *::before, *::after { box-sizing: border-box; }
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-inline-size: 28rem; padding: 1rem; line-height: 1.6; color: #1b1d21; }
  .note { background: #fff4d6; border-radius: 0.5rem; padding: 0.5rem 0.75rem; font-size: 0.9rem; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 1rem; margin-block: 1rem; }
  dt { color: #555; }
  dd { margin: 0; overflow-wrap: anywhere; }
  .amount { font-size: 1.6rem; font-weight: 700; white-space: nowrap; }
  form { display: grid; gap: 0.75rem; }
  button { inline-size: 100%; min-block-size: 3rem; font: inherit; font-size: 1.05rem; border-radius: 0.5rem; border: 1px solid transparent; cursor: pointer; padding: 0.5rem; }
  .alt { display: block; font-size: 0.85em; opacity: 0.85; }
  .sub { margin-block-start: -0.5rem; color: #555; }
  .pay { background: #0b6b3a; color: #fff; }
  .fail { background: #fff; color: #a01d1d; border-color: #a01d1d; }
  .cancel { background: #eee; color: #1b1d21; }
  button:focus-visible { outline: 3px solid #1f5fbf; outline-offset: 2px; }
  .done { font-size: 1.2rem; }
</style>
</head>
<body>
<h1>${escapeHtml(options.provider)}</h1>
<p class="sub">${label('صفحة دفع محلية للتجربة', 'Local test payment page')}</p>
<p class="note">${label('لا يُقتطع مال حقيقي: اختر النتيجة التي تريد تجربتها.', 'No real money moves: choose the outcome to try.')}</p>
<dl>
  <dt>${label('المبلغ', 'Amount')}</dt><dd class="amount" dir="ltr">${escapeHtml(options.amount)}</dd>
  <dt>${label('الوصف', 'For')}</dt><dd>${escapeHtml(options.description)}</dd>
  <dt>${label('طريقة الدفع', 'Method')}</dt><dd>${escapeHtml(options.method)}</dd>
</dl>
${body}
</body>
</html>`;
}
