/**
 * Helpers for the local stack's conformance tests: a stack per test file (free ports, throw-away
 * data) with fixture SQL functions of every shape the RPC endpoint must handle, raw HTTP calls, and
 * a supabase-js client pointed at it.
 */
import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../supabase/local/stack';
import { closePool, openPool } from '../support/pg-pool';

/** Fixtures created in the test database, independent of the product's migrations. */
export const FIXTURES_SQL = `
create function public.fx_scalar() returns text language sql as $$ select 'ok' $$;
create function public.fx_add(a int, b int default 10) returns int language sql as $$ select a + b $$;
create function public.fx_object(name text) returns jsonb language sql as $$ select jsonb_build_object('hello', name) $$;
create function public.fx_set(n int) returns setof int language sql as $$ select generate_series(1, n) $$;
create type public.fx_pair as (id int, label text);
create function public.fx_pairs(n int) returns setof public.fx_pair language sql as $$
  select i, 'item ' || i from generate_series(1, n) i $$;
create function public.fx_table() returns table (id int, label text) language sql as $$ select 1, 'one' $$;
create function public.fx_one_pair() returns public.fx_pair language sql as $$ select 7, 'seven' $$;
create function public.fx_void() returns void language sql as $$ select $$;
create function public.fx_raise(msg text) returns void language plpgsql as $$
begin raise exception using message = msg, detail = 'a detail', hint = 'a hint'; end $$;
create function public.fx_custom_status() returns void language plpgsql as $$
begin raise sqlstate 'PT402' using message = 'payment required'; end $$;
create table public.fx_unique (v text primary key);
create function public.fx_insert(v text) returns text language sql as $$ insert into public.fx_unique values (v) returning v $$;
create function public.fx_div(a int) returns int language sql as $$ select 1 / a $$;
create function public.fx_service_only() returns text language sql as $$ select 'secret' $$;
revoke execute on function public.fx_service_only() from public, anon, authenticated;
create function public.fx_signed_in_only() returns text language sql as $$ select 'member' $$;
revoke execute on function public.fx_signed_in_only() from public, anon;
create function public.fx_claims() returns jsonb language sql stable as $$
  select jsonb_build_object('role', current_user, 'uid', auth.uid(), 'jwt', auth.jwt(),
    'sub_setting', current_setting('request.jwt.claim.sub', true), 'method', current_setting('request.method', true))
$$;
create function public.fx_raw(jsonb) returns jsonb language sql as $$ select $1 $$;
create function public.fx_overload(a int) returns text language sql as $$ select 'int' $$;
create function public.fx_overload(a text) returns text language sql as $$ select 'text' $$;
create function public.fx_sum(variadic xs int[]) returns int language sql as $$ select sum(x)::int from unnest(xs) x $$;
create function public.fx_echo(big numeric, tags text[], payload jsonb) returns jsonb language sql as $$
  select jsonb_build_object('big', big, 'tags', tags, 'payload', payload) $$;
create function public.fx_write(v text) returns void language plpgsql as $$
begin insert into public.fx_unique values (v); raise exception 'after write'; end $$;
create schema fx_private;
grant usage on schema fx_private to anon, authenticated, service_role;
create function fx_private.fx_hidden() returns text language sql as $$ select 'hidden' $$;
`;

export interface TestStack {
  stack: LocalStack;
  admin: pg.Pool;
}

/** Starts a stack for the calling test file (fixtures loaded) and stops it afterwards. */
export function useStack(options: LocalStackOptions = {}): TestStack {
  const context = {} as TestStack;
  beforeAll(async () => {
    context.stack = await startLocalStack({ apiPort: 0, pgPort: 0, seed: false, ...options });
    context.admin = openPool({ ...context.stack.pg, max: 2 });
    // Some files stop Postgres on purpose; the pool reconnects on the next query.
    context.admin.on('error', () => {});
    await context.admin.query(FIXTURES_SQL);
  });
  afterAll(async () => {
    await closePool(context.admin);
    await context.stack?.stop();
  });
  return context;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A raw HTTP call; `headers` replace the default apikey header when given; JSON content type unless set. */
export async function http(
  stack: LocalStack,
  method: string,
  path: string,
  options: { body?: string | object; headers?: Record<string, string>; token?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? { apikey: stack.anonKey }) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const body = typeof options.body === 'object' ? JSON.stringify(options.body) : options.body;
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(`${stack.url}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const rpc = (
  stack: LocalStack,
  fn: string,
  body: object | string = {},
  options: { token?: string; headers?: Record<string, string> } = {},
) => http(stack, 'POST', `/rest/v1/rpc/${fn}`, { body, ...options });

/** Realtime is not part of the stack; Node 20 has no WebSocket, so supabase-js needs a transport to start. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not part of the local stack');
  }
}

/**
 * `customFetch` stands in for a browser's, e.g. to send the page's Origin; `flowType` 'pkce' makes
 * sign-in links and OAuth return an auth code (the verifier stays in the client's memory).
 */
export function client(stack: LocalStack, key = stack.anonKey, customFetch?: typeof fetch, flowType: 'implicit' | 'pkce' = 'implicit') {
  return createClient(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, flowType },
    realtime: { transport: NoWebSocket as never },
    ...(customFetch && { global: { fetch: customFetch } }),
  });
}

/** Asks for a sign-in email and returns the newest message sent to that address. */
export async function requestCode(stack: LocalStack, email: string) {
  const response = await http(stack, 'POST', '/auth/v1/otp', { body: { email } });
  if (response.status !== 200) throw new Error(`otp answered ${response.status}: ${response.text}`);
  const mailbox = await http(stack, 'GET', `/mailbox/messages?email=${encodeURIComponent(email)}`);
  return mailbox.json[0] as { id: string; to: string; subject: string; text: string; code: string; link: string; created_at: string };
}

/** Signs in through OTP and returns the GoTrue session body. */
export async function signIn(stack: LocalStack, email: string) {
  const message = await requestCode(stack, email);
  const response = await http(stack, 'POST', '/auth/v1/verify', { body: { email, token: message.code, type: 'email' } });
  if (response.status !== 200) throw new Error(`verify answered ${response.status}: ${response.text}`);
  return response.json as { access_token: string; refresh_token: string; expires_in: number; expires_at: number; user: { id: string } };
}

export const uniqueEmail = (label = 'user') => `${label}-${crypto.randomUUID().slice(0, 8)}@example.test`;
