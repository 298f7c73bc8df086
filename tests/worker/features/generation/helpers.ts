/**
 * Generation tests' tools: the app with a model name of the test's own (the fake AI's failure
 * switches are scoped to it, so files running side by side never take each other's), the
 * Server-Sent Events of a generation read to the end, and the owner's balance.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import { createApp } from '../../../../worker/app';
import { call, type TestUser } from '../../../support/api';

const ai = inject('fakes').ai;

export const modelName = () => `gen-${crypto.randomUUID().slice(0, 12)}`;

export interface SseEvent {
  event: string;
  data: any;
}

export function parseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) };
    });
}

/** A call through the app with the AI bindings pointed at `model`, waiting for the work it left running. */
export async function callWithModel(model: string, owner: TestUser, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const response = await createApp().request(
    `http://kwq8.test${path}`,
    {
      method,
      headers: { Authorization: `Bearer ${owner.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    { ...env, AI_TEXT_MODEL: model, AI_IMAGE_MODEL: model },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

export async function generate(model: string, owner: TestUser, projectId: string, body: Record<string, unknown>, key = `gen-${crypto.randomUUID()}`) {
  const response = await callWithModel(model, owner, 'POST', `/api/projects/${projectId}/site/generations`, body, { 'Idempotency-Key': key });
  const text = await response.text();
  return { response, events: response.headers.get('Content-Type')?.startsWith('text/event-stream') ? parseEvents(text) : [], text };
}

export async function failNext(model: string, mode: string, count: number | 'always' = 1) {
  const response = await fetch(`${ai.url}/__control/fail`, { method: 'POST', body: JSON.stringify({ mode, count, model }) });
  if (response.status !== 200) throw new Error(`fake AI switch ${mode}: ${response.status}`);
}

/** How many requests the fake AI received for this model. */
export async function requestsFor(model: string): Promise<number> {
  return ((await (await fetch(`${ai.url}/__control/requests?model=${encodeURIComponent(model)}`)).json()) as unknown[]).length;
}

export async function balance(owner: TestUser): Promise<number> {
  const me = (await (await call('GET', '/api/me', { token: owner.token })).json()) as { credits: { total: number } };
  return me.credits.total;
}
