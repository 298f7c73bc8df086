/**
 * A fake Google for `npm run dev` and the tests: the OAuth token endpoint of service accounts and
 * the Calendar API's events insert/get/delete, with Google's JSON error bodies.
 *
 * - It generates an RSA key and a service-account JSON (`serviceAccountJson`, like the key file
 *   Google hands out) whose `token_uri` is its own `/token`. Pass `privateKeyPem` to keep a key
 *   across restarts.
 * - `POST /token` (grant_type jwt-bearer): the assertion must be RS256, signed by that key (its
 *   `kid` if given must match), `aud` = this token URL, a calendar scope, `iat`/`exp` now and at
 *   most an hour apart. Any `iss` of the form `…@….iam.gserviceaccount.com` is accepted, so each
 *   test can be a different account (and so have its own token cache) with the same key.
 *   Bad assertions → 400 `invalid_grant`, as Google answers.
 * - `POST /calendar/v3/calendars/<id>/events`, `GET|DELETE …/events/<eventId>` with
 *   `Authorization: Bearer <token from /token>`; a client-chosen `id` must be base32hex and
 *   unique (else 409 `duplicate`); deleting twice → 410, an unknown event → 404.
 * - `GET /__control/state?iss=&calendarId=`: `{tokenRequests, events}` filtered by account and
 *   calendar. `POST /__control/fail` `{"iss"|"calendarId", "count", "status"}`: the next `count`
 *   token requests of that account, or API calls on that calendar, answer `status` (default 500;
 *   0 = never answer).
 *   `POST /__control/revoke` `{"iss"}`: that account's tokens stop working (the API answers 401).
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendEmpty, sendJson } from '../../supabase/local/http';
import { startServer } from './common';
import type { FakeTokenRequest, FakeCalendarEvent } from './records';

const CALENDAR_SCOPES = ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/calendar.events'];
const SERVICE_ACCOUNT_EMAIL = /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/;
const EVENT_ID = /^[a-v0-9]{5,1024}$/;
const EVENTS_PATH = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/;

function googleError(res: ServerResponse, code: number, reason: string, message: string, status: string) {
  sendJson(res, code, { error: { code, message, errors: [{ message, domain: 'global', reason }], status } });
}

const FAILURE_BODIES: Record<number, [string, string, string]> = {
  403: ['rateLimitExceeded', 'Rate Limit Exceeded', 'PERMISSION_DENIED'],
  404: ['notFound', 'Not Found', 'NOT_FOUND'],
  429: ['rateLimitExceeded', 'Rate Limit Exceeded', 'RESOURCE_EXHAUSTED'],
  500: ['backendError', 'Backend Error', 'INTERNAL'],
  503: ['backendError', 'The service is currently unavailable.', 'UNAVAILABLE'],
};

function decodeJson(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeGoogle({
  port = 0,
  privateKeyPem,
  tokenLifetimeSeconds = 3599,
}: { port?: number; privateKeyPem?: string; tokenLifetimeSeconds?: number } = {}) {
  const privateKey =
    privateKeyPem ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKey: KeyObject = createPublicKey(privateKey);
  // Derived from the key, so a key kept across restarts keeps its id.
  const keyId = createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  const tokens = new Map<string, { iss: string; expiresAt: number }>();
  const tokenRequests: FakeTokenRequest[] = [];
  const events = new Map<string, FakeCalendarEvent>();
  /** status 0: hang until the client gives up. */
  const failures = new Map<string, { count: number; status: number }>();
  let tokenUrl = '';

  /** Consumes one injected failure of `key`; true when the caller must answer it. */
  const injectedFailure = (key: string, res: ServerResponse): boolean => {
    const failure = failures.get(key);
    if (!failure || failure.count <= 0) return false;
    failure.count -= 1;
    if (failure.status === 0) return true;
    const [reason, message, status] = FAILURE_BODIES[failure.status] ?? ['backendError', 'Backend Error', 'INTERNAL'];
    googleError(res, failure.status, reason, message, status);
    return true;
  };

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    const at = new Date().toISOString();
    const refuse = (iss: string | null, reason: string, error = 'invalid_grant') => {
      tokenRequests.push({ iss, outcome: 'invalid_grant', reason, at });
      sendJson(res, 400, { error, error_description: reason });
    };
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return refuse(null, `Invalid grant_type: ${form.get('grant_type') ?? ''}`, 'unsupported_grant_type');
    }
    const parts = (form.get('assertion') ?? '').split('.');
    const header = decodeJson(parts[0]);
    const claims = decodeJson(parts[1]);
    const iss = typeof claims?.iss === 'string' ? claims.iss : null;
    if (parts.length !== 3 || !header || !claims)
      return refuse(iss, 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe');
    if (iss && injectedFailure(`token:${iss}`, res)) {
      tokenRequests.push({ iss, outcome: 'failed', at });
      return;
    }
    if (header.alg !== 'RS256') return refuse(iss, 'Invalid JWT: alg must be RS256');
    if (header.kid !== undefined && header.kid !== keyId) return refuse(iss, 'Invalid JWT Signature.');
    const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2]!, 'base64url'));
    if (!signed) return refuse(iss, 'Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp, aud, scope } = claims;
    if (!iss || !SERVICE_ACCOUNT_EMAIL.test(iss)) return refuse(iss, 'Invalid JWT: iss is not a service account');
    if (aud !== tokenUrl) return refuse(iss, 'Invalid JWT: audience is not this token URL');
    if (typeof scope !== 'string' || !scope.split(' ').some((item) => CALENDAR_SCOPES.includes(item)))
      return refuse(iss, 'Invalid JWT: no calendar scope');
    if (typeof iat !== 'number' || typeof exp !== 'number' || Math.abs(iat - now) > 300 || exp <= now || exp - iat > 3600) {
      return refuse(iss, 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
    }
    const accessToken = `ya29.fake-${randomBytes(24).toString('base64url')}`;
    tokens.set(accessToken, { iss, expiresAt: Date.now() + tokenLifetimeSeconds * 1000 });
    tokenRequests.push({ iss, outcome: 'issued', at });
    sendJson(res, 200, { access_token: accessToken, expires_in: tokenLifetimeSeconds, token_type: 'Bearer' });
  }

  async function calendar(req: IncomingMessage, res: ServerResponse, calendarId: string, eventId: string | undefined) {
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const session = auth ? tokens.get(auth[1]!) : undefined;
    const body = await readBody(req);
    if (!session || session.expiresAt <= Date.now()) {
      return googleError(
        res,
        401,
        'authError',
        'Request had invalid authentication credentials. Expected OAuth 2 access token.',
        'UNAUTHENTICATED',
      );
    }
    if (injectedFailure(`calendar:${calendarId}`, res)) return;
    const key = (id: string) => `${calendarId}\n${id}`;
    if (req.method === 'POST' && !eventId) {
      let input: Partial<FakeCalendarEvent>;
      try {
        input = JSON.parse(body) as Partial<FakeCalendarEvent>;
      } catch {
        return googleError(res, 400, 'parseError', 'Parse Error', 'INVALID_ARGUMENT');
      }
      const start = Date.parse(input.start?.dateTime ?? '');
      const end = Date.parse(input.end?.dateTime ?? '');
      if (!Number.isFinite(start) || !Number.isFinite(end)) return googleError(res, 400, 'required', 'Missing time.', 'INVALID_ARGUMENT');
      if (end <= start) return googleError(res, 400, 'timeRangeEmpty', 'The specified time range is empty.', 'INVALID_ARGUMENT');
      const id = input.id ?? randomBytes(13).toString('hex');
      if (!EVENT_ID.test(id)) return googleError(res, 400, 'invalid', 'Invalid resource id value.', 'INVALID_ARGUMENT');
      if (events.has(key(id))) return googleError(res, 409, 'duplicate', 'The requested identifier already exists.', 'ALREADY_EXISTS');
      const now = new Date().toISOString();
      const event: FakeCalendarEvent = {
        calendarId,
        id,
        status: 'confirmed',
        summary: String(input.summary ?? ''),
        ...(input.description === undefined ? {} : { description: String(input.description) }),
        start: input.start!,
        end: input.end!,
        created: now,
        updated: now,
      };
      events.set(key(id), event);
      return sendJson(res, 200, {
        kind: 'calendar#event',
        etag: `"${Date.now()}"`,
        htmlLink: `${tokenUrl.replace(/\/token$/, '')}/event?eid=${id}`,
        ...event,
      });
    }
    const event = eventId ? events.get(key(eventId)) : undefined;
    if (!eventId || !event) return googleError(res, 404, 'notFound', 'Not Found', 'NOT_FOUND');
    if (req.method === 'GET') return sendJson(res, 200, { kind: 'calendar#event', ...event });
    if (req.method === 'DELETE') {
      if (event.status === 'cancelled') return googleError(res, 410, 'deleted', 'Resource has been deleted', 'GONE');
      event.status = 'cancelled';
      event.updated = new Date().toISOString();
      return sendEmpty(res, 204);
    }
    googleError(res, 405, 'httpMethodNotAllowed', 'Method Not Allowed', 'METHOD_NOT_ALLOWED');
  }

  const failNext = (target: { iss: string } | { calendarId: string }, count: number, status = 500) => {
    failures.set('iss' in target ? `token:${target.iss}` : `calendar:${target.calendarId}`, { count, status });
  };
  const revoke = (iss: string) => {
    for (const [value, session] of tokens) if (session.iss === iss) tokens.delete(value);
  };
  const state = (filter: { iss?: string | null; calendarId?: string | null } = {}) => ({
    tokenRequests: tokenRequests.filter((request) => !filter.iss || request.iss === filter.iss),
    events: [...events.values()].filter((event) => !filter.calendarId || event.calendarId === filter.calendarId),
  });

  async function control(req: IncomingMessage, res: ServerResponse, action: string) {
    const input = JSON.parse(await readBody(req)) as { iss?: unknown; calendarId?: unknown; count?: unknown; status?: unknown };
    const iss = typeof input.iss === 'string' ? input.iss : undefined;
    const calendarId = typeof input.calendarId === 'string' ? input.calendarId : undefined;
    if (action === 'revoke' && iss) {
      revoke(iss);
      return sendJson(res, 200, { revoked: iss });
    }
    const status = input.status ?? 500;
    const validStatus = status === 0 || (Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599);
    if (action !== 'fail' || !(iss || calendarId) || !Number.isInteger(input.count) || !validStatus) {
      return sendJson(res, 400, { error: 'expected {"iss"|"calendarId", "count", "status"} or {"iss"} to revoke' });
    }
    failNext(iss ? { iss } : { calendarId: calendarId! }, input.count as number, status as number);
    sendJson(res, 200, { iss, calendarId, count: input.count, status });
  }

  const { url, close } = await startServer(port, async (req, res, url) => {
    const eventsPath = EVENTS_PATH.exec(url.pathname);
    if (req.method === 'POST' && url.pathname === '/token') return token(req, res);
    if (eventsPath) return calendar(req, res, decodeURIComponent(eventsPath[1]!), eventsPath[2] && decodeURIComponent(eventsPath[2]));
    if (req.method === 'GET' && url.pathname === '/__control/state') {
      return sendJson(res, 200, state({ iss: url.searchParams.get('iss'), calendarId: url.searchParams.get('calendarId') }));
    }
    if (req.method === 'POST' && (url.pathname === '/__control/fail' || url.pathname === '/__control/revoke'))
      return control(req, res, url.pathname.slice('/__control/'.length));
    return googleError(res, 404, 'notFound', 'Not Found', 'NOT_FOUND');
  });
  tokenUrl = `${url}/token`;
  const serviceAccount = {
    type: 'service_account',
    project_id: 'kwq8-local',
    private_key_id: keyId,
    private_key: privateKey,
    client_email: 'kwq8-calendar@kwq8-local.iam.gserviceaccount.com',
    client_id: '100000000000000000001',
    auth_uri: `${url}/o/oauth2/auth`,
    token_uri: tokenUrl,
  };
  return {
    url,
    tokenUrl,
    apiBase: `${url}/calendar/v3`,
    serviceAccount,
    serviceAccountJson: JSON.stringify(serviceAccount),
    state,
    failNext,
    revoke,
    close,
  };
}
