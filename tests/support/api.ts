/**
 * Helpers for Worker tests that run against the local stack: call the Worker as a client would,
 * create users through the Auth admin API, give them plans or credits through the service RPCs
 * (the same path the payment webhooks take), and mint their access tokens.
 */
import { env, exports } from 'cloudflare:workers';
import { inject } from 'vitest';
import { accessClaims, signHs256, type Claims } from './tokens';

const worker = (exports as unknown as { default: Fetcher }).default;

export interface TestUser {
  id: string;
  token: string;
}

/** Calls the Worker as a client would: `body` is sent as JSON, `rawBody` as it is (with the caller's headers). */
export function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string>; redirect?: 'follow' | 'manual' } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  return worker.fetch(`http://kwq8.test${path}`, {
    method,
    headers,
    body: options.body === undefined ? options.rawBody : JSON.stringify(options.body),
    ...(options.redirect ? { redirect: options.redirect } : {}),
  });
}

export async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code ?? `no error body (${response.status})`;
}

/** A POST to the local stack with the service key (Auth admin and service-only RPCs). */
export async function service<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${env.SUPABASE_URL}${path}`, {
    method: 'POST',
    headers: {
      apikey: env.SUPABASE_SERVICE_ROLE_KEY,
      Authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export function token(userId: string, extra: Claims = {}): Promise<string> {
  return signHs256(accessClaims(env.SUPABASE_URL, userId, extra));
}

export async function newUser(): Promise<TestUser> {
  const email = `user-${crypto.randomUUID()}@example.test`;
  const created = await service<{ id: string }>('/auth/v1/admin/users', { email, email_confirm: true });
  return { id: created.id, token: await token(created.id, { email }) };
}

/** Pays for a plan the way a verified payment webhook does: create the checkout, then apply it. */
export async function subscribe(user: TestUser, tier: 'basic' | 'pro' | 'premium' | 'enterprise', amountFils: number) {
  const ref = `test-${crypto.randomUUID()}`;
  await service('/rest/v1/rpc/create_payment', {
    p_purpose: 'plan',
    p_provider: 'upayments',
    p_provider_ref: ref,
    p_amount_fils: amountFils,
    p_currency: 'KWD',
    p_user_id: user.id,
    p_tier: tier,
  });
  await service('/rest/v1/rpc/apply_payment', {
    p_provider: 'upayments',
    p_provider_ref: ref,
    p_status: 'succeeded',
    p_amount_fils: amountFils,
    p_currency: 'KWD',
  });
}

export async function topUp(user: TestUser, credits: number, amountFils = credits * 100) {
  const ref = `test-${crypto.randomUUID()}`;
  await service('/rest/v1/rpc/create_payment', {
    p_purpose: 'credits',
    p_provider: 'upayments',
    p_provider_ref: ref,
    p_amount_fils: amountFils,
    p_currency: 'KWD',
    p_user_id: user.id,
    p_credits: credits,
  });
  await service('/rest/v1/rpc/apply_payment', {
    p_provider: 'upayments',
    p_provider_ref: ref,
    p_status: 'succeeded',
    p_amount_fils: amountFils,
    p_currency: 'KWD',
  });
}

/** How many versions of a Storage object's bytes the local stack holds on disk (0 once deleted through Storage's API). */
export async function storedVersions(bucket: string, name: string): Promise<number> {
  const response = await fetch(`${inject('stack').controlUrl}/storage/versions?${new URLSearchParams({ bucket, name })}`);
  return Number(await response.text());
}

async function control(path: string): Promise<Response> {
  const response = await fetch(`${inject('stack').controlUrl}${path}`, { method: 'POST' });
  if (!response.ok) throw new Error(`${path} failed: ${await response.text()}`);
  return response;
}

export async function controlPostgres(action: 'stop' | 'start') {
  await control(`/postgres/${action}`);
}

/** worker-es256 only: make the stack's JWKS hang or answer again, or count the fetches it got. */
export async function controlJwks(action: 'hang' | 'release'): Promise<void> {
  await control(`/jwks/${action}`);
}

export async function jwksFetches(): Promise<number> {
  return (await (await control('/jwks/fetches')).json()) as number;
}

/** Signs in the way the site does: request a code, read it from the local mailbox, verify it. */
export async function signInWithCode(email: string): Promise<{ userId: string; accessToken: string }> {
  const auth = (path: string, body: unknown) =>
    fetch(`${env.SUPABASE_URL}/auth/v1${path}`, {
      method: 'POST',
      headers: { apikey: env.SUPABASE_ANON_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const asked = await auth('/otp', { email, create_user: true });
  if (!asked.ok) throw new Error(`otp answered ${asked.status}`);
  const messages = (await (await fetch(`${env.SUPABASE_URL}/mailbox/messages?email=${encodeURIComponent(email)}`)).json()) as Array<{
    code: string;
  }>;
  const verified = await auth('/verify', { email, token: messages[0]!.code, type: 'email' });
  if (!verified.ok) throw new Error(`verify answered ${verified.status}`);
  const session = (await verified.json()) as { access_token: string; user: { id: string } };
  return { userId: session.user.id, accessToken: session.access_token };
}

/** Moves one payment's clock back by `seconds` (its re-check comes due, its checkout may expire): the stack's control endpoint. */
export async function agePayment(paymentId: string, seconds: number) {
  const response = await fetch(`${inject('stack').controlUrl}/payments/${paymentId}/age/${seconds}`, { method: 'POST' });
  if (!response.ok) throw new Error(`ageing payment ${paymentId} failed: ${await response.text()}`);
}

/** Runs arranging SQL as the database superuser (through the global setup's control endpoint); returns the rows. */
export async function adminSql<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const response = await fetch(`${inject('stack').controlUrl}/sql`, { method: 'POST', body: JSON.stringify({ sql, params }) });
  if (!response.ok) throw new Error(`admin SQL failed: ${await response.text()}`);
  return (await response.json()) as T[];
}
