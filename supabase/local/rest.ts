/**
 * `POST /rest/v1/rpc/<fn>` as PostgREST runs it: the JWT (Authorization, else apikey) picks the
 * role, one transaction sets the role and the request.* settings, the JSON body's keys select the
 * function by its parameter names and are bound through json_to_record (one parameter, so values
 * never reach the SQL text), and the result and errors are shaped as PostgREST shapes them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';
import { BodyTooLargeError, bearerToken, header, readBody, sendEmpty, sendJson, send } from './http';
import { verifyJwt, type JwtClaims } from './jwt';
import type { StackContext } from './server';

const EXPOSED_SCHEMAS = ['public'];
/** PostgREST's db-extra-search-path on Supabase. */
const SEARCH_PATH = '"public", "extensions"';
const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);

interface PgrstError {
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
}

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly body: PgrstError,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

const restError = (status: number, code: string, message: string, details: string | null = null, hint: string | null = null) =>
  new RestError(status, { code, message, details, hint });

function jwtError(code: 'PGRST301' | 'PGRST303', message: string): RestError {
  return new RestError(
    401,
    { code, message, details: null, hint: null },
    { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${message}"` },
  );
}

/** The request's claims: Authorization's token if sent, else the apikey's, else none (anon). */
function requestClaims(req: IncomingMessage, ctx: StackContext): JwtClaims {
  const apikey = header(req, 'apikey');
  if (apikey !== undefined) {
    const result = verifyJwt(apikey, ctx.keys);
    const role = result.ok ? result.claims.role : undefined;
    if (!result.ok || (role !== 'anon' && role !== 'service_role')) {
      throw restError(
        401,
        'PGRST301',
        'Invalid API key',
        result.ok ? null : result.failure.message,
        'Double check your Supabase `anon` or `service_role` API key.',
      );
    }
  }
  const token = bearerToken(req) ?? apikey;
  if (token === undefined) return { role: 'anon' };
  if (token === '') throw jwtError('PGRST301', 'Empty JWT is sent in Authorization header');
  const result = verifyJwt(token, ctx.keys);
  if (!result.ok) throw jwtError(result.failure.kind === 'claims' ? 'PGRST303' : 'PGRST301', result.failure.message);
  return result.claims;
}

/** PostgREST's SQLSTATE → HTTP status table. */
function statusForSqlState(code: string, role: string): number {
  if (code === '42501') return role === 'anon' ? 401 : 403;
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  const exact: Record<string, number> = {
    '23503': 409,
    '23505': 409,
    '25006': 405,
    P0001: 400,
    '42883': 404,
    '42P01': 404,
    '42P17': 500,
  };
  if (exact[code]) return exact[code];
  const byClass: Record<string, number> = {
    '08': 503,
    '09': 500,
    '0L': 403,
    '0P': 403,
    '25': 500,
    '28': 403,
    '2D': 500,
    '38': 500,
    '39': 500,
    '3B': 500,
    '40': 500,
    '53': 503,
    '54': 500,
    '55': 500,
    '57': 500,
    '58': 500,
    F0: 500,
    HV: 500,
    P0: 500,
    XX: 500,
  };
  return byClass[code.slice(0, 2)] ?? 400;
}

/** Errors that mean the database is unreachable rather than that the statement failed. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return !(error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError);
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || /^E[A-Z]+$/.test(code);
}

const dbUnavailable = (error: unknown) =>
  restError(503, 'PGRST001', 'Database client error. Retrying the connection.', (error as Error).message || null);

interface FunctionInfo {
  name: string;
  /** Input parameters in order: name ('' when unnamed), SQL type, variadic. */
  params: { name: string; type: string; variadic: boolean }[];
  required: number;
  returnsSet: boolean;
  returnsVoid: boolean;
  returnsComposite: boolean;
}

async function findFunctions(client: pg.PoolClient, schema: string, name: string): Promise<FunctionInfo[]> {
  const { rows } = await client.query<{
    names: string[];
    modes: string[];
    types: string[];
    nargs: number;
    ndefaults: number;
    retset: boolean;
    retvoid: boolean;
    retcomposite: boolean;
  }>(
    `select coalesce(p.proargnames, '{}') as names,
            coalesce(p.proargmodes::text[], '{}') as modes,
            array(select format_type(t, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, i) order by i) as types,
            p.pronargs as nargs, p.pronargdefaults as ndefaults, p.proretset as retset,
            p.prorettype = 'void'::regtype as retvoid,
            (rt.typtype = 'c' or p.prorettype = 'record'::regtype) as retcomposite
       from pg_proc p
       join pg_namespace n on n.oid = p.pronamespace
       join pg_type rt on rt.oid = p.prorettype
      where n.nspname = $1 and p.proname = $2 and p.prokind = 'f'`,
    [schema, name],
  );
  return rows.map((row) => {
    const params: FunctionInfo['params'] = [];
    let outputs = false;
    row.types.forEach((type, i) => {
      const mode = row.modes[i] ?? 'i';
      if (mode === 'o' || mode === 't' || mode === 'b') outputs = true;
      if (mode === 'i' || mode === 'b' || mode === 'v') params.push({ name: row.names[i] ?? '', type, variadic: mode === 'v' });
    });
    return {
      name,
      params,
      required: row.nargs - row.ndefaults,
      returnsSet: row.retset,
      returnsVoid: row.retvoid,
      returnsComposite: row.retcomposite || outputs,
    };
  });
}

const isJsonParam = (fn: FunctionInfo) =>
  fn.params.length === 1 && fn.params[0]!.name === '' && ['json', 'jsonb'].includes(fn.params[0]!.type);

function matches(fn: FunctionInfo, keys: string[]): boolean {
  if (isJsonParam(fn)) return true;
  const names = new Set(fn.params.map((param) => param.name));
  return keys.every((key) => names.has(key)) && fn.params.slice(0, fn.required).every((param) => keys.includes(param.name));
}

function notFound(schema: string, name: string, keys: string[], candidates: FunctionInfo[]): RestError {
  const qualified = `${schema}.${name}`;
  const sorted = [...keys].sort();
  const hintFn = candidates[0];
  return restError(
    404,
    'PGRST202',
    sorted.length
      ? `Could not find the function ${qualified}(${sorted.join(', ')}) in the schema cache`
      : `Could not find the function ${qualified} without parameters in the schema cache`,
    sorted.length
      ? `Searched for the function ${qualified} with parameters ${sorted.join(', ')} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`
      : `Searched for the function ${qualified} without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
    hintFn ? `Perhaps you meant to call the function ${qualified}(${hintFn.params.map((param) => param.name).join(', ')})` : null,
  );
}

/** The statement calling `fn`, the body bound as $1 when it has arguments; one row with `body` (JSON text or null). */
function callStatement(schema: string, fn: FunctionInfo, args: { json: string; keys: string[] }): pg.QueryConfig<string[]> {
  const keys = args.keys;
  const target = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(fn.name)}`;
  let from = '';
  let call: string;
  let values: string[] = [args.json];
  if (isJsonParam(fn)) {
    call = `${target}($1::${fn.params[0]!.type})`;
  } else if (keys.length === 0) {
    call = `${target}()`;
    values = [];
  } else {
    const used = fn.params.filter((param) => keys.includes(param.name));
    const columns = used.map((param) => `${pg.escapeIdentifier(param.name)} ${param.type}`).join(', ');
    const args = used
      .map(
        (param) =>
          `${param.variadic ? 'variadic ' : ''}${pg.escapeIdentifier(param.name)} := pgrst_args.${pg.escapeIdentifier(param.name)}`,
      )
      .join(', ');
    from = `(select * from json_to_record($1::json) as _(${columns})) pgrst_args, lateral `;
    call = `${target}(${args})`;
  }
  const rows = `(select pgrst_call.* from ${from}${call} pgrst_call) pgrst_rows`;
  let text: string;
  if (fn.returnsVoid) text = `select null::text as body from ${from}${call} pgrst_call`;
  else if (fn.returnsComposite && fn.returnsSet) text = `select coalesce(json_agg(pgrst_rows), '[]')::text as body from ${rows}`;
  else if (fn.returnsComposite) text = `select (json_agg(pgrst_rows) -> 0)::text as body from ${rows}`;
  else if (fn.returnsSet) text = `select coalesce(json_agg(pgrst_call.v), '[]')::text as body from ${from}${call} pgrst_call(v)`;
  else text = `select coalesce(to_json(pgrst_call.v), 'null')::text as body from ${from}${call} pgrst_call(v)`;
  return { text, values };
}

function parseArguments(text: string): { json: string; keys: string[]; raw: unknown } {
  if (text.trim() === '') return { json: '{}', keys: [], raw: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw restError(400, 'PGRST102', 'Empty or invalid json');
  }
  if (typeof raw !== 'object' || raw === null) throw restError(400, 'PGRST102', 'Empty or invalid json');
  return { json: text, keys: Array.isArray(raw) ? [] : Object.keys(raw), raw };
}

function wantsSingleObject(req: IncomingMessage): boolean {
  return (header(req, 'accept') ?? '').includes('application/vnd.pgrst.object+json');
}

async function callFunction(req: IncomingMessage, ctx: StackContext, name: string): Promise<{ status: number; body: string | null }> {
  if (req.method !== 'POST') throw restError(405, 'PGRST117', `Unsupported HTTP method: ${req.method}`);
  const schema = header(req, 'content-profile') ?? EXPOSED_SCHEMAS[0]!;
  if (!EXPOSED_SCHEMAS.includes(schema)) {
    throw restError(
      406,
      'PGRST106',
      `Invalid schema: ${schema}`,
      null,
      `Only the following schemas are exposed: ${EXPOSED_SCHEMAS.join(', ')}`,
    );
  }
  const contentType = header(req, 'content-type');
  if (contentType && !/^application\/json\b/i.test(contentType)) {
    throw restError(415, 'PGRST107', `Content-Type not acceptable: ${contentType}`);
  }
  const claims = requestClaims(req, ctx);
  const role = typeof claims.role === 'string' ? claims.role : 'anon';
  if (!API_ROLES.has(role)) throw restError(403, '42501', `permission denied to set role "${role}"`);
  const args = parseArguments(await readBody(req));

  let client: pg.PoolClient;
  try {
    client = await ctx.restPool.connect();
  } catch (error) {
    throw dbUnavailable(error);
  }
  let broken: Error | undefined;
  try {
    const candidates = await findFunctions(client, schema, name);
    const matching = candidates.filter((fn) => matches(fn, args.keys));
    if (matching.length === 0 || (!isJsonParam(matching[0]!) && Array.isArray(args.raw))) {
      throw notFound(schema, name, args.keys, candidates);
    }
    if (matching.length > 1) {
      throw restError(
        300,
        'PGRST203',
        `Could not choose the best candidate function between: ${matching.map((fn) => `${schema}.${name}(${fn.params.map((p) => `${p.name} => ${p.type}`).join(', ')})`).join(', ')}`,
        null,
        'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
      );
    }
    const fn = matching[0]!;
    await client.query('begin isolation level read committed');
    try {
      await setRequestScope(client, {
        role,
        claims,
        method: 'POST',
        path: `/rpc/${name}`,
        headers: requestHeaders(req),
        settings: { search_path: SEARCH_PATH },
      });
      const { rows } = await client.query<{ body: string | null }>(callStatement(schema, fn, args));
      let body = rows[0]?.body ?? null;
      if (wantsSingleObject(req) && fn.returnsSet) {
        const items = JSON.parse(body ?? '[]') as unknown[];
        if (items.length !== 1) {
          throw restError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${items.length} rows`);
        }
        body = JSON.stringify(items[0]);
      }
      await client.query('commit');
      return fn.returnsVoid ? { status: 204, body: null } : { status: 200, body };
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } catch (error) {
    if (error instanceof RestError) throw error;
    if (isConnectionError(error)) {
      broken = error as Error;
      throw dbUnavailable(error);
    }
    const pgError = error as pg.DatabaseError;
    throw new RestError(statusForSqlState(pgError.code!, role), {
      code: pgError.code!,
      message: pgError.message,
      details: pgError.detail ?? null,
      hint: pgError.hint ?? null,
    });
  } finally {
    client.release(broken);
  }
}

export interface RequestScope {
  /** The API role the statement runs as (from the token's `role` claim). */
  role: string;
  claims: JwtClaims;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Further settings for the transaction, e.g. search_path, or Storage's storage.operation. */
  settings?: Record<string, string>;
}

/**
 * Switches the open transaction to the request's role with the request.* settings PostgREST
 * sets (claims, sub, method, path, headers), so auth.uid() and RLS see the caller. The Storage
 * endpoint runs its statements the same way.
 */
export async function setRequestScope(client: pg.PoolClient, scope: RequestScope): Promise<void> {
  const settings: Record<string, string> = {
    ...scope.settings,
    role: scope.role,
    'request.jwt.claims': JSON.stringify(scope.claims),
    'request.jwt.claim.sub': typeof scope.claims.sub === 'string' ? scope.claims.sub : '',
    'request.method': scope.method,
    'request.path': scope.path,
    'request.headers': JSON.stringify(scope.headers),
  };
  const names = Object.keys(settings);
  await client.query(
    `select ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
    names.flatMap((name) => [name, settings[name]!]),
  );
}

/** request.headers as PostgREST sets it: lower-case names, credentials left out. */
export function requestHeaders(req: IncomingMessage): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'authorization' || name === 'apikey' || value === undefined) continue;
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

export async function handleRest(req: IncomingMessage, res: ServerResponse, ctx: StackContext, path: string): Promise<void> {
  try {
    const match = /^\/rest\/v1\/rpc\/([^/]+)$/.exec(path);
    if (!match) throw restError(404, 'PGRST125', 'Invalid path specified in request URL');
    const result = await callFunction(req, ctx, decodeURIComponent(match[1]!));
    if (result.body === null) sendEmpty(res, result.status);
    else send(res, result.status, result.body, { 'Content-Type': 'application/json; charset=utf-8' });
  } catch (error) {
    if (error instanceof RestError) {
      sendJson(res, error.status, error.body, error.headers);
      return;
    }
    if (error instanceof BodyTooLargeError) {
      sendJson(res, 413, { code: 'PGRST413', message: error.message, details: null, hint: null }, { Connection: 'close' });
      return;
    }
    if (error instanceof URIError) {
      sendJson(res, 404, { code: 'PGRST125', message: 'Invalid path specified in request URL', details: null, hint: null });
      return;
    }
    throw error;
  }
}
