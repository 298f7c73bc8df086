/**
 * Delivering outbound events to the fake Make inbox (tests/fakes/make.ts) over real HTTP: the
 * signature it checks, and which failures the outbox should retry.
 */
import { describe, expect, inject, it } from 'vitest';
import { deliverEvent, eventBody, makeConfigFromEnv, type OutboundEvent } from '../../../../worker/providers/make/deliver';
import { ProviderError } from '../../../../worker/providers/http';
import type { FakeMakeAttempt, FakeMakeEvent } from '../../../fakes/records';

const fake = inject('makeFake');

function inbox() {
  const name = `t${crypto.randomUUID().slice(0, 12)}`;
  return { name, config: { url: `${fake.url}/hooks/${name}`, secret: fake.secret } };
}

function event(type = 'booking.confirmed'): OutboundEvent {
  return {
    id: `evt_${crypto.randomUUID()}`,
    type,
    occurredAt: '2026-12-01T06:00:00.000Z',
    data: { bookingId: crypto.randomUUID(), name: 'نورة' },
  };
}

async function received(name: string): Promise<FakeMakeEvent[]> {
  return (await fetch(`${fake.url}/events?inbox=${name}`)).json();
}

async function attempts(name: string): Promise<FakeMakeAttempt[]> {
  return (await fetch(`${fake.url}/attempts?inbox=${name}`)).json();
}

async function failNext(inbox: string, count: number, mode: 'error' | 'hang', status = 500) {
  const response = await fetch(`${fake.url}/__control/fail`, { method: 'POST', body: JSON.stringify({ inbox, count, mode, status }) });
  expect(response.status).toBe(200);
}

function errorOf(result: Awaited<ReturnType<typeof deliverEvent>>): ProviderError {
  if (result.ok) throw new Error('expected a failed delivery');
  expect(result.error).toBeInstanceOf(ProviderError);
  return result.error;
}

it('delivers a signed event that the inbox verifies and stores as sent', async () => {
  const { name, config } = inbox();
  const sent = event();
  expect(await deliverEvent(config, sent)).toEqual({ ok: true, status: 200 });
  const [stored, ...rest] = await received(name);
  expect(rest).toEqual([]);
  expect(stored).toMatchObject({ webhookId: sent.id, type: 'booking.confirmed', body: eventBody(sent), duplicate: false });
  expect(stored!.payload).toEqual({ type: sent.type, timestamp: sent.occurredAt, data: sent.data });
});

it('is refused (permanently) by an inbox whose secret differs, and nothing is stored', async () => {
  const { name, config } = inbox();
  const error = errorOf(await deliverEvent({ ...config, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, event()));
  expect(error).toMatchObject({ kind: 'rejected', status: 401, retryable: false });
  expect(await received(name)).toEqual([]);
  expect((await attempts(name)).map((attempt) => attempt.outcome)).toEqual(['bad_signature']);
});

it('reports a 500 as retryable, and the retry with the same id is stored once', async () => {
  const { name, config } = inbox();
  await failNext(name, 2, 'error', 500);
  const sent = event();
  for (let attempt = 0; attempt < 2; attempt++) {
    expect(errorOf(await deliverEvent(config, sent))).toMatchObject({ kind: 'unavailable', status: 500, retryable: true });
  }
  expect(await deliverEvent(config, sent)).toEqual({ ok: true, status: 200 });
  expect((await received(name)).map((stored) => stored.webhookId)).toEqual([sent.id]);
  expect((await attempts(name)).map((attempt) => attempt.outcome)).toEqual(['failed', 'failed', 'accepted']);
});

describe('classifies the answer', () => {
  it.each([
    [408, 'unavailable'],
    [429, 'unavailable'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [400, 'rejected'],
    [403, 'rejected'],
    [404, 'rejected'],
    [410, 'rejected'],
    [422, 'rejected'],
  ] as const)('%i → %s', async (status, kind) => {
    const { config } = inbox();
    await failNext(config.url.split('/').pop()!, 1, 'error', status);
    expect(errorOf(await deliverEvent(config, event()))).toMatchObject({ kind, status, retryable: kind !== 'rejected' });
  });

  it('a webhook that never answers → timeout', async () => {
    const { name, config } = inbox();
    await failNext(name, 1, 'hang');
    expect(errorOf(await deliverEvent(config, event(), { timeoutMs: 200 }))).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('nothing listening → unavailable', async () => {
    const error = errorOf(await deliverEvent({ url: 'http://127.0.0.1:9/hooks/none', secret: fake.secret }, event()));
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
  });
});

describe('makeConfigFromEnv', () => {
  it('is null when no webhook URL is set', () => {
    expect(makeConfigFromEnv({})).toBeNull();
  });

  it('takes the URL and a valid secret', () => {
    expect(makeConfigFromEnv({ MAKE_WEBHOOK_URL: 'https://hook.eu1.make.com/abc', MAKE_WEBHOOK_SECRET: fake.secret })).toEqual({
      url: 'https://hook.eu1.make.com/abc',
      secret: fake.secret,
    });
  });

  it('refuses a URL without a usable secret, or a URL that is not http(s)', () => {
    expect(() => makeConfigFromEnv({ MAKE_WEBHOOK_URL: 'https://hook.eu1.make.com/abc' })).toThrow(TypeError);
    expect(() => makeConfigFromEnv({ MAKE_WEBHOOK_URL: 'https://hook.eu1.make.com/abc', MAKE_WEBHOOK_SECRET: 'plain' })).toThrow(TypeError);
    expect(() => makeConfigFromEnv({ MAKE_WEBHOOK_URL: 'ftp://x', MAKE_WEBHOOK_SECRET: fake.secret })).toThrow(TypeError);
  });
});
