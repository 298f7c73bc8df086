/**
 * The environment is checked once per isolate: what can be normalised is, an invalid RATE_LIMITS
 * falls back to the defaults with one warning, and what cannot work answers SRV_004 (logged once)
 * instead of a 500 on every route.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../worker/app';
import { errorCode } from '../support/api';

type Bindings = typeof env;

async function requestWith(bindings: Partial<Bindings>, path = '/api/config') {
  const ctx = createExecutionContext();
  const response = await createApp().request(`http://kwq8.test${path}`, {}, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(JSON.parse(line)));
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('environment check', () => {
  it('removes a trailing slash from SUPABASE_URL', async () => {
    const response = await requestWith({ SUPABASE_URL: `${env.SUPABASE_URL}/` });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { supabaseUrl: string }).supabaseUrl).toBe(env.SUPABASE_URL);
    const health = await requestWith({ SUPABASE_URL: `${env.SUPABASE_URL}//` }, '/api/health');
    expect(health.status).toBe(200);
  });

  it('falls back to the default rules when RATE_LIMITS is not valid, and says so once', async () => {
    const logs = captureLogs();
    const bindings = { ...env, RATE_LIMITS: '{"api": {"limit": "many"}' };
    for (let i = 0; i < 3; i++) {
      const ctx = createExecutionContext();
      const response = await createApp().request('http://kwq8.test/api/config', {}, bindings, ctx);
      await waitOnExecutionContext(ctx);
      expect(response.status).toBe(200);
    }
    expect(logs.filter((line) => line.event === 'config.normalised')).toHaveLength(1);
  });

  it.each([
    ['a missing SUPABASE_URL', { SUPABASE_URL: '' }],
    ['a SUPABASE_URL that is not a URL', { SUPABASE_URL: 'supabase.example' }],
    ['a missing anon key', { SUPABASE_ANON_KEY: '' }],
    ['a missing service key', { SUPABASE_SERVICE_ROLE_KEY: '' }],
    [
      'the well-known local JWT secret on a non-local project',
      { SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_JWT_SECRET: 'super-secret-jwt-token-with-at-least-32-characters-long' },
    ],
  ])('answers 503 SRV_004 for %s, logging the problem once and never the secret', async (_, bindings) => {
    const logs = captureLogs();
    const all = { ...env, ...bindings };
    for (let i = 0; i < 2; i++) {
      const ctx = createExecutionContext();
      const response = await createApp().request('http://kwq8.test/api/me', {}, all, ctx);
      await waitOnExecutionContext(ctx);
      expect(response.status).toBe(503);
      expect(await errorCode(response)).toBe('SRV_004');
    }
    const reports = logs.filter((line) => line.event === 'config.invalid');
    expect(reports).toHaveLength(1);
    expect(JSON.stringify(reports)).not.toContain('super-secret');
  });

  it('accepts the local JWT secret on a loopback SUPABASE_URL (the local stack)', async () => {
    const response = await requestWith({
      SUPABASE_URL: 'http://localhost:54321',
      SUPABASE_JWT_SECRET: 'super-secret-jwt-token-with-at-least-32-characters-long',
    });
    expect(response.status).toBe(200);
  });
});
