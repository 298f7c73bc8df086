/**
 * Conformance of `POST /rest/v1/rpc/<fn>` with PostgREST: role from the JWT, request settings,
 * named arguments, result shapes, error bodies and the SQLSTATE → HTTP mapping, driven through
 * raw HTTP and through supabase-js.
 */
import { describe, expect, it } from 'vitest';
import { signJwt } from '../../supabase/local/jwt';
import { LOCAL_JWT_SECRET } from '../../supabase/local/stack';
import { client, http, rpc, useStack } from './helpers';

const ctx = useStack();
const now = () => Math.floor(Date.now() / 1000);
const hs = (claims: Record<string, unknown>) => signJwt(claims, { secret: LOCAL_JWT_SECRET });
const userToken = (sub = crypto.randomUUID(), extra: Record<string, unknown> = {}) =>
  hs({ sub, role: 'authenticated', aud: 'authenticated', exp: now() + 600, ...extra });
const errorBody = (code: string) => ({
  code,
  message: expect.any(String),
  details: expect.toSatisfy((v) => v === null || typeof v === 'string'),
  hint: expect.toSatisfy((v) => v === null || typeof v === 'string'),
});

describe('result shapes', () => {
  it('returns a scalar as its JSON value', async () => {
    const response = await rpc(ctx.stack, 'fx_scalar');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.text).toBe('"ok"');
  });

  it('binds named arguments, leaving defaulted ones out', async () => {
    expect((await rpc(ctx.stack, 'fx_add', { a: 1 })).json).toBe(11);
    expect((await rpc(ctx.stack, 'fx_add', { a: 1, b: 2 })).json).toBe(3);
    expect((await rpc(ctx.stack, 'fx_add', { b: 2, a: 40 })).json).toBe(42);
  });

  it('returns json/jsonb as is, a set as an array, rows as objects, one composite as an object', async () => {
    expect((await rpc(ctx.stack, 'fx_object', { name: 'سارة' })).json).toEqual({ hello: 'سارة' });
    expect((await rpc(ctx.stack, 'fx_set', { n: 3 })).json).toEqual([1, 2, 3]);
    expect((await rpc(ctx.stack, 'fx_set', { n: 0 })).json).toEqual([]);
    expect((await rpc(ctx.stack, 'fx_pairs', { n: 2 })).json).toEqual([
      { id: 1, label: 'item 1' },
      { id: 2, label: 'item 2' },
    ]);
    expect((await rpc(ctx.stack, 'fx_table')).json).toEqual([{ id: 1, label: 'one' }]);
    expect((await rpc(ctx.stack, 'fx_one_pair')).json).toEqual({ id: 7, label: 'seven' });
  });

  it('answers 204 with no body for a void function', async () => {
    const response = await rpc(ctx.stack, 'fx_void');
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });

  it('passes the whole body to a function with one unnamed jsonb parameter', async () => {
    expect((await rpc(ctx.stack, 'fx_raw', { any: ['thing', 1] })).json).toEqual({ any: ['thing', 1] });
    expect((await rpc(ctx.stack, 'fx_raw', [1, 2])).json).toEqual([1, 2]);
  });

  it('converts JSON to the parameter types without losing precision, variadic included', async () => {
    const response = await rpc(ctx.stack, 'fx_echo', '{"big": 12345678901234567890.123, "tags": ["a", "ب"], "payload": {"x": null}}');
    expect(response.status).toBe(200);
    expect(response.text).toContain('12345678901234567890.123');
    expect(response.json).toMatchObject({ tags: ['a', 'ب'], payload: { x: null } });
    expect((await rpc(ctx.stack, 'fx_sum', { xs: [1, 2, 3] })).json).toBe(6);
  });

  it('treats an empty body as no arguments', async () => {
    expect((await rpc(ctx.stack, 'fx_scalar', '')).json).toBe('ok');
  });

  it('returns one object for Accept: application/vnd.pgrst.object+json, 406 PGRST116 otherwise', async () => {
    const single = { apikey: ctx.stack.anonKey, 'Content-Type': 'application/json', Accept: 'application/vnd.pgrst.object+json' };
    expect((await rpc(ctx.stack, 'fx_pairs', { n: 1 }, { headers: single })).json).toEqual({ id: 1, label: 'item 1' });
    const many = await rpc(ctx.stack, 'fx_pairs', { n: 2 }, { headers: single });
    expect(many.status).toBe(406);
    expect(many.json).toEqual({
      code: 'PGRST116',
      message: 'Cannot coerce the result to a single JSON object',
      details: 'The result contains 2 rows',
      hint: null,
    });
    const { data, error } = await client(ctx.stack).rpc('fx_pairs', { n: 1 }).single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 1, label: 'item 1' });
  });
});

describe('role and request settings', () => {
  it('runs as anon with no token, and with the anon key', async () => {
    const bare = await rpc(ctx.stack, 'fx_claims', {}, { headers: {} });
    expect(bare.status).toBe(200);
    expect(bare.json).toMatchObject({ role: 'anon', uid: null, method: 'POST' });
    const withKey = await rpc(ctx.stack, 'fx_claims', {}, { token: ctx.stack.anonKey });
    expect(withKey.json).toMatchObject({ role: 'anon', jwt: { role: 'anon', iss: 'supabase-demo' } });
  });

  it('switches to the role of the Authorization token and exposes its claims', async () => {
    const sub = crypto.randomUUID();
    const response = await rpc(ctx.stack, 'fx_claims', {}, { token: userToken(sub, { email: 'a@example.test' }) });
    expect(response.json).toMatchObject({
      role: 'authenticated',
      uid: sub,
      sub_setting: sub,
      jwt: { sub, email: 'a@example.test', aud: 'authenticated' },
    });
    const service = await rpc(ctx.stack, 'fx_claims', {}, { token: ctx.stack.serviceRoleKey });
    expect(service.json).toMatchObject({ role: 'service_role', uid: null });
  });

  it('uses the apikey role when no Authorization header is sent', async () => {
    const response = await rpc(ctx.stack, 'fx_claims', {}, { headers: { apikey: ctx.stack.serviceRoleKey } });
    expect(response.json).toMatchObject({ role: 'service_role' });
  });

  it('uses anon for a valid token without a role claim', async () => {
    const response = await rpc(ctx.stack, 'fx_claims', {}, { token: hs({ sub: crypto.randomUUID(), exp: now() + 60 }) });
    expect(response.json).toMatchObject({ role: 'anon' });
  });

  it('refuses roles other than anon, authenticated and service_role', async () => {
    for (const role of ['postgres', 'authenticator', 'supabase_admin']) {
      const response = await rpc(ctx.stack, 'fx_claims', {}, { token: hs({ role, exp: now() + 60 }) });
      expect(response.status).toBe(403);
      expect(response.json).toEqual({ code: '42501', message: `permission denied to set role "${role}"`, details: null, hint: null });
    }
  });

  it('maps insufficient privilege to 401 for anon and 403 for a signed-in role', async () => {
    const anon = await rpc(ctx.stack, 'fx_service_only');
    expect(anon.status).toBe(401);
    expect(anon.json).toEqual({ code: '42501', message: 'permission denied for function fx_service_only', details: null, hint: null });
    const user = await rpc(ctx.stack, 'fx_service_only', {}, { token: userToken() });
    expect(user.status).toBe(403);
    expect(user.json.code).toBe('42501');
    expect((await rpc(ctx.stack, 'fx_service_only', {}, { token: ctx.stack.serviceRoleKey })).json).toBe('secret');
    expect((await rpc(ctx.stack, 'fx_signed_in_only')).status).toBe(401);
    expect((await rpc(ctx.stack, 'fx_signed_in_only', {}, { token: userToken() })).json).toBe('member');
  });
});

describe('JWT errors', () => {
  const expectJwtError = (response: Awaited<ReturnType<typeof rpc>>, code: string, message: string) => {
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ code, message, details: null, hint: null });
    expect(response.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", error_description="${message}"`);
  };

  it('401 for a malformed, wrongly signed, alg=none or empty token', async () => {
    expectJwtError(await rpc(ctx.stack, 'fx_scalar', {}, { token: 'not-a-jwt' }), 'PGRST301', 'Expected 3 parts in JWT; got 1');
    const forged = signJwt({ role: 'service_role' }, { secret: 'x'.repeat(40) });
    expectJwtError(await rpc(ctx.stack, 'fx_scalar', {}, { token: forged }), 'PGRST301', 'JWT cryptographic operation failed');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"role":"service_role"}').toString('base64url')}.`;
    expectJwtError(await rpc(ctx.stack, 'fx_scalar', {}, { token: none }), 'PGRST301', 'Wrong or unsupported encoding algorithm');
    const empty = await rpc(ctx.stack, 'fx_scalar', {}, { headers: { Authorization: 'Bearer ' } });
    expectJwtError(empty, 'PGRST301', 'Empty JWT is sent in Authorization header');
  });

  it('401 PGRST303 for an expired token', async () => {
    expectJwtError(
      await rpc(ctx.stack, 'fx_scalar', {}, { token: userToken(undefined, { exp: now() - 3600 }) }),
      'PGRST303',
      'JWT expired',
    );
  });

  it('401 for an apikey that is not a valid anon or service key', async () => {
    for (const apikey of ['garbage', userToken(), hs({ role: 'anon', exp: now() - 3600 })]) {
      const response = await rpc(ctx.stack, 'fx_scalar', {}, { headers: { apikey } });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ code: 'PGRST301', message: 'Invalid API key' });
    }
  });

  it('ignores an Authorization header with another scheme (anon)', async () => {
    const response = await rpc(ctx.stack, 'fx_claims', {}, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.json).toMatchObject({ role: 'anon' });
  });

  it('surfaces JWT errors through supabase-js', async () => {
    const { data, error, status } = await client(ctx.stack, 'not-a-jwt').rpc('fx_scalar');
    expect(data).toBeNull();
    expect(status).toBe(401);
    expect(error).toMatchObject({ code: 'PGRST301' });
  });
});

describe('function resolution', () => {
  it('404 PGRST202 for an unknown function, with PostgREST wording', async () => {
    const response = await rpc(ctx.stack, 'no_such_function');
    expect(response.status).toBe(404);
    expect(response.json).toEqual({
      code: 'PGRST202',
      message: 'Could not find the function public.no_such_function without parameters in the schema cache',
      details:
        'Searched for the function public.no_such_function without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: null,
    });
  });

  it('404 PGRST202 for wrong or missing argument names, hinting at the real signature', async () => {
    const wrong = await rpc(ctx.stack, 'fx_add', { a: 1, c: 2 });
    expect(wrong.status).toBe(404);
    expect(wrong.json).toEqual({
      code: 'PGRST202',
      message: 'Could not find the function public.fx_add(a, c) in the schema cache',
      details:
        'Searched for the function public.fx_add with parameters a, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.fx_add(a, b)',
    });
    expect((await rpc(ctx.stack, 'fx_add', { b: 1 })).json.code).toBe('PGRST202');
  });

  it('300 PGRST203 when overloads cannot be told apart', async () => {
    const response = await rpc(ctx.stack, 'fx_overload', { a: 1 });
    expect(response.status).toBe(300);
    expect(response.json).toEqual(errorBody('PGRST203'));
  });

  it('only exposes the public schema', async () => {
    const response = await rpc(
      ctx.stack,
      'fx_hidden',
      {},
      { headers: { apikey: ctx.stack.anonKey, 'Content-Type': 'application/json', 'Content-Profile': 'fx_private' } },
    );
    expect(response.status).toBe(406);
    expect(response.json).toEqual({
      code: 'PGRST106',
      message: 'Invalid schema: fx_private',
      details: null,
      hint: 'Only the following schemas are exposed: public',
    });
    expect((await rpc(ctx.stack, 'fx_hidden')).status).toBe(404);
    expect((await rpc(ctx.stack, 'fx_scalar', {}, { headers: { 'Content-Profile': 'public' } })).json).toBe('ok');
  });

  it('404 for rest paths other than rpc, 405 for methods other than POST', async () => {
    expect((await http(ctx.stack, 'GET', '/rest/v1/fx_unique')).json).toEqual({
      code: 'PGRST125',
      message: 'Invalid path specified in request URL',
      details: null,
      hint: null,
    });
    const get = await http(ctx.stack, 'GET', '/rest/v1/rpc/fx_scalar');
    expect(get.status).toBe(405);
    expect(get.json).toEqual({ code: 'PGRST117', message: 'Unsupported HTTP method: GET', details: null, hint: null });
  });
});

describe('SQL errors', () => {
  it('P0001 → 400 with message, details and hint', async () => {
    const response = await rpc(ctx.stack, 'fx_raise', { msg: 'رصيدك غير كافٍ' });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ code: 'P0001', message: 'رصيدك غير كافٍ', details: 'a detail', hint: 'a hint' });
  });

  it('23505 → 409, and a committed call stays committed', async () => {
    expect((await rpc(ctx.stack, 'fx_insert', { v: 'once' })).json).toBe('once');
    const again = await rpc(ctx.stack, 'fx_insert', { v: 'once' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: '23505', details: 'Key (v)=(once) already exists.' });
  });

  it('rolls back everything a failing call wrote', async () => {
    expect((await rpc(ctx.stack, 'fx_write', { v: 'rolled-back' })).status).toBe(400);
    const { rows } = await ctx.admin.query(`select 1 from public.fx_unique where v = 'rolled-back'`);
    expect(rows).toHaveLength(0);
  });

  it('maps other classes: 22012 → 400, 22P02 → 400, PT402 → 402', async () => {
    expect(await rpc(ctx.stack, 'fx_div', { a: 0 })).toMatchObject({ status: 400, json: { code: '22012', message: 'division by zero' } });
    expect(await rpc(ctx.stack, 'fx_add', { a: 'x' })).toMatchObject({ status: 400, json: { code: '22P02' } });
    expect(await rpc(ctx.stack, 'fx_custom_status')).toMatchObject({ status: 402, json: { code: 'PT402', message: 'payment required' } });
  });

  it('gives supabase-js the PostgREST error fields', async () => {
    const { data, error, status } = await client(ctx.stack).rpc('fx_raise', { msg: 'boom' });
    expect(data).toBeNull();
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 'P0001', message: 'boom', details: 'a detail', hint: 'a hint' });
  });
});

describe('bad input', () => {
  it('400 PGRST102 for invalid JSON or a JSON scalar', async () => {
    for (const body of ['{"a":', 'null', '"text"', '42']) {
      const response = await rpc(ctx.stack, 'fx_add', body);
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ code: 'PGRST102', message: 'Empty or invalid json', details: null, hint: null });
    }
  });

  it('415 for a body that is not JSON', async () => {
    const response = await rpc(ctx.stack, 'fx_scalar', 'a=1', { headers: { 'Content-Type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(response.json).toEqual(errorBody('PGRST107'));
  });

  it('413 for a body over 1 MB', async () => {
    const response = await rpc(ctx.stack, 'fx_raw', `{"big":"${'x'.repeat(1024 * 1024)}"}`);
    expect(response.status).toBe(413);
    expect(response.json).toEqual({ code: 'PGRST413', message: 'Request body is larger than 1048576 bytes', details: null, hint: null });
    expect((await rpc(ctx.stack, 'fx_scalar')).json).toBe('ok');
  });
});

describe('supabase-js', () => {
  it('calls functions with the anon key and with a user token', async () => {
    expect(await client(ctx.stack).rpc('fx_add', { a: 2, b: 3 })).toMatchObject({ data: 5, error: null, status: 200 });
    expect(await client(ctx.stack).rpc('fx_void')).toMatchObject({ data: null, error: null, status: 204 });
    const sub = crypto.randomUUID();
    const signedIn = client(ctx.stack);
    const { data } = await signedIn.rpc('fx_claims', {}, { get: false }).setHeader('Authorization', `Bearer ${userToken(sub)}`);
    expect(data).toMatchObject({ role: 'authenticated', uid: sub });
  });
});

describe('CORS', () => {
  it('answers preflights and marks responses as readable from the site', async () => {
    const preflight = await fetch(`${ctx.stack.url}/rest/v1/rpc/fx_scalar`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:8787',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'apikey, authorization, content-type, x-client-info',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8787');
    const allowed = preflight.headers.get('access-control-allow-headers')!.split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['apikey', 'authorization', 'content-type', 'x-client-info', 'x-supabase-api-version']));
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const fromSite = await rpc(ctx.stack, 'fx_scalar', {}, { headers: { apikey: ctx.stack.anonKey, Origin: 'http://127.0.0.1:8787' } });
    expect(fromSite.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8787');
  });
});
