/**
 * What the bench arranges through the local stack's HTTP API, the way the product does it: users
 * through the Auth admin API, credits through the service RPCs a verified payment goes through
 * (create_payment, then apply_payment), and access tokens signed as GoTrue signs them.
 */
import { randomUUID } from 'node:crypto';
import { accessClaims, signHs256 } from '../../tests/support/tokens';
import type { StackInfo } from './stack-process';

export interface BenchUser {
  id: string;
  token: string;
}

export class RpcError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/** POST to the stack with the service key; throws RpcError on a non-2xx answer. */
export async function service<T>(stack: StackInfo, path: string, body: unknown): Promise<T> {
  return post<T>(stack, path, body, stack.serviceRoleKey);
}

export async function post<T>(stack: StackInfo, path: string, body: unknown, token: string): Promise<T> {
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { apikey: stack.anonKey, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new RpcError(response.status, text);
  return JSON.parse(text) as T;
}

export async function newUser(stack: StackInfo): Promise<BenchUser> {
  const email = `bench-${randomUUID()}@example.test`;
  const { id } = await service<{ id: string }>(stack, '/auth/v1/admin/users', { email, email_confirm: true });
  return { id, token: await signHs256(accessClaims(stack.url, id, { email })) };
}

/** Adds purchased credits as a verified top-up does. */
export async function topUp(stack: StackInfo, user: BenchUser, credits: number): Promise<void> {
  const ref = `bench-${randomUUID()}`;
  const amount = { p_amount_fils: credits * 100, p_currency: 'KWD' };
  await service(stack, '/rest/v1/rpc/create_payment', {
    p_purpose: 'credits',
    p_provider: 'upayments',
    p_provider_ref: ref,
    p_user_id: user.id,
    p_credits: credits,
    ...amount,
  });
  await service(stack, '/rest/v1/rpc/apply_payment', { p_provider: 'upayments', p_provider_ref: ref, p_status: 'succeeded', ...amount });
}
