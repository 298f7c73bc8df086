/**
 * Conformance of `/auth/v1` with GoTrue, through the unmodified supabase-js client and raw HTTP:
 * email OTP and magic link (implicit and PKCE), sessions and refresh rotation, get user, sign-out,
 * admin create-user, JWKS, the error bodies, and the local mailbox.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../supabase/local/jwt';
import { DEFAULT_SITE_URL, LOCAL_JWT_SECRET } from '../../supabase/local/stack';
import { client, http, requestCode, rpc, signIn, uniqueEmail, useStack } from './helpers';

const ctx = useStack();
const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const v2024 = { apikey: '', 'X-Supabase-Api-Version': '2024-01-01' };

beforeAll(async () => {
  // A profile trigger like the product's: sign-up must fire it, as GoTrue's insert does on Supabase.
  await ctx.admin.query(`
    create table public.fx_profiles (id uuid primary key, email text, locale text);
    create function public.fx_on_signup() returns trigger language plpgsql security definer set search_path = '' as $$
    begin insert into public.fx_profiles (id, email, locale) values (new.id, new.email, new.raw_user_meta_data ->> 'locale'); return new; end $$;
    create trigger fx_on_signup after insert on auth.users for each row execute function public.fx_on_signup();`);
  v2024.apikey = ctx.stack.anonKey;
});

describe('email OTP through supabase-js', () => {
  it('signs up on first request, mails a code and a link, and signs in with the code', async () => {
    const email = uniqueEmail('Sara');
    const supabase = client(ctx.stack);
    const sent = await supabase.auth.signInWithOtp({ email, options: { data: { locale: 'ar' } } });
    expect(sent).toEqual({ data: { user: null, session: null }, error: null });

    const profile = await ctx.admin.query('select email, locale from public.fx_profiles where email = $1', [email.toLowerCase()]);
    expect(profile.rows).toEqual([{ email: email.toLowerCase(), locale: 'ar' }]);

    const [message] = (await http(ctx.stack, 'GET', `/mailbox/messages?email=${encodeURIComponent(email)}`)).json;
    expect(message).toMatchObject({ to: email.toLowerCase(), code: expect.stringMatching(/^\d{6}$/) });
    expect(message.text).toContain('رمز الدخول');
    expect(message.text).toContain('Your sign-in code');
    expect(message.text).toContain(message.code);
    expect(message.link).toMatch(new RegExp(`^${ctx.stack.url}/auth/v1/verify\\?token=[0-9a-f]{56}&type=signup&redirect_to=`));

    const { data, error } = await supabase.auth.verifyOtp({ email, token: message.code, type: 'email' });
    expect(error).toBeNull();
    expect(data.session).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: expect.any(String) });
    expect(data.user).toMatchObject({
      email: email.toLowerCase(),
      aud: 'authenticated',
      role: 'authenticated',
      email_confirmed_at: expect.any(String),
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { locale: 'ar', email_verified: true },
      is_anonymous: false,
    });

    const claims = decode(data.session!.access_token);
    expect(claims).toMatchObject({
      sub: data.user!.id,
      role: 'authenticated',
      aud: 'authenticated',
      iss: `${ctx.stack.url}/auth/v1`,
      email: email.toLowerCase(),
      phone: '',
      aal: 'aal1',
      amr: [{ method: 'otp', timestamp: expect.any(Number) }],
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      is_anonymous: false,
      app_metadata: { provider: 'email' },
      user_metadata: { locale: 'ar' },
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);

    const user = await supabase.auth.getUser();
    expect(user.data.user?.id).toBe(data.user!.id);

    const call = await rpc(ctx.stack, 'fx_claims', {}, { token: data.session!.access_token });
    expect(call.json).toMatchObject({ role: 'authenticated', uid: data.user!.id });
  });

  it('uses an existing user and marks the link as a magic link', async () => {
    const email = uniqueEmail();
    await signIn(ctx.stack, email);
    const message = await requestCode(ctx.stack, email);
    expect(message.link).toContain('type=magiclink');
    const { rows } = await ctx.admin.query('select count(*)::int as n from auth.users where email = $1', [email]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses to create a user when shouldCreateUser is false (422 otp_disabled)', async () => {
    const { error } = await client(ctx.stack).auth.signInWithOtp({ email: uniqueEmail(), options: { shouldCreateUser: false } });
    expect(error).toMatchObject({ status: 422, code: 'otp_disabled' });
  });

  it('400 validation_failed for an invalid email, bad_json for a bad body', async () => {
    const invalid = await http(ctx.stack, 'POST', '/auth/v1/otp', { body: { email: 'not-an-email' } });
    expect(invalid).toMatchObject({
      status: 400,
      json: { code: 400, error_code: 'validation_failed', msg: 'Unable to validate email address: invalid format' },
    });
    const bad = await http(ctx.stack, 'POST', '/auth/v1/otp', { body: '{"email":' });
    expect(bad).toMatchObject({ status: 400, json: { error_code: 'bad_json' } });
    const phone = await http(ctx.stack, 'POST', '/auth/v1/otp', { body: { phone: '+96555555555' } });
    expect(phone).toMatchObject({ status: 400, json: { error_code: 'phone_provider_disabled' } });
  });
});

describe('one-time codes', () => {
  const verify = (body: object, headers?: Record<string, string>) => http(ctx.stack, 'POST', '/auth/v1/verify', { body, headers });

  it('works once', async () => {
    const email = uniqueEmail();
    const { code } = await requestCode(ctx.stack, email);
    expect((await verify({ email, token: code, type: 'email' })).status).toBe(200);
    const again = await verify({ email, token: code, type: 'email' });
    expect(again).toMatchObject({ status: 403, json: { code: 403, error_code: 'otp_expired', msg: 'Token has expired or is invalid' } });
  });

  it('answers the 2024-01-01 error shape to clients that ask for it', async () => {
    const response = await verify({ email: uniqueEmail(), token: '000000', type: 'email' }, v2024);
    expect(response.status).toBe(403);
    expect(response.json).toEqual({ code: 'otp_expired', message: 'Token has expired or is invalid' });
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01');
  });

  it('refuses a wrong code, an expired code, and a code replaced by a newer one', async () => {
    const email = uniqueEmail();
    const first = await requestCode(ctx.stack, email);
    const wrong = first.code === '123456' ? '654321' : '123456';
    expect((await verify({ email, token: wrong, type: 'email' })).status).toBe(403);
    const second = await requestCode(ctx.stack, email);
    if (second.code !== first.code) expect((await verify({ email, token: first.code, type: 'email' })).status).toBe(403);

    await ctx.admin.query(
      `update local_auth.one_time_tokens set expires_at = now() - interval '1 second'
                            where user_id = (select id from auth.users where email = $1)`,
      [email],
    );
    expect((await verify({ email, token: second.code, type: 'email' })).json.error_code).toBe('otp_expired');
  });

  it('stores only hashes of codes', async () => {
    const email = uniqueEmail();
    const { code } = await requestCode(ctx.stack, email);
    const { rows } = await ctx.admin.query(
      `select t.* from local_auth.one_time_tokens t join auth.users u on u.id = t.user_id where u.email = $1`,
      [email],
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(code);
  });

  it('accepts the token hash from the link (verifyOtp with token_hash)', async () => {
    const email = uniqueEmail();
    const { link } = await requestCode(ctx.stack, email);
    const tokenHash = new URL(link).searchParams.get('token')!;
    const { data, error } = await client(ctx.stack).auth.verifyOtp({ token_hash: tokenHash, type: 'email' });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
  });

  it('400 for a missing type or token', async () => {
    expect((await verify({ email: uniqueEmail(), token: '123456' })).json).toMatchObject({ error_code: 'validation_failed' });
    expect((await verify({ email: uniqueEmail(), type: 'email' })).json).toMatchObject({ error_code: 'validation_failed' });
    expect((await verify({ email: uniqueEmail(), token: '123456', type: 'recovery' })).status).toBe(400);
  });
});

describe('magic link', () => {
  it('signs in and redirects to the site with the session in the fragment, once', async () => {
    const email = uniqueEmail();
    const { link } = await requestCode(ctx.stack, email);
    const response = await fetch(link, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${DEFAULT_SITE_URL}/`);
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('token_type')).toBe('bearer');
    expect(fragment.get('expires_in')).toBe('3600');
    expect(fragment.get('type')).toBe('signup');
    expect(decode(fragment.get('access_token')!)).toMatchObject({ email, amr: [{ method: 'email/signup' }] });
    expect(fragment.get('refresh_token')).toBeTruthy();

    const again = await fetch(link, { redirect: 'manual' });
    expect(again.status).toBe(303);
    const error = new URLSearchParams(new URL(again.headers.get('location')!).hash.slice(1));
    expect(Object.fromEntries(error)).toEqual({
      error: 'access_denied',
      error_code: 'otp_expired',
      error_description: 'Email link is invalid or has expired',
    });
  });

  it('keeps a redirect on the site (any path) and replaces one elsewhere with the site', async () => {
    const onSite = `${DEFAULT_SITE_URL}/ar/dashboard`;
    const email = uniqueEmail();
    await client(ctx.stack).auth.signInWithOtp({ email, options: { emailRedirectTo: onSite } });
    const [message] = ctx.stack.messages(email);
    expect(new URL(message!.link).searchParams.get('redirect_to')).toBe(onSite);
    expect((await fetch(message!.link, { redirect: 'manual' })).headers.get('location')).toMatch(new RegExp(`^${onSite}#access_token=`));

    const other = uniqueEmail();
    await client(ctx.stack).auth.signInWithOtp({ email: other, options: { emailRedirectTo: 'https://evil.example/steal' } });
    const link = new URL(ctx.stack.messages(other)[0]!.link);
    link.searchParams.set('redirect_to', 'https://evil.example/steal');
    expect((await fetch(link, { redirect: 'manual' })).headers.get('location')).toMatch(new RegExp(`^${DEFAULT_SITE_URL}#access_token=`));
  });
});

describe('magic link in the PKCE flow', () => {
  const onSite = `${DEFAULT_SITE_URL}/en/signin/`;

  it('redirects with a code that exchangeCodeForSession turns into a session, once', async () => {
    const email = uniqueEmail();
    const supabase = client(ctx.stack, undefined, undefined, 'pkce');
    expect((await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: onSite } })).error).toBeNull();
    const link = new URL(ctx.stack.messages(email)[0]!.link);
    expect(link.searchParams.get('token')).toMatch(/^pkce_[0-9a-f]{56}$/);

    const response = await fetch(link, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const landed = new URL(response.headers.get('location')!);
    expect(`${landed.origin}${landed.pathname}`).toBe(onSite);
    expect(landed.hash).toBe('');
    const { data, error } = await supabase.auth.exchangeCodeForSession(landed.searchParams.get('code')!);
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(decode(data.session!.access_token)).toMatchObject({ amr: [{ method: 'email/signup' }] });

    const again = new URL((await fetch(link, { redirect: 'manual' })).headers.get('location')!);
    expect(again.searchParams.get('error_code')).toBe('otp_expired');
    expect(again.searchParams.has('code')).toBe(false);
    expect(Object.fromEntries(new URLSearchParams(again.hash.slice(1)))).toEqual({
      error: 'access_denied',
      error_code: 'otp_expired',
      error_description: 'Email link is invalid or has expired',
      sb: '',
    });
  });

  it('signs in with the typed code as well, and refuses the code from a link 5 minutes after it was issued', async () => {
    const email = uniqueEmail();
    await signIn(ctx.stack, email);
    const supabase = client(ctx.stack, undefined, undefined, 'pkce');
    await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: onSite } });
    const typed = await supabase.auth.verifyOtp({ email, token: ctx.stack.messages(email)[0]!.code, type: 'email' });
    expect(typed.error).toBeNull();

    await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: onSite } });
    const link = new URL(ctx.stack.messages(email)[0]!.link);
    expect(link.searchParams.get('type')).toBe('magiclink');
    const code = new URL((await fetch(link, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    await ctx.admin.query(
      `update local_auth.flow_states set auth_code_issued_at = auth_code_issued_at - interval '301 seconds' where auth_code_hash = $1`,
      [createHash('sha256').update(code).digest('hex')],
    );
    const late = await supabase.auth.exchangeCodeForSession(code);
    expect(late.error).toMatchObject({ status: 422, code: 'flow_state_expired' });
  });

  it('refuses PKCE parameters GoTrue refuses', async () => {
    const otp = (body: object) => http(ctx.stack, 'POST', '/auth/v1/otp', { body: { email: uniqueEmail(), ...body }, headers: v2024 });
    expect(await otp({ code_challenge: 'x'.repeat(43) })).toMatchObject({
      status: 400,
      json: { code: 'validation_failed', message: 'PKCE flow requires code_challenge_method and code_challenge' },
    });
    expect((await otp({ code_challenge: 'bad challenge'.repeat(4), code_challenge_method: 's256' })).json.message).toMatch(
      /^code challenge can only contain/,
    );
    expect((await otp({ code_challenge: 'x'.repeat(43), code_challenge_method: 'md5' })).status).toBe(400);
  });
});

describe('sessions', () => {
  it('rotates refresh tokens through supabase-js refreshSession', async () => {
    const session = await signIn(ctx.stack, uniqueEmail());
    const supabase = client(ctx.stack);
    const { data, error } = await supabase.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(error).toBeNull();
    expect(data.session!.refresh_token).not.toBe(session.refresh_token);
    expect(decode(data.session!.access_token).session_id).toBe(decode(session.access_token).session_id);
    expect(data.user?.id).toBe(session.user.id);
  });

  it('treats reuse of a rotated refresh token as theft and ends the session', async () => {
    const session = await signIn(ctx.stack, uniqueEmail());
    const refresh = (token: string) =>
      http(ctx.stack, 'POST', '/auth/v1/token?grant_type=refresh_token', { body: { refresh_token: token } });
    const rotated = await refresh(session.refresh_token);
    expect(rotated.status).toBe(200);
    const reused = await refresh(session.refresh_token);
    expect(reused).toMatchObject({
      status: 400,
      json: { error_code: 'refresh_token_already_used', msg: 'Invalid Refresh Token: Already Used' },
    });
    expect((await refresh(rotated.json.refresh_token)).json.error_code).toBe('refresh_token_not_found');
    expect((await http(ctx.stack, 'GET', '/auth/v1/user', { token: rotated.json.access_token })).json.error_code).toBe('session_not_found');
  });

  it('400 for unknown or missing refresh tokens and other grant types', async () => {
    const token = (query: string, body: object) => http(ctx.stack, 'POST', `/auth/v1/token?${query}`, { body });
    expect((await token('grant_type=refresh_token', { refresh_token: 'nope' })).json).toMatchObject({
      error_code: 'refresh_token_not_found',
      msg: 'Invalid Refresh Token: Refresh Token Not Found',
    });
    expect((await token('grant_type=refresh_token', {})).status).toBe(400);
    expect((await token('grant_type=password', { email: 'a@b.c', password: 'x' })).status).toBe(400);
  });

  it('signs out through supabase-js; the old access token no longer finds its session', async () => {
    const supabase = client(ctx.stack);
    const email = uniqueEmail();
    await supabase.auth.signInWithOtp({ email });
    const { data } = await supabase.auth.verifyOtp({ email, token: ctx.stack.messages(email)[0]!.code, type: 'email' });
    expect((await supabase.auth.signOut()).error).toBeNull();
    const after = await client(ctx.stack).auth.getUser(data.session!.access_token);
    expect(after.data.user).toBeNull();
    expect(after.error?.name).toBe('AuthSessionMissingError');
    const refreshed = await http(ctx.stack, 'POST', '/auth/v1/token?grant_type=refresh_token', {
      body: { refresh_token: data.session!.refresh_token },
    });
    expect(refreshed.status).toBe(400);
  });

  it('logout scopes: local ends this session, others the rest, global all', async () => {
    const email = uniqueEmail();
    const [a, b, c] = [await signIn(ctx.stack, email), await signIn(ctx.stack, email), await signIn(ctx.stack, email)];
    const user = (token: string) => http(ctx.stack, 'GET', '/auth/v1/user', { token }).then((response) => response.status);
    expect((await http(ctx.stack, 'POST', '/auth/v1/logout?scope=others', { token: a.access_token })).status).toBe(204);
    expect([await user(a.access_token), await user(b.access_token), await user(c.access_token)]).toEqual([200, 403, 403]);
    const d = await signIn(ctx.stack, email);
    expect((await http(ctx.stack, 'POST', '/auth/v1/logout?scope=local', { token: a.access_token })).status).toBe(204);
    expect([await user(a.access_token), await user(d.access_token)]).toEqual([403, 200]);
    expect((await http(ctx.stack, 'POST', '/auth/v1/logout?scope=global', { token: d.access_token })).status).toBe(204);
    expect(await user(d.access_token)).toBe(403);
    expect((await http(ctx.stack, 'POST', '/auth/v1/logout?scope=everything', { token: d.access_token })).status).toBe(400);
  });
});

describe('GET /user errors', () => {
  const user = (options: { token?: string; headers?: Record<string, string> }) => http(ctx.stack, 'GET', '/auth/v1/user', options);

  it('401 without a token, 403 for a bad, expired or subject-less token', async () => {
    expect(await user({})).toMatchObject({ status: 401, json: { error_code: 'no_authorization' } });
    expect(await user({ token: 'garbage' })).toMatchObject({ status: 403, json: { error_code: 'bad_jwt' } });
    const expired = signJwt(
      { sub: crypto.randomUUID(), role: 'authenticated', exp: Math.floor(Date.now() / 1000) - 3600 },
      { secret: LOCAL_JWT_SECRET },
    );
    expect(await user({ token: expired })).toMatchObject({ status: 403, json: { error_code: 'bad_jwt' } });
    expect(await user({ token: ctx.stack.anonKey })).toMatchObject({ status: 403, json: { error_code: 'bad_jwt' } });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: crypto.randomUUID() })).toString('base64url')}.`;
    expect(await user({ token: none })).toMatchObject({ status: 403, json: { error_code: 'bad_jwt' } });
  });

  it('403 user_not_found once the user is deleted', async () => {
    const session = await signIn(ctx.stack, uniqueEmail());
    await ctx.admin.query('delete from auth.users where id = $1', [session.user.id]);
    const stale = signJwt(
      { sub: session.user.id, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 },
      { secret: LOCAL_JWT_SECRET },
    );
    expect(await user({ token: stale })).toMatchObject({ status: 403, json: { error_code: 'user_not_found' } });
  });
});

describe('admin create-user', () => {
  it('creates a confirmed user with the service key (supabase-js admin API)', async () => {
    const email = uniqueEmail('admin-made');
    const { data, error } = await client(ctx.stack, ctx.stack.serviceRoleKey).auth.admin.createUser({
      email,
      email_confirm: true,
      user_metadata: { locale: 'en' },
      app_metadata: { plan: 'pro' },
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      email,
      email_confirmed_at: expect.any(String),
      user_metadata: { locale: 'en' },
      app_metadata: { plan: 'pro', provider: 'email' },
    });
    const profile = await ctx.admin.query('select locale from public.fx_profiles where id = $1', [data.user!.id]);
    expect(profile.rows).toEqual([{ locale: 'en' }]);
    // The user can then sign in with a code; being confirmed, they get a magic link.
    expect((await requestCode(ctx.stack, email)).link).toContain('type=magiclink');
  });

  it('422 email_exists for a taken address', async () => {
    const email = uniqueEmail();
    await signIn(ctx.stack, email);
    const { error } = await client(ctx.stack, ctx.stack.serviceRoleKey).auth.admin.createUser({ email });
    expect(error).toMatchObject({ status: 422, code: 'email_exists' });
  });

  it('refuses callers without the service role', async () => {
    const create = (token?: string) => http(ctx.stack, 'POST', '/auth/v1/admin/users', { body: { email: uniqueEmail() }, token });
    expect(await create()).toMatchObject({ status: 401, json: { error_code: 'no_authorization' } });
    expect(await create(ctx.stack.anonKey)).toMatchObject({ status: 403, json: { error_code: 'not_admin', msg: 'User not allowed' } });
    const session = await signIn(ctx.stack, uniqueEmail());
    expect((await create(session.access_token)).status).toBe(403);
    expect((await create('garbage')).status).toBe(403);
  });
});

describe('JWKS, routing, CORS', () => {
  it('publishes no keys for HS256, as Supabase does for a symmetric secret', async () => {
    expect((await http(ctx.stack, 'GET', '/auth/v1/.well-known/jwks.json')).json).toEqual({ keys: [] });
  });

  it('404 for routes it does not implement', async () => {
    expect((await http(ctx.stack, 'GET', '/auth/v1/settings')).status).toBe(404);
    expect((await http(ctx.stack, 'GET', '/auth/v1/otp')).status).toBe(404);
    expect((await http(ctx.stack, 'GET', '/nowhere')).json).toEqual({ message: 'no Route matched with those values' });
  });

  it('answers Auth preflights from the site', async () => {
    const preflight = await fetch(`${ctx.stack.url}/auth/v1/otp`, {
      method: 'OPTIONS',
      headers: {
        Origin: DEFAULT_SITE_URL,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'apikey,content-type,x-client-info,x-supabase-api-version',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(DEFAULT_SITE_URL);
  });
});

describe('mailbox', () => {
  it('lists messages newest first as JSON, filtered by address', async () => {
    const email = uniqueEmail();
    const first = await requestCode(ctx.stack, email);
    const second = await requestCode(ctx.stack, email);
    const listed = (await http(ctx.stack, 'GET', `/mailbox/messages?email=${email.toUpperCase()}`)).json;
    expect(listed.map((message: { id: string }) => message.id)).toEqual([second.id, first.id]);
    expect(Object.keys(listed[0]).sort()).toEqual(['code', 'created_at', 'id', 'link', 'subject', 'text', 'to']);
    const all = (await http(ctx.stack, 'GET', '/mailbox/messages')).json;
    expect(all.length).toBeGreaterThan(2);
  });

  it('shows an Arabic-first page with the code and the link, escaped', async () => {
    const email = uniqueEmail();
    const { code } = await requestCode(ctx.stack, email);
    const page = await http(ctx.stack, 'GET', `/mailbox?email=${encodeURIComponent(email)}`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<html lang="ar" dir="rtl">');
    expect(page.text).toContain(code);
    expect(page.text).toContain('/auth/v1/verify?token=');
    expect(page.text).not.toMatch(/href="[^"]*&type=/);
  });
});
