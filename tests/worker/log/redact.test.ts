/**
 * The redactor against the log audit's own rules (tests/support/log-audit-reporter.ts): whatever
 * contact details, tokens and keys a log call is handed, in whatever field, shape or spelling,
 * the line written breaks none of them; client values quoted by error messages are dropped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../worker/log/logger';
import { CLIENT_CANARY, leaksIn } from '../../support/log-audit-reporter';

const digits = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));
const kuwaiti = fc.tuple(fc.constantFrom('5', '6', '9', '2'), digits(7)).map(([first, rest]) => `${first}${rest}`);

const sensitive = fc.oneof(
  fc.emailAddress(),
  fc.emailAddress().map((email) => encodeURIComponent(email)),
  kuwaiti,
  kuwaiti.map((n) => `${n.slice(0, 4)} ${n.slice(4)}`),
  kuwaiti.map((n) => `+965 ${n.slice(0, 4)} ${n.slice(4)}`),
  kuwaiti.map((n) => `+965${n}`),
  kuwaiti.map((n) => `00965${n}`),
  kuwaiti.map((n) => `00965 ${n.slice(0, 4)}-${n.slice(4)}`),
  fc.tuple(fc.integer({ min: 1, max: 999 }), digits(9)).map(([cc, n]) => `+${cc} ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`),
  fc.tuple(fc.integer({ min: 1, max: 999 }), digits(10)).map(([cc, n]) => `+${cc}${n}`),
  fc
    .tuple(fc.base64String({ minLength: 8, maxLength: 40 }), fc.base64String({ minLength: 8, maxLength: 80 }))
    .map(([payload, signature]) => `eyJhbGciOiJIUzI1NiJ9.${payload.replace(/[+/=]/g, 'x')}.${signature.replace(/[+/=]/g, '_')}`),
  fc.stringMatching(/^[A-Za-z0-9]{12,32}$/).map((key) => `Bearer ${key}`),
  fc.tuple(fc.constantFrom('sk_live_', 'sk_test_', 'rk_live_', 'whsec_'), fc.stringMatching(/^[A-Za-z0-9]{12,32}$/)).map(([p, k]) => p + k),
);

const text = fc.string({ maxLength: 12 }).map((s) => s.replace(/[\d@+%]/g, ''));

/** The sensitive value placed somewhere a log call might carry it. */
const placed = fc.tuple(sensitive, text, text, fc.integer({ min: 0, max: 4 })).map(([value, before, after, where]) => {
  const sentence = `${before} ${value} ${after}`;
  switch (where) {
    case 0:
      return { detail: sentence };
    case 1:
      return { error: new Error(sentence) };
    case 2:
      return { upstream: { response: { note: sentence } } };
    case 3:
      return { items: [1, sentence] };
    default:
      return { error: new Error('outer', { cause: { message: sentence } }) };
  }
});

describe('redaction meets the log audit', () => {
  it('no log line breaks an audit rule, whatever sensitive value a field holds', () => {
    fc.assert(
      fc.property(placed, (fields) => {
        const lines: string[] = [];
        createLogger('req-12345678', (line) => lines.push(line)).warn('event', fields);
        expect(leaksIn(lines[0]!)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('drops client values: cursor and body fields, and what an error message quotes', () => {
    const lines: string[] = [];
    const log = createLogger('req-12345678', (line) => lines.push(line));
    log.error('request.unhandled', { error: new SyntaxError(`Unexpected token 'k', "${CLIENT_CANARY}-body" is not valid JSON`) });
    log.warn('page', { cursor: `${CLIENT_CANARY}-cursor`, body: { name: CLIENT_CANARY } });
    for (const line of lines) expect(leaksIn(line)).toEqual([]);
    expect(JSON.parse(lines[0]!).error.message).toBe(`Unexpected token '…', "…" is not valid JSON`);
  });

  it('keeps what is needed to debug: ids, codes, times, counts', () => {
    const lines: string[] = [];
    createLogger('req-12345678', (line) => lines.push(line)).info('credits.spent', {
      ledgerId: 4217,
      project: '3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f',
      when: '2026-11-21T10:00:00.000Z',
      code: 'CREDIT_001',
      error: new Error('JWKS answered 502'),
    });
    expect(JSON.parse(lines[0]!)).toMatchObject({ ledgerId: 4217, code: 'CREDIT_001', error: { message: 'JWKS answered 502' } });
    expect(leaksIn(lines[0]!)).toEqual([]);
  });

  it('scrubs the request id too: a client chooses it (X-Request-Id)', () => {
    for (const chosen of ['99887766', 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl', 'x-sk_live_abcdefghijkl']) {
      const lines: string[] = [];
      createLogger(chosen, (line) => lines.push(line)).info('event');
      expect(leaksIn(lines[0]!)).toEqual([]);
    }
  });
});
