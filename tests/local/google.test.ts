/**
 * Sign-in with Google on the local stack, as GoTrue does it: supabase-js's signInWithOAuth (PKCE)
 * → /authorize → the local consent page → /callback → the site with `?code=` →
 * exchangeCodeForSession; account linking; and, over raw HTTP, the errors of every step (wrong
 * verifier, reused or expired code, bad PKCE parameters, a refused or replayed callback) and the
 * consent page's own rules.
 */
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SITE_URL, type LocalStack } from '../../supabase/local/stack';
import { client, http, signIn, uniqueEmail, useStack } from './helpers';

const ctx = useStack();
const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const v2024 = { apikey: '', 'X-Supabase-Api-Version': '2024-01-01' };
const RETURN_TO = `${DEFAULT_SITE_URL}/en/signin/`;

beforeAll(() => {
  v2024.apikey = ctx.stack.anonKey;
});

const newVerifier = () => randomBytes(32).toString('base64url');

/** /authorize for a verifier of the test's own (what supabase-js builds, minus the client). */
function authorizeUrl(stack: LocalStack, verifier: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    provider: 'google',
    redirect_to: RETURN_TO,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 's256',
    ...params,
  });
  return `${stack.url}/auth/v1/authorize?${query}`;
}

/** Follows /authorize to the consent page. */
async function consentPage(authorize: string): Promise<URL> {
  const response = await fetch(authorize, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

/** Submits the consent page as its form does; `fields` are the person's choice. */
function consent(page: URL, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams({
    state: page.searchParams.get('state')!,
    redirect_uri: page.searchParams.get('redirect_uri')!,
    ...fields,
  });
  return fetch(new URL(page.pathname, page), { method: 'POST', body, headers, redirect: 'manual' });
}

/** Google's redirect to the stack's callback, followed: where the browser lands on the site. */
async function callback(googleAnswer: Response): Promise<URL> {
  expect(googleAnswer.status).toBe(303);
  const response = await fetch(googleAnswer.headers.get('location')!, { redirect: 'manual' });
  expect([302, 303]).toContain(response.status);
  return new URL(response.headers.get('location')!);
}

/** The whole browser journey from /authorize to the site, choosing `email`. */
async function throughGoogle(authorize: string, email: string): Promise<URL> {
  return callback(await consent(await consentPage(authorize), { email }));
}

const exchange = (stack: LocalStack, body: object) => http(stack, 'POST', '/auth/v1/token?grant_type=pkce', { body, headers: v2024 });

describe('sign-in with Google through supabase-js', () => {
  it('creates a Google user: authorize, consent, callback, exchangeCodeForSession', async () => {
    const supabase = client(ctx.stack, undefined, undefined, 'pkce');
    const { data, error } = await supabase.auth.signInWithOAuth({
      provider: 'google',
      options: { redirectTo: RETURN_TO, skipBrowserRedirect: true },
    });
    expect(error).toBeNull();
    const authorize = new URL(data.url!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${ctx.stack.url}/auth/v1/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('s256');

    const page = await consentPage(data.url!);
    expect(page.searchParams.get('redirect_uri')).toBe(`${ctx.stack.url}/auth/v1/callback`);
    expect(page.searchParams.get('response_type')).toBe('code');
    const html = await (await fetch(page)).text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('تسجيل الدخول باستخدام Google');
    expect(html).toContain('Sign in with Google');
    expect(html).toContain('/mailbox/fonts/arabic.woff2');

    const email = uniqueEmail('Noura');
    const landed = await throughGoogle(data.url!, email.toUpperCase());
    expect(`${landed.origin}${landed.pathname}`).toBe(RETURN_TO);
    const code = landed.searchParams.get('code')!;
    expect(code).toMatch(/^[0-9a-f-]{36}$/);

    const exchanged = await supabase.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    const { session, user } = exchanged.data;
    expect(user).toMatchObject({
      email: email.toLowerCase(),
      email_confirmed_at: expect.any(String),
      app_metadata: { provider: 'google', providers: ['google'] },
      user_metadata: { email: email.toLowerCase(), email_verified: true, full_name: email.split('@')[0]!.toLowerCase() },
      is_anonymous: false,
    });
    expect(user!.identities).toEqual([
      expect.objectContaining({
        provider: 'google',
        email: email.toLowerCase(),
        identity_data: expect.objectContaining({ sub: expect.any(String) }),
      }),
    ]);
    expect(decode(session!.access_token)).toMatchObject({
      sub: user!.id,
      amr: [{ method: 'oauth' }],
      app_metadata: { provider: 'google' },
    });
    expect((await supabase.auth.getUser()).data.user?.id).toBe(user!.id);
  });

  it('links Google to the account with the same email, and signs the same Google account in again', async () => {
    const email = uniqueEmail('linked');
    const emailSession = await signIn(ctx.stack, email);
    const verifier = newVerifier();
    const first = await exchange(ctx.stack, {
      auth_code: (await throughGoogle(authorizeUrl(ctx.stack, verifier), email)).searchParams.get('code'),
      code_verifier: verifier,
    });
    expect(first.status).toBe(200);
    expect(first.json.user.id).toBe(emailSession.user.id);
    expect(first.json.user.app_metadata).toMatchObject({ provider: 'email', providers: ['email', 'google'] });
    expect(first.json.user.identities.map((identity: { provider: string }) => identity.provider)).toEqual(['email', 'google']);

    const again = newVerifier();
    const second = await exchange(ctx.stack, {
      auth_code: (await throughGoogle(authorizeUrl(ctx.stack, again), email)).searchParams.get('code'),
      code_verifier: again,
    });
    expect(second.json.user.id).toBe(emailSession.user.id);
    expect(second.json.user.identities).toHaveLength(2);
    expect(second.json.user.app_metadata.providers).toEqual(['email', 'google']);
  });
});

describe('POST /token?grant_type=pkce', () => {
  async function authCode(verifier: string) {
    return (await throughGoogle(authorizeUrl(ctx.stack, verifier), uniqueEmail())).searchParams.get('code')!;
  }

  it('refuses a wrong verifier (the code stays usable with the right one) and a reused code', async () => {
    const verifier = newVerifier();
    const code = await authCode(verifier);
    expect(await exchange(ctx.stack, { auth_code: code, code_verifier: newVerifier() })).toMatchObject({
      status: 400,
      json: { code: 'bad_code_verifier', message: 'code challenge does not match previously saved code verifier' },
    });
    expect((await exchange(ctx.stack, { auth_code: code, code_verifier: verifier })).status).toBe(200);
    expect(await exchange(ctx.stack, { auth_code: code, code_verifier: verifier })).toMatchObject({
      status: 404,
      json: { code: 'flow_state_not_found', message: 'invalid flow state, no valid flow state found' },
    });
  });

  it('refuses a code whose flow started more than 5 minutes ago', async () => {
    const verifier = newVerifier();
    const code = await authCode(verifier);
    await ctx.admin.query(`update local_auth.flow_states set created_at = created_at - interval '301 seconds' where auth_code_hash = $1`, [
      createHash('sha256').update(code).digest('hex'),
    ]);
    expect(await exchange(ctx.stack, { auth_code: code, code_verifier: verifier })).toMatchObject({
      status: 422,
      json: { code: 'flow_state_expired', message: 'invalid flow state, flow state has expired' },
    });
  });

  it('accepts a plain challenge, and answers missing fields, unknown codes and grants in GoTrue shape', async () => {
    const verifier = newVerifier();
    const landed = await throughGoogle(
      authorizeUrl(ctx.stack, verifier, { code_challenge: verifier, code_challenge_method: 'plain' }),
      uniqueEmail(),
    );
    expect((await exchange(ctx.stack, { auth_code: landed.searchParams.get('code'), code_verifier: verifier })).status).toBe(200);

    const missing = await http(ctx.stack, 'POST', '/auth/v1/token?grant_type=pkce', { body: { auth_code: 'x' } });
    expect(missing).toMatchObject({ status: 400, json: { code: 400, error_code: 'validation_failed' } });
    expect(await exchange(ctx.stack, { auth_code: crypto.randomUUID(), code_verifier: verifier })).toMatchObject({
      status: 404,
      json: { code: 'flow_state_not_found' },
    });
    expect(await http(ctx.stack, 'POST', '/auth/v1/token?grant_type=constructor', { body: {}, headers: v2024 })).toMatchObject({
      status: 400,
      json: { code: 'validation_failed', message: 'unsupported_grant_type: constructor' },
    });
  });
});

describe('GET /authorize', () => {
  it('refuses other providers and bad PKCE parameters with GoTrue errors', async () => {
    const verifier = newVerifier();
    const get = async (url: string) => {
      const response = await fetch(url, { headers: v2024, redirect: 'manual' });
      return { status: response.status, json: (await response.json()) as { code: string; message: string } };
    };
    expect(await get(authorizeUrl(ctx.stack, verifier, { provider: 'github' }))).toEqual({
      status: 400,
      json: { code: 'validation_failed', message: 'Unsupported provider: provider is not enabled' },
    });
    const noMethod = new URL(authorizeUrl(ctx.stack, verifier));
    noMethod.searchParams.delete('code_challenge_method');
    expect((await get(noMethod.href)).json.message).toBe('PKCE flow requires code_challenge_method and code_challenge');
    expect((await get(authorizeUrl(ctx.stack, verifier, { code_challenge: 'short' }))).json.message).toBe(
      'code challenge has to be between 43 and 128 characters',
    );
    expect((await get(authorizeUrl(ctx.stack, verifier, { code_challenge_method: 'S512' }))).json.message).toBe(
      'Invalid code_challenge_method',
    );
    const implicit = new URL(authorizeUrl(ctx.stack, verifier));
    implicit.searchParams.delete('code_challenge');
    implicit.searchParams.delete('code_challenge_method');
    expect(await get(implicit.href)).toMatchObject({ status: 400, json: { code: 'validation_failed' } });
  });

  it('returns to the site under either local name, and to the site itself instead of anywhere else', async () => {
    const localhost = `${DEFAULT_SITE_URL.replace('127.0.0.1', 'localhost')}/dashboard/`;
    const kept = await throughGoogle(authorizeUrl(ctx.stack, newVerifier(), { redirect_to: localhost }), uniqueEmail());
    expect(`${kept.origin}${kept.pathname}`).toBe(localhost);
    const replaced = await throughGoogle(
      authorizeUrl(ctx.stack, newVerifier(), { redirect_to: 'https://evil.example/steal' }),
      uniqueEmail(),
    );
    expect(replaced.origin).toBe(DEFAULT_SITE_URL);
    expect(replaced.searchParams.get('code')).toBeTruthy();
  });
});

describe('GET /callback', () => {
  it('sends a cancelled consent back to the site as access_denied, in the query and the fragment', async () => {
    const landed = await callback(await consent(await consentPage(authorizeUrl(ctx.stack, newVerifier())), { action: 'cancel' }));
    expect(`${landed.origin}${landed.pathname}`).toBe(RETURN_TO);
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.has('code')).toBe(false);
    expect(new URLSearchParams(landed.hash.slice(1)).get('error')).toBe('access_denied');
  });

  it('refuses a replayed callback, an unknown state and an expired flow, returning to the site', async () => {
    const page = await consentPage(authorizeUrl(ctx.stack, newVerifier()));
    const answer = await consent(page, { email: uniqueEmail() });
    const replay = answer.headers.get('location')!;
    expect((await callback(answer)).searchParams.get('code')).toBeTruthy();
    const again = await fetch(replay, { redirect: 'manual' });
    const refused = new URL(again.headers.get('location')!);
    expect(refused.origin).toBe(DEFAULT_SITE_URL);
    expect(Object.fromEntries(refused.searchParams)).toEqual({
      error: 'invalid_request',
      error_code: 'flow_state_already_used',
      error_description: 'State has already been used',
    });

    const unknown = await fetch(`${ctx.stack.url}/auth/v1/callback?state=${crypto.randomUUID()}&code=x`, { redirect: 'manual' });
    expect(new URL(unknown.headers.get('location')!).searchParams.get('error_code')).toBe('bad_oauth_state');

    const late = await consentPage(authorizeUrl(ctx.stack, newVerifier()));
    await ctx.admin.query(`update local_auth.flow_states set created_at = created_at - interval '301 seconds' where id = $1`, [
      late.searchParams.get('state'),
    ]);
    const expired = new URL(
      (await fetch((await consent(late, { email: uniqueEmail() })).headers.get('location')!, { redirect: 'manual' })).headers.get(
        'location',
      )!,
    );
    expect(expired.searchParams.get('error_description')).toBe('OAuth state has expired');
  });

  it('refuses a Google code that was not issued', async () => {
    const page = await consentPage(authorizeUrl(ctx.stack, newVerifier()));
    const forged = await fetch(`${ctx.stack.url}/auth/v1/callback?state=${page.searchParams.get('state')}&code=4%2F0forged`, {
      redirect: 'manual',
    });
    const landed = new URL(forged.headers.get('location')!);
    expect(`${landed.origin}${landed.pathname}`).toBe(RETURN_TO);
    expect(landed.searchParams.get('error')).toBe('server_error');
    expect(landed.searchParams.has('code')).toBe(false);
  });
});

describe('the local consent page', () => {
  it('accepts only the registered redirect URI and a form posted from its own origin', async () => {
    const page = await consentPage(authorizeUrl(ctx.stack, newVerifier()));
    const elsewhere = new URL(page);
    elsewhere.searchParams.set('redirect_uri', `${DEFAULT_SITE_URL}/steal`);
    const mismatch = await fetch(elsewhere);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('redirect_uri_mismatch');
    expect((await consent(page, { email: uniqueEmail(), redirect_uri: `${DEFAULT_SITE_URL}/steal` })).status).toBe(400);
    expect((await consent(page, { email: uniqueEmail() }, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await consent(page, { email: uniqueEmail() }, { Origin: ctx.stack.url })).status).toBe(303);
  });

  it('shows a wrong email again with its error, escapes what it echoes, and offers accounts used before', async () => {
    const page = await consentPage(authorizeUrl(ctx.stack, newVerifier()));
    const wrong = await consent(page, { email: '<b>not-an-email' });
    expect(wrong.status).toBe(400);
    const html = await wrong.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('&#60;b&#62;not-an-email');
    expect(html).not.toContain('<b>not-an-email');

    const used = uniqueEmail('recent');
    await throughGoogle(authorizeUrl(ctx.stack, newVerifier()), used);
    const next = await consentPage(authorizeUrl(ctx.stack, newVerifier()));
    expect(await (await fetch(next)).text()).toContain(`<input type="hidden" name="email" value="${used}">`);
    const headers = (await fetch(next)).headers;
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
