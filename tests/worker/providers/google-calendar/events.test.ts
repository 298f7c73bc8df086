/**
 * Google Calendar through a service account, against the fake Google (tests/fakes/google.ts):
 * the RS256 assertion the fake verifies, the per-isolate token cache, and events insert/delete
 * with their failures. Each test uses its own account e-mail (same key) and calendar, so token
 * caches and injected failures never cross tests.
 */
import { describe, expect, inject, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../../../worker/providers/base64';
import { parseServiceAccount, type ServiceAccount } from '../../../../worker/providers/google-calendar/auth';
import {
  createEvent,
  deleteEvent,
  eventIdFor,
  googleCalendarConfigFromEnv,
  type CalendarEventInput,
  type GoogleCalendarConfig,
} from '../../../../worker/providers/google-calendar/events';
import { ProviderError } from '../../../../worker/providers/http';
import type { FakeCalendarEvent, FakeTokenRequest } from '../../../fakes/records';

const fake = inject('googleFake');
const account = parseServiceAccount(fake.serviceAccountJson);

function setup(serviceAccount: ServiceAccount = account) {
  const tag = crypto.randomUUID().slice(0, 8);
  const config: GoogleCalendarConfig = {
    serviceAccount: { ...serviceAccount, client_email: `test-${tag}@kwq8-local.iam.gserviceaccount.com` },
    tokenUrl: fake.tokenUrl,
    apiBase: fake.apiBase,
  };
  return { config, iss: config.serviceAccount.client_email, calendarId: `cal-${tag}@group.calendar.google.com` };
}

function session(requestId = crypto.randomUUID()): CalendarEventInput {
  return {
    summary: 'جلسة استشارة · Consultation',
    description: 'Booked on KWq8',
    start: '2026-12-01T09:00:00+03:00',
    end: '2026-12-01T09:45:00+03:00',
    timeZone: 'Asia/Kuwait',
    requestId,
  };
}

async function state(filter: {
  iss?: string;
  calendarId?: string;
}): Promise<{ tokenRequests: FakeTokenRequest[]; events: FakeCalendarEvent[] }> {
  return (await fetch(`${fake.url}/__control/state?${new URLSearchParams(filter)}`)).json();
}

async function control(action: 'fail' | 'revoke', body: Record<string, unknown>) {
  const response = await fetch(`${fake.url}/__control/${action}`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('auth', () => {
  it('signs an RS256 assertion the fake verifies against the service account key', async () => {
    const { config, iss, calendarId } = setup();
    await createEvent(config, calendarId, session());
    expect((await state({ iss })).tokenRequests.map((request) => request.outcome)).toEqual(['issued']);
  });

  it('is refused (invalid_grant) when signed with a key the account does not have', async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const pkcs8 = bytesToBase64(new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer));
    const { config, iss, calendarId } = setup({
      ...account,
      private_key: `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`,
    });
    const error = await providerError(createEvent(config, calendarId, session()));
    expect(error).toMatchObject({ kind: 'rejected', status: 400, code: 'invalid_grant' });
    expect((await state({ iss })).tokenRequests.map((request) => request.outcome)).toEqual(['invalid_grant']);
    expect((await state({ calendarId })).events).toEqual([]);
  });

  it('exchanges one token for five calls, concurrent ones included', async () => {
    const { config, iss, calendarId } = setup();
    await Promise.all([
      createEvent(config, calendarId, session()),
      createEvent(config, calendarId, session()),
      createEvent(config, calendarId, session()),
    ]);
    await createEvent(config, calendarId, session());
    await createEvent(config, calendarId, session());
    const { tokenRequests, events } = await state({ iss, calendarId });
    expect(tokenRequests).toHaveLength(1);
    expect(events).toHaveLength(5);
  });

  it('does not cache a failed exchange: the next call exchanges again and succeeds', async () => {
    const { config, iss, calendarId } = setup();
    await control('fail', { iss, count: 1, status: 503 });
    expect(await providerError(createEvent(config, calendarId, session()))).toMatchObject({ kind: 'unavailable', status: 503 });
    await createEvent(config, calendarId, session());
    expect((await state({ iss })).tokenRequests.map((request) => request.outcome)).toEqual(['failed', 'issued']);
  });

  it('exchanges a new token once when the API refuses the cached one (401)', async () => {
    const { config, iss, calendarId } = setup();
    await createEvent(config, calendarId, session());
    await control('revoke', { iss });
    await createEvent(config, calendarId, session());
    const { tokenRequests, events } = await state({ iss, calendarId });
    expect(tokenRequests.map((request) => request.outcome)).toEqual(['issued', 'issued']);
    expect(events).toHaveLength(2);
  });
});

describe('createEvent', () => {
  it('creates the event with its times and zone, under the id derived from the request id', async () => {
    const { config, calendarId } = setup();
    const input = session();
    const id = await createEvent(config, calendarId, input);
    expect(id).toBe(await eventIdFor(input.requestId));
    expect(id).toMatch(/^[a-v0-9]{64}$/);
    const [event, ...rest] = (await state({ calendarId })).events;
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      id,
      status: 'confirmed',
      summary: input.summary,
      description: input.description,
      start: { dateTime: input.start, timeZone: 'Asia/Kuwait' },
      end: { dateTime: input.end, timeZone: 'Asia/Kuwait' },
    });
  });

  it('is idempotent: the same request id again returns the same event and creates no second one', async () => {
    const { config, calendarId } = setup();
    const input = session();
    const first = await createEvent(config, calendarId, input);
    expect(await createEvent(config, calendarId, input)).toBe(first);
    expect((await state({ calendarId })).events).toHaveLength(1);
  });

  it.each([
    [500, 'unavailable'],
    [503, 'unavailable'],
    [429, 'unavailable'],
    [403, 'unavailable'],
  ] as const)('a %i from the API is %s', async (status, kind) => {
    const { config, calendarId } = setup();
    await control('fail', { calendarId, count: 1, status });
    expect(await providerError(createEvent(config, calendarId, session()))).toMatchObject({ kind, status, retryable: true });
    expect((await state({ calendarId })).events).toEqual([]);
  });

  it('a calendar the account may not write to is rejected, not retried', async () => {
    const { config, calendarId } = setup();
    await control('fail', { calendarId, count: 1, status: 404 });
    expect(await providerError(createEvent(config, calendarId, session()))).toMatchObject({
      kind: 'rejected',
      status: 404,
      code: 'notFound',
      retryable: false,
    });
  });

  it('times out on an API that does not answer', async () => {
    const { config, calendarId } = setup();
    await control('fail', { calendarId, count: 1, status: 0 });
    expect(await providerError(createEvent(config, calendarId, session(), { timeoutMs: 300 }))).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
  });

  it.each<[string, Partial<CalendarEventInput>]>([
    ['an end before the start', { end: '2026-12-01T08:00:00+03:00' }],
    ['a start without an offset', { start: '2026-12-01T09:00:00' }],
    ['an unknown time zone', { timeZone: 'Asia/Nowhere' }],
    ['an empty summary', { summary: ' ' }],
    ['an empty request id', { requestId: '' }],
  ])('refuses %s before calling Google', async (_why, change) => {
    const { config, iss, calendarId } = setup();
    await expect(createEvent(config, calendarId, { ...session(), ...change })).rejects.toThrow(TypeError);
    expect((await state({ iss })).tokenRequests).toEqual([]);
  });
});

describe('deleteEvent', () => {
  it('deletes the event; deleting it again (410) or an unknown one (404) counts as done', async () => {
    const { config, calendarId } = setup();
    const id = await createEvent(config, calendarId, session());
    await deleteEvent(config, calendarId, id);
    expect((await state({ calendarId })).events.map((event) => event.status)).toEqual(['cancelled']);
    await deleteEvent(config, calendarId, id);
    await deleteEvent(config, calendarId, await eventIdFor('never-created'));
  });

  it('reports a failing API as retryable', async () => {
    const { config, calendarId } = setup();
    const id = await createEvent(config, calendarId, session());
    await control('fail', { calendarId, count: 1, status: 500 });
    expect(await providerError(deleteEvent(config, calendarId, id))).toMatchObject({ kind: 'unavailable', status: 500 });
    await deleteEvent(config, calendarId, id);
    expect((await state({ calendarId })).events.map((event) => event.status)).toEqual(['cancelled']);
  });
});

describe('configuration', () => {
  it('reads the env, or is null without a service account', () => {
    expect(googleCalendarConfigFromEnv({})).toBeNull();
    const config = googleCalendarConfigFromEnv({
      GOOGLE_SERVICE_ACCOUNT_JSON: fake.serviceAccountJson,
      GOOGLE_CALENDAR_ID: 'primary-calendar@group.calendar.google.com',
      GOOGLE_TOKEN_URL: fake.tokenUrl,
    });
    expect(config).toMatchObject({ calendarId: 'primary-calendar@group.calendar.google.com', tokenUrl: fake.tokenUrl, apiBase: undefined });
    expect(config?.serviceAccount.client_email).toBe(account.client_email);
  });

  it.each([
    ['JSON that does not parse', '{"client_email":'],
    ['no private key', JSON.stringify({ client_email: account.client_email })],
    ['a key that is not PKCS#8 PEM', JSON.stringify({ ...account, private_key: 'not a key' })],
  ])('refuses a service account with %s, without echoing the key', (_why, json) => {
    let message = '';
    try {
      parseServiceAccount(json);
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain('PRIVATE KEY');
  });

  it('reads the PKCS#8 key bytes from the PEM', () => {
    const body = account.private_key.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    expect(base64ToBytes(body).length).toBeGreaterThan(1000);
  });
});
