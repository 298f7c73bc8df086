/**
 * `/auth/v1`: the part of GoTrue the product uses, with GoTrue's request and response shapes so
 * the unmodified supabase-js client works: email OTP and magic link (`/otp`, `/verify`), sign-in
 * with Google (`/authorize`, `/callback`, with the stack's local consent page standing in for
 * Google), the PKCE flow for both (`/token?grant_type=pkce`), refresh token rotation
 * (`/token?grant_type=refresh_token`), `/user`, `/logout`, the JWKS, and admin user creation for
 * the service key. Users are rows of auth.users (so triggers on it fire as on Supabase); codes,
 * sessions, refresh tokens, PKCE flows and OAuth identities live in the local_auth schema.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { googleConsentUrl, type GoogleProfile } from './google';
import { BodyTooLargeError, bearerToken, header, originsAllowed, readBody, redirect, sendEmpty, sendJson } from './http';
import { publicJwk, signJwt, verifyJwt, type JwtClaims } from './jwt';
import { isConnectionError } from './rest';
import type { StackContext } from './server';

const ACCESS_TOKEN_SECONDS = 3600;
const OTP_SECONDS = 3600;
/** GoTrue's flow state expiry: an OAuth flow from /authorize, an email link's code from its issue. */
const FLOW_STATE_SECONDS = 300;
/** GoTrue marks the token of an email link sent in a PKCE flow with this prefix. */
const PKCE_PREFIX = 'pkce_';
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
  oauth_identities: IdentityRow[];
}

/** A row of local_auth.identities as jsonb gives it (timestamps as strings). */
interface IdentityRow {
  id: string;
  provider: string;
  provider_id: string;
  user_id: string;
  identity_data: Record<string, unknown>;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

interface SessionRow {
  id: string;
  aal: string;
  amr: { method: string; timestamp: number }[];
}

/** The user and their OAuth identities; the table must appear as `users` (no alias) in the query. */
const USER_COLUMNS = `id, aud, role, email, phone, email_confirmed_at, confirmed_at, last_sign_in_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_anonymous,
  (select coalesce(jsonb_agg(i order by i.created_at), '[]') from local_auth.identities i where i.user_id = users.id) as oauth_identities`;

const iso = (date: Date | null) => (date ? date.toISOString() : undefined);
const sha224 = (value: string) => createHash('sha224').update(value).digest('hex');
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The user as GoTrue returns it (null timestamps left out): the email identity, unless the user
 * came from an OAuth provider and never signed in by email, then one identity per provider.
 */
function userJson(user: UserRow): Record<string, unknown> {
  const providers = user.raw_app_meta_data?.providers;
  const emailIdentity =
    user.email && (!Array.isArray(providers) || providers.includes('email'))
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
  const oauthIdentities = user.oauth_identities.map((identity) => ({
    identity_id: identity.id,
    id: identity.provider_id,
    user_id: identity.user_id,
    identity_data: identity.identity_data,
    provider: identity.provider,
    last_sign_in_at: identity.last_sign_in_at ?? undefined,
    created_at: identity.created_at,
    updated_at: identity.updated_at,
    email: identity.identity_data.email,
  }));
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
    identities: [...emailIdentity, ...oauthIdentities],
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

/**
 * The redirect target if it is on the site (under either local name) or another allowed origin,
 * else the site itself: GoTrue checks the site URL and its additional redirect URLs and falls
 * back the same way.
 */
function allowedRedirect(ctx: StackContext, wanted: string | null): string {
  if (wanted) {
    try {
      if (originsAllowed([ctx.siteUrl, ...ctx.allowedOrigins]).has(new URL(wanted).origin)) return wanted;
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

interface Pkce {
  challenge: string;
  method: 's256' | 'plain';
}

/** The PKCE parameters as GoTrue checks them; undefined when neither is sent (the implicit flow). */
function pkceParams(challenge: unknown, method: unknown): Pkce | undefined {
  const value = typeof challenge === 'string' ? challenge : '';
  const kind = typeof method === 'string' ? method.toLowerCase() : '';
  if (!value && !kind) return undefined;
  if (!value || !kind) throw new AuthError(400, 'validation_failed', 'PKCE flow requires code_challenge_method and code_challenge');
  if (value.length < 43 || value.length > 128) {
    throw new AuthError(400, 'validation_failed', 'code challenge has to be between 43 and 128 characters');
  }
  if (!/^[a-zA-Z._~0-9-]+$/.test(value)) {
    throw new AuthError(
      400,
      'validation_failed',
      'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes',
    );
  }
  if (kind !== 's256' && kind !== 'plain') throw new AuthError(400, 'validation_failed', 'Invalid code_challenge_method');
  return { challenge: value, method: kind };
}

function pkceVerifies(flow: { code_challenge: string; code_challenge_method: string }, verifier: string): boolean {
  const derived = Buffer.from(flow.code_challenge_method === 's256' ? createHash('sha256').update(verifier).digest('base64url') : verifier);
  const expected = Buffer.from(flow.code_challenge);
  return derived.length === expected.length && timingSafeEqual(derived, expected);
}

/** Starts a PKCE flow (GoTrue's flow state) and returns its id, the OAuth `state`. */
async function createFlowState(
  client: pg.PoolClient,
  flow: { provider: string; method: string; pkce: Pkce; userId?: string; redirectTo?: string },
): Promise<string> {
  const id = randomUUID();
  // Flows live minutes; older ones are cleared as new ones start (GoTrue runs a cleanup job).
  await client.query(`delete from local_auth.flow_states where created_at < now() - interval '1 day'`);
  await client.query(
    `insert into local_auth.flow_states (id, provider_type, authentication_method, code_challenge, code_challenge_method, redirect_to, user_id)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [id, flow.provider, flow.method, flow.pkce.challenge, flow.pkce.method, flow.redirectTo ?? null, flow.userId ?? null],
  );
  return id;
}

/** GoTrue's redirect with an error: in the fragment, and for PKCE flows in the query as well. */
function errorRedirectUrl(target: string, params: Record<string, string>, pkce: boolean): string {
  const url = new URL(target);
  if (pkce) for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  url.hash = new URLSearchParams(pkce ? { ...params, sb: '' } : params).toString();
  return url.href;
}

/** The OAuth `error` GoTrue gives each HTTP status in a redirect. */
const oauthError = (status: number) =>
  ({ 400: 'invalid_request', 401: 'unauthorized_client', 403: 'access_denied', 503: 'temporarily_unavailable' })[status] ?? 'server_error';

async function requestOtp(req: IncomingMessage, ctx: StackContext, query: URLSearchParams): Promise<void> {
  const body = await readJson(req);
  if (body.email === undefined && body.phone !== undefined) {
    throw new AuthError(400, 'phone_provider_disabled', 'Unsupported phone provider');
  }
  const email = normalizeEmail(body.email);
  const pkce = pkceParams(body.code_challenge, body.code_challenge_method);
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
    const type = user.email_confirmed_at ? 'magiclink' : 'signup';
    if (pkce) {
      await createFlowState(client, {
        provider: type === 'signup' ? 'email' : 'magiclink',
        method: EMAIL_TYPES[type]!,
        pkce,
        userId: user.id,
      });
    }
    return type;
  });

  const token = pkce ? `${PKCE_PREFIX}${tokenHash}` : tokenHash;
  const link = `${ctx.url}/auth/v1/verify?${new URLSearchParams({ token, type, redirect_to: redirectTo })}`;
  ctx.mailbox.sendSignIn(email, code, link);
}

/** Consumes the one-time token with this hash and confirms its user's email; otp_expired when there is none. */
async function consumeToken(client: pg.PoolClient, tokenHash: string): Promise<UserRow> {
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
  return rows[0]!;
}

/** Consumes the one-time token with this hash and signs its user in. */
function signInWithToken(ctx: StackContext, tokenHash: string, method: string) {
  return transaction(ctx, async (client) => createSession(ctx, client, await consumeToken(client, tokenHash), method));
}

/** GoTrue's issueAuthCode for an email link: the user's newest flow of this method gets the code. */
async function issueEmailAuthCode(client: pg.PoolClient, userId: string, method: string): Promise<string> {
  const code = randomUUID();
  const { rowCount } = await client.query(
    `update local_auth.flow_states set auth_code_hash = $3, auth_code_issued_at = now()
      where id = (select id from local_auth.flow_states where user_id = $1 and authentication_method = $2 order by created_at desc limit 1)`,
    [userId, method, sha256(code)],
  );
  if (!rowCount) throw new AuthError(400, 'flow_state_not_found', 'No associated flow state found. No valid flow state found for user.');
  return code;
}

function verifyPost(ctx: StackContext, body: Record<string, unknown>) {
  const method = typeof body.type === 'string' ? EMAIL_TYPES[body.type] : undefined;
  if (!method) throw new AuthError(400, 'validation_failed', 'Verify requires a verification type');
  if (typeof body.token_hash === 'string' && body.token_hash) {
    const tokenHash = body.token_hash.startsWith(PKCE_PREFIX) ? body.token_hash.slice(PKCE_PREFIX.length) : body.token_hash;
    return signInWithToken(ctx, tokenHash, method);
  }
  if (typeof body.token === 'string' && body.token) {
    if (body.email === undefined)
      throw new AuthError(400, 'validation_failed', 'Only an email address or phone number should be provided on verify');
    return signInWithToken(ctx, sha224(normalizeEmail(body.email) + body.token.trim()), method);
  }
  throw new AuthError(400, 'validation_failed', 'Verify requires either a token or a token hash');
}

/**
 * The magic link: signs in and redirects with the session in the fragment (implicit flow) or,
 * when the link was asked for in a PKCE flow, with `?code=` to exchange; or with the error.
 */
async function verifyLink(res: ServerResponse, ctx: StackContext, query: URLSearchParams): Promise<void> {
  const target = allowedRedirect(ctx, query.get('redirect_to')).split('#')[0]!;
  const type = query.get('type') ?? '';
  const method = EMAIL_TYPES[type];
  const token = query.get('token') ?? '';
  const pkce = token.startsWith(PKCE_PREFIX);
  try {
    if (!method || !token) throw expiredOtp();
    if (pkce) {
      const code = await transaction(ctx, async (client) =>
        issueEmailAuthCode(client, (await consumeToken(client, token.slice(PKCE_PREFIX.length))).id, method),
      );
      const url = new URL(target);
      url.searchParams.set('code', code);
      return redirect(res, url.href);
    }
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
    const description = error.errorCode === 'otp_expired' ? 'Email link is invalid or has expired' : error.message;
    const params = { error: oauthError(error.status), error_code: error.errorCode, error_description: description };
    redirect(res, errorRedirectUrl(target, params, pkce));
  }
}

/** GET /authorize?provider=google: starts a PKCE flow and sends the browser to the consent page. */
async function authorize(res: ServerResponse, ctx: StackContext, query: URLSearchParams): Promise<void> {
  if ((query.get('provider') ?? '').toLowerCase() !== 'google') {
    throw new AuthError(400, 'validation_failed', 'Unsupported provider: provider is not enabled');
  }
  const pkce = pkceParams(query.get('code_challenge'), query.get('code_challenge_method'));
  if (!pkce) {
    throw new AuthError(
      400,
      'validation_failed',
      'The local stack signs in with OAuth through the PKCE flow only: send code_challenge and code_challenge_method',
    );
  }
  const redirectTo = allowedRedirect(ctx, query.get('redirect_to'));
  const state = await transaction(ctx, (client) => createFlowState(client, { provider: 'google', method: 'oauth', pkce, redirectTo }));
  redirect(res, googleConsentUrl(ctx.url, state), 302);
}

/** The OAuth flow named by the callback's `state`, if it can still finish. */
async function pendingOAuthFlow(ctx: StackContext, state: string): Promise<{ id: string; redirect_to: string | null }> {
  if (!state) throw new AuthError(400, 'bad_oauth_callback', 'OAuth state parameter missing');
  if (!UUID.test(state)) throw new AuthError(400, 'bad_oauth_state', 'OAuth state parameter is invalid');
  const { rows } = await ctx.adminPool.query<{ id: string; redirect_to: string | null; user_id: string | null; expired: boolean }>(
    `select id, redirect_to, user_id, created_at + make_interval(secs => $2) < now() as expired
       from local_auth.flow_states where id = $1 and authentication_method = 'oauth'`,
    [state, FLOW_STATE_SECONDS],
  );
  const flow = rows[0];
  if (!flow) throw new AuthError(400, 'bad_oauth_state', 'OAuth state not found or expired');
  if (flow.expired) throw new AuthError(400, 'bad_oauth_state', 'OAuth state has expired');
  if (flow.user_id) throw new AuthError(400, 'flow_state_already_used', 'State has already been used');
  return flow;
}

/**
 * GoTrue's account linking for a Google identity: the account that already holds it; else the
 * account with the same email, which gains the identity (Google has verified the address); else a
 * new account. Either way the email counts as confirmed and the identity data joins user_metadata.
 */
async function googleAccount(client: pg.PoolClient, profile: GoogleProfile): Promise<string> {
  const data = {
    iss: 'https://accounts.google.com',
    sub: profile.sub,
    provider_id: profile.sub,
    email: profile.email,
    email_verified: true,
    phone_verified: false,
    name: profile.name,
    full_name: profile.name,
  };
  const known = await client.query<{ user_id: string }>(
    `update local_auth.identities set identity_data = $2, last_sign_in_at = now(), updated_at = now()
      where provider = 'google' and provider_id = $1 returning user_id`,
    [profile.sub, data],
  );
  let userId = known.rows[0]?.user_id;
  if (!userId) {
    await client.query(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), $3, $4, now(), now())
       on conflict (email) where is_sso_user = false do nothing`,
      [randomUUID(), profile.email, { provider: 'google', providers: [] }, data],
    );
    const { rows } = await client.query<{ id: string }>('select id from auth.users where email = $1 and is_sso_user = false for update', [
      profile.email,
    ]);
    userId = rows[0]!.id;
    await client.query(
      `insert into local_auth.identities (provider, provider_id, user_id, identity_data, last_sign_in_at)
       values ('google', $1, $2, $3, now()) on conflict do nothing`,
      [profile.sub, userId, data],
    );
  }
  await client.query(
    `update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), last_sign_in_at = now(), updated_at = now(),
            raw_app_meta_data = coalesce(raw_app_meta_data, '{}') || jsonb_build_object('providers',
              case when coalesce(raw_app_meta_data -> 'providers', '[]') ? 'google' then raw_app_meta_data -> 'providers'
                   else coalesce(raw_app_meta_data -> 'providers', '[]') || '["google"]' end),
            raw_user_meta_data = coalesce(raw_user_meta_data, '{}') || $2
      where id = $1`,
    [userId, data],
  );
  return userId;
}

/**
 * GET /callback: Google's answer. Finishes the flow and sends the browser back to the site with
 * the auth code to exchange, or with the error (in the query and the fragment, as GoTrue does).
 * Without a flow that can finish there is no trusted place to return to but the site itself.
 */
async function oauthCallback(res: ServerResponse, ctx: StackContext, query: URLSearchParams): Promise<void> {
  let flow: { id: string; redirect_to: string | null };
  try {
    flow = await pendingOAuthFlow(ctx, query.get('state') ?? '');
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const url = new URL(ctx.siteUrl);
    url.searchParams.set('error', oauthError(error.status));
    url.searchParams.set('error_code', error.errorCode);
    url.searchParams.set('error_description', error.message);
    return redirect(res, url.href);
  }
  const target = flow.redirect_to ?? ctx.siteUrl;
  const providerError = query.get('error');
  if (providerError) {
    const description = query.get('error_description');
    return redirect(
      res,
      errorRedirectUrl(target, { error: providerError, ...(description && { error_description: description }) }, true),
      302,
    );
  }
  try {
    const googleCode = query.get('code');
    if (!googleCode) throw new AuthError(400, 'bad_oauth_callback', 'OAuth callback with missing authorization code missing');
    const profile = ctx.google.redeem(googleCode);
    if (!profile) throw new AuthError(500, 'unexpected_failure', 'Unable to exchange external code');
    const code = await transaction(ctx, async (client) => {
      const userId = await googleAccount(client, profile);
      const authCode = randomUUID();
      const claimed = await client.query(
        `update local_auth.flow_states set user_id = $2, auth_code_hash = $3, auth_code_issued_at = now()
          where id = $1 and user_id is null`,
        [flow.id, userId, sha256(authCode)],
      );
      if (!claimed.rowCount) throw new AuthError(400, 'flow_state_already_used', 'State has already been used');
      return authCode;
    });
    const url = new URL(target);
    url.searchParams.set('code', code);
    redirect(res, url.href, 302);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const params = { error: oauthError(error.status), error_code: error.errorCode, error_description: error.message };
    redirect(res, errorRedirectUrl(target, params, true), 302);
  }
}

/** POST /token?grant_type=pkce: the auth code with its verifier, once and in time, becomes a session. */
function exchangeAuthCode(ctx: StackContext, body: Record<string, unknown>) {
  const authCode = typeof body.auth_code === 'string' ? body.auth_code : '';
  const verifier = typeof body.code_verifier === 'string' ? body.code_verifier : '';
  if (!authCode || !verifier) {
    throw new AuthError(400, 'validation_failed', 'invalid request: both auth code and code verifier should be non-empty');
  }
  return transaction(ctx, async (client) => {
    const { rows } = await client.query<{
      id: string;
      user_id: string | null;
      authentication_method: string;
      code_challenge: string;
      code_challenge_method: string;
      expired: boolean;
    }>(
      `select id, user_id, authentication_method, code_challenge, code_challenge_method,
              case when authentication_method = 'oauth' then created_at else auth_code_issued_at end
                + make_interval(secs => $2) < now() as expired
         from local_auth.flow_states where auth_code_hash = $1 for update`,
      [sha256(authCode), FLOW_STATE_SECONDS],
    );
    const flow = rows[0];
    if (!flow?.user_id) throw new AuthError(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
    if (flow.expired) throw new AuthError(422, 'flow_state_expired', 'invalid flow state, flow state has expired');
    if (!pkceVerifies(flow, verifier)) {
      throw new AuthError(400, 'bad_code_verifier', 'code challenge does not match previously saved code verifier');
    }
    await client.query('delete from local_auth.flow_states where id = $1', [flow.id]);
    const user = await client.query<UserRow>(
      `update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1 returning ${USER_COLUMNS}`,
      [flow.user_id],
    );
    return createSession(ctx, client, user.rows[0]!, flow.authentication_method);
  });
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
    `select ${USER_COLUMNS}, exists (select 1 from local_auth.sessions s where s.id = $2 and s.user_id = users.id) as session_exists
       from auth.users where id = $1`,
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

const GRANTS = new Map([
  ['refresh_token', refresh],
  ['pkce', exchangeAuthCode],
]);

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
        const exchange = GRANTS.get(grant ?? '');
        if (!exchange) throw new AuthError(400, 'validation_failed', `unsupported_grant_type: ${grant ?? ''}`);
        return sendJson(res, 200, await exchange(ctx, await readJson(req)), headers);
      }
      case 'GET /authorize':
        return await authorize(res, ctx, query);
      case 'GET /callback':
        return await oauthCallback(res, ctx, query);
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
