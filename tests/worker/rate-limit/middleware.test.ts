/**
 * The limiter as routes use it: per IP on public routes (IPv6 by /64, one stricter shared bucket
 * for requests without a usable CF-Connecting-IP), and a hanging KV turned into the documented
 * fail-open / fail-closed answer within the read timeout.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../worker/app';
import type { AppEnv } from '../../../worker/env';
import { onError } from '../../../worker/errors/handler';
import { requestContext } from '../../../worker/middleware/request-context';
import { rateLimitByIp } from '../../../worker/rate-limit/middleware';
import { errorCode, newUser, topUp } from '../../support/api';

const pending: ExecutionContext[] = [];
afterEach(async () => {
  await Promise.all(pending.splice(0).map((ctx) => waitOnExecutionContext(ctx)));
});

function send(app: { request: Hono<AppEnv>['request'] }, path: string, init: RequestInit, bindings: Partial<typeof env> = {}) {
  const ctx = createExecutionContext();
  pending.push(ctx);
  return app.request(`http://kwq8.test${path}`, init, { ...env, ...bindings }, ctx);
}

/** A public route limited per IP, as /api/health is; an hour-long window so no burst straddles two. */
const publicApp = new Hono<AppEnv>().use(requestContext).get('/public', rateLimitByIp('health'), (c) => c.text('ok'));
publicApp.onError(onError);
const limits = (limit: number) => ({ RATE_LIMITS: JSON.stringify({ health: { limit, windowSeconds: 3600 } }) });

async function statuses(ips: Array<string | undefined>, limit: number) {
  const out: number[] = [];
  for (const ip of ips) {
    const response = await send(publicApp, '/public', { headers: ip === undefined ? {} : { 'CF-Connecting-IP': ip } }, limits(limit));
    out.push(response.status);
  }
  return out;
}

const hextet = () => Math.floor(Math.random() * 0xffff).toString(16);

describe('rateLimitByIp', () => {
  it('counts the addresses of one IPv6 /64 together, however they are written, and other /64s apart', async () => {
    const [a, b] = [hextet(), hextet()];
    const sameNet = [`2001:db8:${a}:${b}::1`, `2001:db8:${a}:${b}:ffff::2`, `2001:0db8:${a}:${b}:0:0:0:3`, `2001:DB8:${a}:${b}::4`];
    expect(await statuses(sameNet, 3)).toEqual([200, 200, 200, 429]);
    const neighbour = (parseInt(b, 16) ^ 1).toString(16);
    expect(await statuses([`2001:db8:${a}:${neighbour}::1`], 3)).toEqual([200]);
  });

  it('counts IPv4 addresses one by one', async () => {
    const net = `198.51.${Math.floor(Math.random() * 256)}`;
    expect(await statuses([`${net}.1`, `${net}.1`, `${net}.1`], 2)).toEqual([200, 200, 429]);
    expect(await statuses([`${net}.2`], 2)).toEqual([200]);
  });

  it('puts requests without a usable CF-Connecting-IP in one shared bucket with a tenth of the limit', async () => {
    const limit = 40;
    const first = await send(publicApp, '/public', {}, limits(limit));
    expect(first.status).toBe(200);
    expect(first.headers.get('RateLimit-Limit')).toBe('4');
    // No header, an empty one and a malformed one are the same class; a real IP is not affected.
    const rest = await statuses([undefined, '', 'not-an-ip', undefined, undefined], limit);
    expect(rest).toEqual([200, 200, 200, 429, 429]);
    expect(await statuses(['192.0.2.77'], limit)).toEqual([200]);
  });
});

describe('a KV namespace that hangs', () => {
  const hangingKv = { get: () => new Promise(() => {}), put: () => new Promise(() => {}) } as unknown as KVNamespace;

  it('credit spending refuses with 503 SRV_002 once the read times out; a read route answers', async () => {
    const user = await newUser();
    await topUp(user, 5);
    const spend = await send(
      createApp(),
      '/api/credits/spend',
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ action: 'chat_message' }),
      },
      { RATE_LIMIT_KV: hangingKv },
    );
    expect(spend.status).toBe(503);
    expect(await errorCode(spend)).toBe('SRV_002');
    const read = await send(createApp(), '/api/me', { headers: { Authorization: `Bearer ${user.token}` } }, { RATE_LIMIT_KV: hangingKv });
    expect(read.status).toBe(200);
  });
});
