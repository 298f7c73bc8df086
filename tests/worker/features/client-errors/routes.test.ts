/** POST /api/client-errors: browsers' reports are accepted without a session, validated, and never answered with an error a page would retry. */
import { describe, expect, it } from 'vitest';
import { call, errorCode } from '../../../support/api';

const report = (body: unknown, headers: Record<string, string> = { 'CF-Connecting-IP': '203.0.113.7' }) =>
  call('POST', '/api/client-errors', { body, headers });

describe('POST /api/client-errors', () => {
  it('stores a report from a visitor who is not signed in (202)', async () => {
    const response = await report({
      message: 'TypeError: x is undefined for sara@example.com',
      url: 'https://kwq8.com/dashboard/?token=abc#access_token=eyJx',
      stack: 'at Dashboard (dashboard.js:1:2)',
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ stored: true });
  });

  it.each([
    ['no message', { url: '/' }],
    ['an empty message', { message: '', url: '/' }],
    ['a message over 500 characters', { message: 'x'.repeat(501), url: '/' }],
    ['an unknown field', { message: 'x', url: '/', user: 'sara' }],
  ])('refuses a report with %s (422 REQ_004)', async (_, body) => {
    const response = await report(body);
    expect(response.status).toBe(422);
    expect(await errorCode(response)).toBe('REQ_004');
  });

  it('is limited per client IP', async () => {
    const response = await report({ message: 'Error: limited', url: '/' });
    expect(response.headers.get('RateLimit-Policy')).toMatch(/;w=\d+$/);
  });
});
