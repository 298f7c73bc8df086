/**
 * Fault injection on the money path: Postgres is stopped in the middle of a burst of credit spends.
 * While it is down every spend answers 503 SRV_002 (never a 500, never a partial write); once it is
 * back, retrying every idempotency key charges each exactly once and the ledger still sums to the balance.
 */
import { describe, expect, it } from 'vitest';
import { call, controlPostgres, errorCode, newUser, topUp } from '../../support/api';

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
