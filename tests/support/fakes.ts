/**
 * For tests inside workerd: the fake providers' settings (from the global setup) and their JSON
 * control endpoints (see tests/fakes/upayments.ts and tests/fakes/stripe.ts for each action).
 */
import { inject } from 'vitest';
import type { FakesInfo } from './stack-info';

export type FakeProvider = keyof FakesInfo;

export const fakes = (): FakesInfo => inject('fakes');

/** POST /__control/{action}; throws with the fake's answer unless it is 2xx. */
export async function controlFake<T = unknown>(provider: FakeProvider, action: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${fakes()[provider].url}/__control/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${provider} control ${action} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The API requests the fake received whose path starts with `pathPrefix`, oldest first. */
export async function fakeRequests(provider: FakeProvider, pathPrefix = ''): Promise<FakeRequest[]> {
  const response = await fetch(`${fakes()[provider].url}/__control/requests?path=${encodeURIComponent(pathPrefix)}`);
  return (await response.json()) as FakeRequest[];
}

/** An outbound notification or webhook as the fake made it (tests send it to the Worker themselves). */
export interface FakeDelivery {
  id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status?: number;
  error?: string;
}
