/**
 * `/auth/v1`: the part of GoTrue the product uses, with GoTrue's request and response shapes so
 * the unmodified supabase-js client works: email OTP and magic link (`/otp`, `/verify`), refresh
 * token rotation (`/token?grant_type=refresh_token`), `/user`, `/logout`, the JWKS, and admin
 * user creation for the service key. Users are rows of auth.users (so triggers on it fire as on
 * Supabase); codes, sessions and refresh tokens live in the local_auth schema.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { BodyTooLargeError, bearerToken, header, readBody, redirect, sendEmpty, sendJson } from './http';
import { publicJwk, signJwt, verifyJwt, type JwtClaims } from './jwt';
import { isConnectionError } from './rest';
import type { StackContext } from './server';

const ACCESS_TOKEN_SECONDS = 3600;
const OTP_SECONDS = 3600;
const API_VERSION = '2024-01-01';
const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Verification types that sign in with an email code or link, and the `amr` method each records. */
const EMAIL_TYPES: Record<string, string> = { email: 'otp', magiclink: 'magiclink', signup: 'email/signup' };

class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

const expiredOtp = () => new AuthError(403, 'otp_expired', 'Token has expired or is invalid');

/** GoTrue's error body: `{code, message}` for clients on API version 2024-01-01, `{code, error_code, msg}` before. */
function sendAuthError(req: IncomingMessage, res: ServerResponse, error: AuthError): void {
  const current = (header(req, 'x-supabase-api-version') ?? '') >= API_VERSION;
  const body = current
    ? { code: error.errorCode, message: error.message }
    : { code: error.status, error_code: error.errorCode, msg: error.message };
  sendJson(res, error.status, body, { 'X-Supabase-Api-Version': API_VERSION });
}

interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  email_confirmed_at: Date | null;
  confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date | null;
  updated_at: Date | null;
  is_anonymous: boolean;
}

interface SessionRow {
  id: string;
  aal: string;
  amr: { method: string; timestamp: number }[];
}

const USER_COLUMNS = `id, aud, role, email, phone, email_confirmed_at, confirmed_at, last_sign_in_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_anonymous`;

const iso = (date: Date | null) => (date ? date.toISOString() : undefined);
const sha224 = (value: string) => createHash('sha224').update(value).digest('hex');
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The user as GoTrue returns it (null timestamps left out, one email identity). */
function userJson(user: UserRow): Record<string, unknown> {
  const identities = user.email
    ? [
        {
          identity_id: user.id,
          id: user.id,
          user_id: user.id,
          identity_data: { email: user.email, email_verified: !!user.email_confirmed_at, phone_verified: false, sub: user.id },
          provider: 'email',
          last_sign_in_at: iso(user.last_sign_in_at),
          created_at: iso(user.created_at),
          updated_at: iso(user.updated_at),
          email: user.email,
        },
      ]
    : [];
  return {
    id: user.id,
    aud: user.aud ?? 'authenticated',
    role: user.role ?? 'authenticated',
    email: user.email ?? '',
    email_confirmed_at: iso(user.email_confirmed_at),
    phone: user.phone ?? '',
    confirmed_at: iso(user.confirmed_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities,
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    is_anonymous: user.is_anonymous,
  };
}

/** A session response as GoTrue returns it, with a freshly signed access token. */
function sessionJson(ctx: StackContext, user: UserRow, session: SessionRow, refreshToken: string): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  const claims: JwtClaims = {
    iss: `${ctx.url}/auth/v1`,
    sub: user.id,
    aud: 'authenticated',
    exp: iat + ACCESS_TOKEN_SECONDS,
    iat,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? 'authenticated',
    aal: session.aal,
    amr: session.amr,
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  };
  return {
    access_token: signJwt(claims, ctx.keys, ctx.userTokenAlg),
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
    expires_at: iat + ACCESS_TOKEN_SECONDS,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

async function transaction<T>(ctx: StackContext, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await ctx.adminPool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

async function newRefreshToken(client: pg.PoolClient, sessionId: string, parentHash: string | null): Promise<string> {
  const token = randomBytes(16).toString('base64url');
  await client.query('insert into local_auth.refresh_tokens (token_hash, session_id, parent_hash) values ($1, $2, $3)', [
    sha256(token),
    sessionId,
    parentHash,
  ]);
  return token;
}

async function createSession(ctx: StackContext, client: pg.PoolClient, user: UserRow, method: string) {
  const session: SessionRow = { id: randomUUID(), aal: 'aal1', amr: [{ method, timestamp: Math.floor(Date.now() / 1000) }] };
  await client.query('insert into local_auth.sessions (id, user_id, aal, amr) values ($1, $2, $3, $4)', [
    session.id,
    user.id,
    session.aal,
    JSON.stringify(session.amr),
  ]);
  return sessionJson(ctx, user, session, await newRefreshToken(client, session.id, null));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  try {
    const body: unknown = JSON.parse(text || '{}');
    if (isObject(body)) return body;
  } catch {
    // answered below
  }
  throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON');
}

function normalizeEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!EMAIL.test(email) || email.length > 255) {
    throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  }
  return email;
}

/** The redirect target if it is on the site, else the site itself (GoTrue falls back the same way). */
function allowedRedirect(ctx: StackContext, wanted: string | null): string {
  if (wanted) {
    try {
      if (new URL(wanted).origin === new URL(ctx.siteUrl).origin) return wanted;
    } catch {
      // not a URL: fall back
    }
  }
  return ctx.siteUrl;
}

/** Identity data GoTrue copies into user_metadata for email users. */
const identityData = (id: string, email: string, verified: boolean) => ({
  sub: id,
  email,
  email_verified: verified,
  phone_verified: false,
});

async function requestOtp(req: IncomingMessage, ctx: StackContext, query: URLSearchParams): Promise<void> {
  const body = await readJson(req);
  if (body.email === undefined && body.phone !== undefined) {
    throw new AuthError(400, 'phone_provider_disabled', 'Unsupported phone provider');
  }
  const email = normalizeEmail(body.email);
  const data = isObject(body.data) ? body.data : {};
  const redirectTo = allowedRedirect(ctx, query.get('redirect_to'));
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const tokenHash = sha224(email + code);

  const type = await transaction(ctx, async (client) => {
    const find = () =>
      client.query<UserRow>(`select ${USER_COLUMNS} from auth.users where email = $1 and is_sso_user = false for update`, [email]);
    let user = (await find()).rows[0];
    if (!user) {
      if (body.create_user === false) throw new AuthError(422, 'otp_disabled', 'Signups not allowed for otp');
      const id = randomUUID();
      await client.query(
        `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
         values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, $3, $4, now(), now())
         on conflict (email) where is_sso_user = false do nothing`,
        [id, email, { provider: 'email', providers: ['email'] }, { ...data, ...identityData(id, email, false) }],
      );
      user = (await find()).rows[0]!;
    }
    await client.query(
      `insert into local_auth.one_time_tokens (user_id, token_hash, expires_at)
       values ($1, $2, now() + make_interval(secs => $3))
       on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now(), expires_at = excluded.expires_at`,
      [user.id, tokenHash, OTP_SECONDS],
    );
    return user.email_confirmed_at ? 'magiclink' : 'signup';
  });

  const link = `${ctx.url}/auth/v1/verify?${new URLSearchParams({ token: tokenHash, type, redirect_to: redirectTo })}`;
  ctx.mailbox.sendSignIn(email, code, link);
}

/** Consumes the one-time token with this hash and signs its user in; otp_expired when there is none. */
function signInWithToken(ctx: StackContext, tokenHash: string, method: string) {
  return transaction(ctx, async (client) => {
    const consumed = await client.query<{ user_id: string }>(
      'delete from local_auth.one_time_tokens where token_hash = $1 and expires_at > now() returning user_id',
      [tokenHash],
    );
    const userId = consumed.rows[0]?.user_id;
    if (!userId) throw expiredOtp();
    const { rows } = await client.query<UserRow>(
      `update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), last_sign_in_at = now(), updated_at = now(),
              raw_user_meta_data = case when raw_user_meta_data ? 'email_verified'
                                        then raw_user_meta_data || '{"email_verified": true}' else raw_user_meta_data end
        where id = $1 returning ${USER_COLUMNS}`,
      [userId],
    );
    return createSession(ctx, client, rows[0]!, method);
  });
}

function verifyPost(ctx: StackContext, body: Record<string, unknown>) {
  const method = typeof body.type === 'string' ? EMAIL_TYPES[body.type] : undefined;
  if (!method) throw new AuthError(400, 'validation_failed', 'Verify requires a verification type');
  if (typeof body.token_hash === 'string' && body.token_hash) return signInWithToken(ctx, body.token_hash, method);
  if (typeof body.token === 'string' && body.token) {
    if (body.email === undefined)
      throw new AuthError(400, 'validation_failed', 'Only an email address or phone number should be provided on verify');
    return signInWithToken(ctx, sha224(normalizeEmail(body.email) + body.token.trim()), method);
  }
  throw new AuthError(400, 'validation_failed', 'Verify requires either a token or a token hash');
}

/** The magic link: signs in and redirects with the session in the fragment (implicit flow), or the error. */
async function verifyLink(res: ServerResponse, ctx: StackContext, query: URLSearchParams): Promise<void> {
  const target = allowedRedirect(ctx, query.get('redirect_to')).split('#')[0]!;
  const type = query.get('type') ?? '';
  const method = EMAIL_TYPES[type];
  const token = query.get('token');
  try {
    if (!method || !token) throw expiredOtp();
    const session = await signInWithToken(ctx, token, method);
    const fragment = new URLSearchParams({
      access_token: String(session.access_token),
      expires_at: String(session.expires_at),
      expires_in: String(session.expires_in),
      refresh_token: String(session.refresh_token),
      token_type: 'bearer',
      type,
    });
    redirect(res, `${target}#${fragment}`);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const fragment = new URLSearchParams({
      error: 'access_denied',
      error_code: error.errorCode,
      error_description: 'Email link is invalid or has expired',
    });
    redirect(res, `${target}#${fragment}`);
  }
}

async function refresh(ctx: StackContext, body: Record<string, unknown>) {
  if (typeof body.refresh_token !== 'string' || !body.refresh_token) {
    throw new AuthError(400, 'validation_failed', 'refresh_token required');
  }
  const tokenHash = sha256(body.refresh_token);
  const outcome = await transaction(ctx, async (client) => {
    const { rows } = await client.query<{ revoked: boolean; session_id: string; user_id: string; aal: string; amr: SessionRow['amr'] }>(
      `select t.revoked, t.session_id, s.user_id, s.aal, s.amr
         from local_auth.refresh_tokens t join local_auth.sessions s on s.id = t.session_id
        where t.token_hash = $1 for update of t`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    if (row.revoked) {
      // A rotated-out token came back: someone else may hold it, so the whole session ends.
      await client.query('delete from local_auth.sessions where id = $1', [row.session_id]);
      return new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    }
    await client.query('update local_auth.refresh_tokens set revoked = true where token_hash = $1', [tokenHash]);
    await client.query('update local_auth.sessions set refreshed_at = now() where id = $1', [row.session_id]);
    const user = await client.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1`, [row.user_id]);
    const next = await newRefreshToken(client, row.session_id, tokenHash);
    return sessionJson(ctx, user.rows[0]!, { id: row.session_id, aal: row.aal, amr: row.amr }, next);
  });
  if (outcome instanceof AuthError) throw outcome;
  return outcome;
}

function verifiedClaims(req: IncomingMessage, ctx: StackContext): JwtClaims {
  const token = bearerToken(req);
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  const result = verifyJwt(token, ctx.keys);
  if (!result.ok) throw new AuthError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${result.failure.message}`);
  return result.claims;
}

/** The signed-in caller: a valid user token whose session and user still exist. */
async function authenticate(req: IncomingMessage, ctx: StackContext): Promise<{ user: UserRow; sessionId: string | undefined }> {
  const claims = verifiedClaims(req, ctx);
  if (typeof claims.sub !== 'string' || !UUID.test(claims.sub)) throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim');
  const sessionId = typeof claims.session_id === 'string' && UUID.test(claims.session_id) ? claims.session_id : undefined;
  const { rows } = await ctx.adminPool.query<UserRow & { session_exists: boolean }>(
    `select ${USER_COLUMNS}, exists (select 1 from local_auth.sessions s where s.id = $2 and s.user_id = u.id) as session_exists
       from auth.users u where u.id = $1`,
    [claims.sub, sessionId ?? null],
  );
  const user = rows[0];
  if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  if (claims.session_id !== undefined && !user.session_exists) {
    throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  return { user, sessionId };
}

async function logout(req: IncomingMessage, ctx: StackContext, scope: string): Promise<void> {
  if (!['global', 'local', 'others'].includes(scope)) throw new AuthError(400, 'validation_failed', 'Unsupported logout scope');
  const { user, sessionId } = await authenticate(req, ctx);
  const [where, values] = {
    global: ['user_id = $1', [user.id]],
    local: ['id = $1', [sessionId ?? null]],
    others: ['user_id = $1 and id is distinct from $2::uuid', [user.id, sessionId ?? null]],
  }[scope as 'global' | 'local' | 'others'] as [string, unknown[]];
  await ctx.adminPool.query(`delete from local_auth.sessions where ${where}`, values);
}

async function adminCreateUser(req: IncomingMessage, ctx: StackContext) {
  const claims = verifiedClaims(req, ctx);
  if (!ADMIN_ROLES.has(String(claims.role))) throw new AuthError(403, 'not_admin', 'User not allowed');
  const body = await readJson(req);
  const email = normalizeEmail(body.email);
  if (body.id !== undefined && (typeof body.id !== 'string' || !UUID.test(body.id))) {
    throw new AuthError(400, 'validation_failed', 'id must be a UUID');
  }
  if (body.password !== undefined && typeof body.password !== 'string') {
    throw new AuthError(400, 'validation_failed', 'password must be a string');
  }
  const id = (body.id as string | undefined) ?? randomUUID();
  const confirmed = body.email_confirm === true;
  const { rows } = await ctx.adminPool.query<UserRow>(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2,
             case when $3::text is null then null else extensions.crypt($3, extensions.gen_salt('bf')) end,
             case when $4 then now() end, $5, $6, now(), now())
     on conflict do nothing
     returning ${USER_COLUMNS}`,
    [
      id,
      email,
      body.password ?? null,
      confirmed,
      { ...(isObject(body.app_metadata) ? body.app_metadata : {}), provider: 'email', providers: ['email'] },
      { ...(isObject(body.user_metadata) ? body.user_metadata : {}), ...identityData(id, email, confirmed) },
    ],
  );
  if (!rows[0]) throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
  return userJson(rows[0]);
}

export async function handleAuth(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: StackContext,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const route = `${req.method} ${path.slice('/auth/v1'.length)}`;
  const headers = { 'X-Supabase-Api-Version': API_VERSION };
  try {
    switch (route) {
      case 'POST /otp':
        await requestOtp(req, ctx, query);
        return sendJson(res, 200, {}, headers);
      case 'POST /verify':
        return sendJson(res, 200, await verifyPost(ctx, await readJson(req)), headers);
      case 'GET /verify':
        return await verifyLink(res, ctx, query);
      case 'POST /token': {
        const grant = query.get('grant_type');
        if (grant !== 'refresh_token') throw new AuthError(400, 'validation_failed', `unsupported_grant_type: ${grant ?? ''}`);
        return sendJson(res, 200, await refresh(ctx, await readJson(req)), headers);
      }
      case 'GET /user':
        return sendJson(res, 200, userJson((await authenticate(req, ctx)).user), headers);
      case 'POST /logout':
        await logout(req, ctx, query.get('scope') ?? 'global');
        return sendEmpty(res, 204, headers);
      case 'POST /admin/users':
        return sendJson(res, 200, await adminCreateUser(req, ctx), headers);
      case 'GET /.well-known/jwks.json':
        return sendJson(res, 200, { keys: ctx.keys.es256 ? [publicJwk(ctx.keys.es256)] : [] }, headers);
      case 'GET /health':
        return sendJson(
          res,
          200,
          { version: 'local', name: 'GoTrue', description: 'KWq8 local stack: the Auth subset the product uses' },
          headers,
        );
      default:
        throw new AuthError(404, 'not_found', 'Not Found');
    }
  } catch (error) {
    if (error instanceof AuthError) return sendAuthError(req, res, error);
    if (error instanceof BodyTooLargeError) {
      res.setHeader('Connection', 'close');
      return sendAuthError(req, res, new AuthError(413, 'request_too_large', error.message));
    }
    if (isConnectionError(error)) {
      return sendAuthError(req, res, new AuthError(503, 'unexpected_failure', 'Database client error. Retrying the connection.'));
    }
    throw error;
  }
}
