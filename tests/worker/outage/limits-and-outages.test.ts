/**
 * Rate limiting through the whole app (headers, 429, per-user isolation, KV failure policy) and
 * the database going away and coming back (503 SRV_002, then recovery), including in the middle of
 * a burst of credit spends. One file, because these tests stop the Postgres that all of them use.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../worker/app';
import { call, controlPostgres, errorCode, newUser, topUp } from '../../support/api';
import { accessClaims, signHs256 } from '../../support/tokens';

const pending: ExecutionContext[] = [];

/** The production app with other bindings (a tiny limit, a broken KV), as a deployment could set. */
function requestWith(bindings: Partial<typeof env>, path: string, init: RequestInit) {
  const ctx = createExecutionContext();
  pending.push(ctx);
  return createApp().request(`http://kwq8.test${path}`, init, { ...env, ...bindings }, ctx);
}

// Background KV writes finish after each test, not after each request, so a burst stays a burst.
afterEach(async () => {
  await Promise.all(pending.splice(0).map((ctx) => waitOnExecutionContext(ctx)));
});

describe('rate limiting', () => {
  it('answers a burst beyond the limit with 429 RATE_001, Retry-After and RateLimit-* headers; other users are unaffected', async () => {
    const busy = await newUser();
    const calm = await newUser();
    // An hour-long window: the burst cannot straddle two windows.
    const limits = { RATE_LIMITS: JSON.stringify({ api: { limit: 5, windowSeconds: 3600 } }) };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 8; i++) {
      last = await requestWith(limits, '/api/projects', { headers: { Authorization: `Bearer ${busy.token}` } });
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('RateLimit-Limit')).toBe('5');
        expect(last.headers.get('RateLimit-Remaining')).toBe('4');
        expect(last.headers.get('RateLimit-Policy')).toBe('5;w=3600');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(await errorCode(last!)).toBe('RATE_001');
    const retryAfter = Number(last!.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(last!.headers.get('RateLimit-Remaining')).toBe('0');

    const other = await requestWith(limits, '/api/projects', { headers: { Authorization: `Bearer ${calm.token}` } });
    expect(other.status).toBe(200);
  });

  it('when KV fails, credit spending refuses (503 SRV_002) and reads still answer', async () => {
    const user = await newUser();
    await topUp(user, 5);
    const brokenKv = {
      get: () => Promise.reject(new Error('KV down')),
      put: () => Promise.reject(new Error('KV down')),
    } as unknown as KVNamespace;
    const spend = await requestWith({ RATE_LIMIT_KV: brokenKv }, '/api/credits/spend', {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ action: 'chat_message' }),
    });
    expect(spend.status).toBe(503);
    expect(await errorCode(spend)).toBe('SRV_002');

    const read = await requestWith({ RATE_LIMIT_KV: brokenKv }, '/api/me', { headers: { Authorization: `Bearer ${user.token}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { credits: { total: number } }).credits.total).toBe(5);
  });
});

describe('database outage', () => {
  it('answers 503 SRV_002 in Arabic while Postgres is down, and recovers when it is back', async () => {
    const user = await newUser();
    expect((await call('GET', '/api/health')).status).toBe(200);

    await controlPostgres('stop');
    try {
      const down = await call('GET', '/api/me', { token: user.token });
      expect(down.status).toBe(503);
      const body = (await down.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('SRV_002');
      expect(body.error.message).toMatch(/[\u0621-\u064a]/);
      // The health answer is cached for a few seconds (features/health/status.ts).
      await vi.waitFor(
        async () => {
          const health = await call('GET', '/api/health');
          expect(health.status).toBe(503);
          expect(await health.json()).toEqual({ status: 'degraded', database: 'unreachable' });
        },
        { timeout: 7000, interval: 500 },
      );
    } finally {
      await controlPostgres('start');
    }

    const back = await call('GET', '/api/me', { token: user.token });
    expect(back.status).toBe(200);
    await vi.waitFor(async () => expect(await (await call('GET', '/api/health')).json()).toEqual({ status: 'ok', database: 'reachable' }), {
      timeout: 7000,
      interval: 500,
    });
  });

  it('logs the failure with the request id and without the token or personal data of the request', async () => {
    const deadUrl = 'http://127.0.0.1:9';
    const token = await signHs256(accessClaims(deadUrl, crypto.randomUUID(), { email: 'sara@example.com' }));
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      const response = await requestWith({ SUPABASE_URL: deadUrl }, '/api/projects', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Call sara@example.com or +965 5555 1234' }),
      });
      expect(response.status).toBe(503);
      const requestId = response.headers.get('X-Request-Id')!;
      const mine = lines.filter((line) => line.includes(requestId));
      expect(mine.length).toBeGreaterThan(0);
      for (const line of mine) {
        expect(JSON.parse(line)).toMatchObject({ requestId, level: expect.any(String) });
        for (const secret of [token, token.split('.')[1]!, 'sara@example.com', '5555 1234']) expect(line).not.toContain(secret);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('answers 503 SRV_002 when the database endpoint itself cannot be reached', async () => {
    const deadUrl = 'http://127.0.0.1:9';
    const tokenForDeadProject = await signHs256(accessClaims(deadUrl, crypto.randomUUID()));
    const response = await requestWith({ SUPABASE_URL: deadUrl }, '/api/me', {
      headers: { Authorization: `Bearer ${tokenForDeadProject}` },
    });
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe('SRV_002');
  });
});

const KEYS = 40;

function spend(token: string, key: string) {
  return call('POST', '/api/credits/spend', { token, body: { action: 'simple_edit' }, headers: { 'Idempotency-Key': key } });
}

describe('Postgres stopped mid-burst of spends', () => {
  it('answers 503 SRV_002 while down, then every key is charged exactly once and ledger sum = balance', async () => {
    const user = await newUser();
    await topUp(user, 50);
    const keys = Array.from({ length: KEYS }, (_, i) => `burst-${i}-${crypto.randomUUID()}`);

    // Half the burst before the stop, the rest racing it and during the outage.
    const before = await Promise.all(keys.slice(0, KEYS / 2).map((key) => spend(user.token, key)));
    expect(before.every((response) => response.status === 200)).toBe(true);
    const stopping = controlPostgres('stop');
    const during = await Promise.all(keys.slice(KEYS / 2).map((key) => spend(user.token, key)));
    await stopping;
    const down = await spend(user.token, `down-${crypto.randomUUID()}`);
    try {
      expect(down.status).toBe(503);
      expect(await errorCode(down)).toBe('SRV_002');
      for (const response of during) {
        expect([200, 503]).toContain(response.status);
        if (response.status === 503) expect(await errorCode(response)).toBe('SRV_002');
      }
    } finally {
      await controlPostgres('start');
    }

    // Retry every key after recovery: the ones that went through are replayed, not charged again.
    const retried = await Promise.all(keys.map((key) => spend(user.token, key)));
    expect(retried.map((response) => response.status)).toEqual(keys.map(() => 200));
    const bodies = (await Promise.all(retried.map((response) => response.json()))) as Array<{ ledgerId: string }>;
    expect(new Set(bodies.map((body) => body.ledgerId)).size).toBe(KEYS);

    const me = (await (await call('GET', '/api/me', { token: user.token })).json()) as { credits: { total: number } };
    expect(me.credits.total).toBe(50 - KEYS * 0.5);
    const ledger = (await (await call('GET', '/api/credits/ledger?limit=100', { token: user.token })).json()) as {
      entries: Array<{ reason: string; delta: { total: number } }>;
    };
    expect(ledger.entries.filter((entry) => entry.delta.total < 0)).toHaveLength(KEYS);
    expect(ledger.entries.reduce((sum, entry) => sum + entry.delta.total, 0)).toBe(me.credits.total);
  });
});
