/**
 * The endpoint under abuse and outages: 1,000 bad requests of every kind get their documented
 * error shapes (never a crash, no leaked connections), a stopped Postgres gives 503 and recovers
 * by itself, and data and sessions survive a restart on the same data folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { signJwt } from '../../supabase/local/jwt';
import { LOCAL_JWT_SECRET, startLocalStack } from '../../supabase/local/stack';
import { http, rpc, signIn, uniqueEmail, useStack } from './helpers';

const ctx = useStack();
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Sends raw bytes and resolves with what the server answered before closing. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

type Case = { name: string; run: () => Promise<{ status: number; json: any }>; status: number[] };

function badRequests(): Case[] {
  const stack = ctx.stack;
  const expired = signJwt({ role: 'authenticated', sub: crypto.randomUUID(), exp: now() - 3600 }, { secret: LOCAL_JWT_SECRET });
  const wrongKey = signJwt({ role: 'service_role' }, { secret: 'y'.repeat(48) });
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ role: 'service_role' })}.`;
  const big = `{"x":"${'a'.repeat(1024 * 1024 + 10)}"}`;
  return [
    { name: 'malformed token', run: () => rpc(stack, 'fx_scalar', {}, { token: 'a.b' }), status: [401] },
    { name: 'expired token', run: () => rpc(stack, 'fx_scalar', {}, { token: expired }), status: [401] },
    { name: 'wrong key', run: () => rpc(stack, 'fx_scalar', {}, { token: wrongKey }), status: [401] },
    { name: 'alg none', run: () => rpc(stack, 'fx_scalar', {}, { token: none }), status: [401] },
    { name: 'bad apikey', run: () => rpc(stack, 'fx_scalar', {}, { headers: { apikey: none } }), status: [401] },
    { name: 'unknown function', run: () => rpc(stack, `nope_${Math.random().toString(36).slice(2)}`), status: [404] },
    { name: 'wrong argument names', run: () => rpc(stack, 'fx_add', { x: 1, y: 2 }), status: [404] },
    { name: 'bad argument type', run: () => rpc(stack, 'fx_add', { a: 'one' }), status: [400] },
    { name: 'SQL error', run: () => rpc(stack, 'fx_div', { a: 0 }), status: [400] },
    { name: 'raise', run: () => rpc(stack, 'fx_raise', { msg: 'x' }), status: [400] },
    { name: 'no privilege', run: () => rpc(stack, 'fx_service_only'), status: [401] },
    { name: 'invalid JSON', run: () => rpc(stack, 'fx_add', '{"a": [1,'), status: [400] },
    { name: 'bad path encoding', run: () => http(stack, 'POST', '/rest/v1/rpc/%E0%A4%A', { body: {} }), status: [404] },
    { name: 'foreign schema', run: () => rpc(stack, 'fx_scalar', {}, { headers: { 'Content-Profile': 'pg_catalog' } }), status: [406] },
    { name: 'injection in name', run: () => rpc(stack, `fx_scalar"(); drop table public.fx_unique; --`), status: [404] },
    {
      name: 'injection in argument name',
      run: () => rpc(stack, 'fx_add', { 'a int); drop table public.fx_unique; --': 1 }),
      status: [404],
    },
    {
      name: 'bad verify',
      run: () => http(stack, 'POST', '/auth/v1/verify', { body: { email: 'a@b.co', token: '1', type: 'email' } }),
      status: [403],
    },
    {
      name: 'bad refresh',
      run: () => http(stack, 'POST', '/auth/v1/token?grant_type=refresh_token', { body: { refresh_token: 'x' } }),
      status: [400],
    },
    { name: 'bad user token', run: () => http(stack, 'GET', '/auth/v1/user', { token: wrongKey }), status: [403] },
    { name: 'auth bad JSON', run: () => http(stack, 'POST', '/auth/v1/otp', { body: '[' }), status: [400] },
    {
      name: 'admin without role',
      run: () => http(stack, 'POST', '/auth/v1/admin/users', { body: { email: 'x@y.zz' }, token: none }),
      status: [403],
    },
    { name: 'bad magic link', run: () => http(stack, 'GET', '/auth/v1/verify?token=zzz&type=magiclink'), status: [303] },
  ]
    .map((item) => ({ ...item, run: item.run as Case['run'] }))
    .concat([
      { name: 'oversized rpc body', run: () => rpc(stack, 'fx_raw', big), status: [413] },
      { name: 'oversized auth body', run: () => http(stack, 'POST', '/auth/v1/otp', { body: big }), status: [413] },
    ]);
}

describe('bad input', () => {
  it('answers 1,000 bad requests with their documented error shapes and keeps answering', async () => {
    const cases = badRequests();
    const seen = new Map<string, number>();
    const failures: string[] = [];
    let index = 0;
    const worker = async () => {
      while (index < 1000) {
        const i = index++;
        // Oversized bodies are slow to send; one in fifty requests is one.
        const item = i % 50 === 0 ? cases[cases.length - 1 - ((i / 50) % 2)]! : cases[i % (cases.length - 2)]!;
        const response = await item.run();
        seen.set(item.name, (seen.get(item.name) ?? 0) + 1);
        const shaped =
          response.status === 303 ||
          (typeof response.json?.message === 'string' && 'code' in response.json) ||
          typeof response.json?.msg === 'string';
        if (!item.status.includes(response.status) || !shaped)
          failures.push(`${item.name}: ${response.status} ${JSON.stringify(response.json)}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures).toEqual([]);
    expect([...seen.values()].reduce((a, b) => a + b)).toBe(1000);
    expect(seen.size).toBe(cases.length);

    expect((await rpc(ctx.stack, 'fx_add', { a: 1 })).json).toBe(11);
    const { rows } = await ctx.admin.query(
      `select count(*)::int as n from pg_stat_activity where usename = 'authenticator' and state <> 'idle'`,
    );
    expect(rows[0].n).toBe(0);
    expect((await ctx.admin.query(`select to_regclass('public.fx_unique') is not null as present`)).rows[0].present).toBe(true);
  });

  it('answers malformed HTTP with 400 and stays up', async () => {
    const port = Number(new URL(ctx.stack.url).port);
    expect(await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawRequest(port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 4\d\d/,
    );
    expect((await rpc(ctx.stack, 'fx_scalar')).json).toBe('ok');
  });
});

describe('Postgres outage', () => {
  it('answers 503 PGRST001 while Postgres is down and recovers when it is back', async () => {
    expect((await rpc(ctx.stack, 'fx_scalar')).json).toBe('ok');
    await ctx.stack.stopPostgres();
    try {
      const down = await rpc(ctx.stack, 'fx_scalar');
      expect(down.status).toBe(503);
      expect(down.json).toMatchObject({ code: 'PGRST001', message: 'Database client error. Retrying the connection.', hint: null });
      const auth = await http(ctx.stack, 'POST', '/auth/v1/otp', { body: { email: uniqueEmail() } });
      expect(auth.status).toBe(503);
    } finally {
      await ctx.stack.startPostgres();
    }
    expect((await rpc(ctx.stack, 'fx_scalar')).json).toBe('ok');
    expect((await rpc(ctx.stack, 'fx_add', { a: 2 })).json).toBe(12);
    expect((await http(ctx.stack, 'POST', '/auth/v1/otp', { body: { email: uniqueEmail() } })).status).toBe(200);
  });
});

describe('persistence', () => {
  it('keeps users, sessions and applied migrations across restarts on the same data folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'kwq8-local-'));
    const dataDir = join(folder, 'db');
    try {
      const first = await startLocalStack({ apiPort: 0, pgPort: 0, dataDir, seed: false });
      const email = uniqueEmail();
      let session;
      try {
        session = await signIn(first, email);
      } finally {
        await first.stop();
      }
      const logs: string[] = [];
      const second = await startLocalStack({ apiPort: 0, pgPort: 0, dataDir, seed: false, onLog: (line) => logs.push(line) });
      try {
        expect(logs.join('\n')).toContain('existing data, 0 migration(s) applied');
        const refreshed = await http(second, 'POST', '/auth/v1/token?grant_type=refresh_token', {
          body: { refresh_token: session.refresh_token },
        });
        expect(refreshed.status).toBe(200);
        expect(refreshed.json.user.email).toBe(email);
        const client = new pg.Client(second.pg);
        await client.connect();
        const { rows } = await client.query('select count(*)::int as n from auth.users where email = $1', [email]);
        await client.end();
        expect(rows[0].n).toBe(1);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
