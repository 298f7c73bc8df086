/**
 * Google Calendar events through a service account: create one (idempotent: its id is derived
 * from the caller's request id, so a retry after a lost answer finds the event already there)
 * and delete one (already gone counts as done). The calendar must be shared with the service
 * account's e-mail with "Make changes to events".
 */
import { fetchWithTimeout, ProviderError } from '../http';
import { accessToken, forgetAccessToken, parseServiceAccount, type ServiceAccount, type TokenOptions } from './auth';

export const DEFAULT_CALENDAR_API_BASE = 'https://www.googleapis.com/calendar/v3';

export interface GoogleCalendarConfig {
  serviceAccount: ServiceAccount;
  /** GOOGLE_TOKEN_URL; default Google's. */
  tokenUrl?: string;
  /** GOOGLE_CALENDAR_API_BASE; default Google's. */
  apiBase?: string;
}

export interface CalendarEventInput {
  summary: string;
  description?: string;
  /** RFC 3339 date-times with an offset, e.g. 2026-12-01T09:00:00+03:00. */
  start: string;
  end: string;
  /** IANA zone the event is shown in, e.g. Asia/Kuwait. */
  timeZone: string;
  /** Stable for one booking (e.g. its id): the same request id never creates two events. */
  requestId: string;
}

export interface GoogleOptions {
  fetch?: typeof fetch;
  /** Per HTTP call (token exchange and API call each); default 10 000 ms. */
  timeoutMs?: number;
}

/**
 * The config and platform-wide calendar from env, or null when no service account is set.
 * Throws a TypeError when GOOGLE_SERVICE_ACCOUNT_JSON is set but unusable.
 */
export function googleCalendarConfigFromEnv(env: {
  GOOGLE_SERVICE_ACCOUNT_JSON?: string;
  GOOGLE_CALENDAR_ID?: string;
  GOOGLE_TOKEN_URL?: string;
  GOOGLE_CALENDAR_API_BASE?: string;
}): (GoogleCalendarConfig & { calendarId: string | undefined }) | null {
  if (!env.GOOGLE_SERVICE_ACCOUNT_JSON) return null;
  return {
    serviceAccount: parseServiceAccount(env.GOOGLE_SERVICE_ACCOUNT_JSON),
    tokenUrl: env.GOOGLE_TOKEN_URL || undefined,
    apiBase: env.GOOGLE_CALENDAR_API_BASE || undefined,
    calendarId: env.GOOGLE_CALENDAR_ID || undefined,
  };
}

/**
 * The event id used for a request id: hex of its SHA-256, which fits Google's rule for
 * client-chosen ids (base32hex characters a-v and 0-9, 5 to 1024 of them).
 */
export async function eventIdFor(requestId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(requestId)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function validZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function checkInput(input: CalendarEventInput): void {
  const problems: string[] = [];
  if (typeof input.summary !== 'string' || input.summary.trim() === '' || input.summary.length > 1024) problems.push('summary');
  if (input.description !== undefined && (typeof input.description !== 'string' || input.description.length > 8000))
    problems.push('description');
  const start = RFC3339.test(input.start) ? Date.parse(input.start) : Number.NaN;
  const end = RFC3339.test(input.end) ? Date.parse(input.end) : Number.NaN;
  if (!Number.isFinite(start)) problems.push('start');
  if (!Number.isFinite(end) || !(end > start)) problems.push('end');
  if (typeof input.timeZone !== 'string' || !validZone(input.timeZone)) problems.push('timeZone');
  if (typeof input.requestId !== 'string' || input.requestId.length < 1 || input.requestId.length > 200) problems.push('requestId');
  if (problems.length > 0) throw new TypeError(`invalid calendar event: ${problems.join(', ')}`);
}

/** Google's error body: {error: {code, message, status, errors: [{reason}]}}. */
function googleReason(text: string): string | undefined {
  try {
    const error = (JSON.parse(text) as { error?: { status?: unknown; errors?: Array<{ reason?: unknown }> } }).error;
    const reason = error?.errors?.[0]?.reason ?? error?.status;
    return typeof reason === 'string' ? reason.slice(0, 100) : undefined;
  } catch {
    return undefined;
  }
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

function apiError(response: Response, text: string, what: string): ProviderError {
  const code = googleReason(text);
  const retryable =
    response.status >= 500 ||
    response.status === 408 ||
    response.status === 429 ||
    (response.status === 403 && RATE_LIMIT_REASONS.has(code ?? ''));
  return new ProviderError('google', retryable ? 'unavailable' : 'rejected', `${what} answered ${response.status}`, {
    status: response.status,
    code,
  });
}

/** One Calendar API call with a cached token; a 401 drops the token and tries once more. */
async function callApi(
  config: GoogleCalendarConfig,
  method: string,
  path: string,
  body: unknown,
  options: GoogleOptions,
): Promise<{ response: Response; text: string }> {
  const tokenOptions: TokenOptions = { tokenUrl: config.tokenUrl, fetch: options.fetch, timeoutMs: options.timeoutMs };
  for (let attempt = 0; ; attempt++) {
    const token = await accessToken(config.serviceAccount, tokenOptions);
    const response = await fetchWithTimeout(
      'google',
      `${config.apiBase ?? DEFAULT_CALENDAR_API_BASE}${path}`,
      {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      { timeoutMs: options.timeoutMs ?? 10_000, fetch: options.fetch },
    );
    if (response.status === 401 && attempt === 0) {
      await forgetAccessToken(config.serviceAccount, token, tokenOptions);
      continue;
    }
    return { response, text: await response.text() };
  }
}

const eventsPath = (calendarId: string) => `/calendars/${encodeURIComponent(calendarId)}/events`;

/** Creates the event (or finds the one an earlier attempt created) and returns its id. */
export async function createEvent(
  config: GoogleCalendarConfig,
  calendarId: string,
  input: CalendarEventInput,
  options: GoogleOptions = {},
): Promise<string> {
  checkInput(input);
  if (!calendarId) throw new TypeError('calendarId is required');
  const id = await eventIdFor(input.requestId);
  const { response, text } = await callApi(
    config,
    'POST',
    eventsPath(calendarId),
    {
      id,
      summary: input.summary,
      ...(input.description === undefined ? {} : { description: input.description }),
      start: { dateTime: input.start, timeZone: input.timeZone },
      end: { dateTime: input.end, timeZone: input.timeZone },
    },
    options,
  );
  // 409: an earlier attempt already created this id.
  if (response.status === 409) return id;
  if (!response.ok) throw apiError(response, text, 'events.insert');
  let created: unknown;
  try {
    created = JSON.parse(text);
  } catch {
    created = undefined;
  }
  const createdId = (created as { id?: unknown } | undefined)?.id;
  if (typeof createdId !== 'string' || createdId === '')
    throw new ProviderError('google', 'malformed', 'events.insert answer has no id', { status: response.status });
  return createdId;
}

/** Deletes the event; one that is already gone (404, 410) counts as deleted. */
export async function deleteEvent(
  config: GoogleCalendarConfig,
  calendarId: string,
  eventId: string,
  options: GoogleOptions = {},
): Promise<void> {
  if (!calendarId || !eventId || eventId.length > 1024) throw new TypeError('calendarId and eventId are required');
  const { response, text } = await callApi(
    config,
    'DELETE',
    `${eventsPath(calendarId)}/${encodeURIComponent(eventId)}`,
    undefined,
    options,
  );
  if (response.ok || response.status === 404 || response.status === 410) return;
  throw apiError(response, text, 'events.delete');
}
