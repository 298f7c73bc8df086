/**
 * The local stack is for this machine and the site's pages only: it answers `Host` 127.0.0.1 or
 * localhost (a DNS-rebinding page gets 421), refuses requests carrying another page's `Origin`
 * (403, so no other site open in the developer's browser can read sign-in codes from the mailbox
 * or call the admin API with the well-known local service key), and sends CORS headers only to
 * the site's own origin.
 */
import { request } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chooseBrowser } from '../e2e/browser';
import { client, http, requestCode, uniqueEmail, useStack } from './helpers';

const SITE = 'http://127.0.0.1:8787';
const ctx = useStack({ siteUrl: SITE, allowedOrigins: ['http://127.0.0.1:4321'] });

/** A GET with a Host header of our choosing (fetch will not send a foreign one), or none at all. */
function getWithHost(path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(ctx.stack.url);
    const headers = host === undefined ? {} : { Host: host };
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: host !== undefined }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host', () => {
  it('answers 127.0.0.1 and localhost on any port', async () => {
    const { port } = new URL(ctx.stack.url);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', '127.0.0.1:80', `LOCALHOST:${port}`]) {
      expect((await getWithHost('/mailbox/messages', host)).status).toBe(200);
    }
  });

  it('refuses any other name with 421 and no data, on every path', async () => {
    const email = uniqueEmail('rebind');
    await requestCode(ctx.stack, email);
    const hosts = [
      'evil.example',
      'evil.example:54321',
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      '127.0.0.2',
      '[::1]',
      '127.0.0.1:80@evil.example',
    ];
    for (const host of hosts) {
      for (const path of [
        `/mailbox/messages?email=${encodeURIComponent(email)}`,
        '/mailbox',
        '/auth/v1/.well-known/jwks.json',
        '/rest/v1/rpc/fx_scalar',
      ]) {
        const answer = await getWithHost(path, host);
        expect({ host, path, status: answer.status }).toEqual({ host, path, status: 421 });
        expect(answer.body).not.toContain(email);
      }
    }
    // Without a Host header at all, Node's parser already answers 400.
    expect((await getWithHost(`/mailbox/messages?email=${encodeURIComponent(email)}`, undefined)).status).toBe(400);
  });
});

describe('Origin', () => {
  it('refuses a cross-origin read of the mailbox: 403, no CORS header, no code', async () => {
    const email = uniqueEmail('cors');
    const { code } = await requestCode(ctx.stack, email);
    for (const origin of [
      'http://evil.example',
      'null',
      'http://127.0.0.1:9999',
      'https://127.0.0.1:8787',
      'http://127.0.0.1:8787.evil.example',
    ]) {
      const answer = await http(ctx.stack, 'GET', `/mailbox/messages?email=${encodeURIComponent(email)}`, { headers: { Origin: origin } });
      expect({ origin, status: answer.status }).toEqual({ origin, status: 403 });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.text).not.toContain(code);
      expect(answer.text).not.toContain(email);
    }
  });

  it('refuses the admin API and preflights from another origin, and creates nobody', async () => {
    const email = uniqueEmail('cors-admin');
    const created = await http(ctx.stack, 'POST', '/auth/v1/admin/users', {
      headers: { apikey: ctx.stack.serviceRoleKey, Origin: 'http://evil.example' },
      token: ctx.stack.serviceRoleKey,
      body: { email, email_confirm: true },
    });
    expect(created.status).toBe(403);
    const { rows } = await ctx.admin.query('select 1 from auth.users where email = $1', [email]);
    expect(rows).toHaveLength(0);

    const preflight = await fetch(`${ctx.stack.url}/auth/v1/admin/users`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'apikey,authorization',
      },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the site (as 127.0.0.1 or localhost) and configured origins in, with CORS headers for exactly that origin', async () => {
    for (const origin of [SITE, 'http://localhost:8787', 'http://127.0.0.1:4321', ctx.stack.url]) {
      const preflight = await fetch(`${ctx.stack.url}/rest/v1/rpc/fx_scalar`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'apikey,content-type' },
      });
      expect(preflight.status).toBe(200);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      const answer = await http(ctx.stack, 'GET', '/mailbox/messages', { headers: { Origin: origin } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('vary')).toMatch(/origin/i);
    }
  });

  it('supabase-js from the site origin still signs in and calls functions', async () => {
    const fromSite: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('Origin', SITE);
      return fetch(input, { ...init, headers });
    };
    const supabase = client(ctx.stack, ctx.stack.anonKey, fromSite);
    const email = uniqueEmail('site');
    expect((await supabase.auth.signInWithOtp({ email })).error).toBeNull();
    const [message] = (await http(ctx.stack, 'GET', `/mailbox/messages?email=${encodeURIComponent(email)}`, { headers: { Origin: SITE } }))
      .json;
    const verified = await supabase.auth.verifyOtp({ email, token: message.code, type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.session?.access_token).toEqual(expect.any(String));
    expect(await supabase.rpc('fx_add', { a: 2, b: 3 })).toMatchObject({ data: 5, error: null });
  });

  it('in Chromium, a page of another origin cannot read a sign-in code from the mailbox', async () => {
    const email = uniqueEmail('chromium');
    const { code } = await requestCode(ctx.stack, email);
    const evil = createServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'),
    );
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const choice = await chooseBrowser();
    const browser = await chromium.launch({ executablePath: choice.executablePath, headless: true, args: choice.args, env: choice.env });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const stolen = await page.evaluate(
        async (url) => {
          try {
            return await (await fetch(url)).text();
          } catch (error) {
            return `blocked: ${String(error)}`;
          }
        },
        `${ctx.stack.url}/mailbox/messages?email=${encodeURIComponent(email)}`,
      );
      expect(stolen).toMatch(/^blocked: /);
      expect(stolen).not.toContain(code);
    } finally {
      await browser.close();
      evil.close();
    }
  });
});
