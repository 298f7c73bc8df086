/** Logs carry the request id and never tokens, keys, e-mail addresses or phone numbers. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../worker/log/logger';

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger('req-12345678', (line) => lines.push(line)) };
}

describe('logger', () => {
  it('writes one JSON line with level, event and request id', () => {
    const { lines, log } = capture();
    log.info('credits.spent', { action: 'chat_message', amount: 1 });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { level: 'info', event: 'credits.spent', requestId: 'req-12345678', action: 'chat_message', amount: 1 },
    ]);
  });

  it('drops values under sensitive keys at any depth', () => {
    const { lines, log } = capture();
    log.warn('upstream', {
      headers: { Authorization: 'Bearer abc.def.ghi', apikey: 'anon-key', 'X-Api-Key': 'k' },
      user: { email: 'sara@example.com', phone: '+96555551234' },
      nested: [{ password: 'p', refresh_token: 'r', key: 'k' }],
    });
    const line = lines[0]!;
    for (const secret of ['abc.def.ghi', 'anon-key', 'sara@example.com', '+96555551234', '"p"', '"r"', '"k"']) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line).user).toEqual({ email: '[redacted]', phone: '[redacted]' });
  });

  it('scrubs secrets and contact details out of free text and errors', () => {
    const { lines, log } = capture();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ';
    log.error('failed', {
      detail: `user sara.k@example.com called from +965 5555 1234 or 96555551234 with ${jwt} and sk_live_abcdefghijkl`,
      error: new Error(`Bearer ${jwt} rejected for 55551234`),
      when: '2026-11-21T10:00:00Z',
      project: '3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f',
    });
    const entry = JSON.parse(lines[0]!);
    expect(entry.detail).toBe('user [email] called from [phone] or [phone] with [token] and [secret]');
    expect(entry.error.message).toBe('Bearer [token] rejected for [phone]');
    expect(entry.when).toBe('2026-11-21T10:00:00Z');
    expect(entry.project).toBe('3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f');
  });
});
