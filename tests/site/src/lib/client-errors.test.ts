/** What leaves the browser in an error report: no e-mail addresses, tokens or codes. */
import { describe, expect, it } from 'vitest';
import { scrub } from '../../../../site/src/lib/client-errors';

describe('scrub', () => {
  it('removes e-mail addresses, JWTs, bearer tokens and token parameters', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const text = `failed for sara.k@example.com.kw with ${jwt}; Authorization: Bearer abc.def; /verify?token=123456&type=email#access_token=xyz`;
    const clean = scrub(text);
    for (const secret of ['sara.k@example.com.kw', jwt, 'abc.def', '123456', 'xyz']) expect(clean).not.toContain(secret);
    expect(clean).toContain('[email]');
    expect(clean).toContain('type=email');
  });

  it('removes long opaque strings (refresh tokens, keys) and keeps ordinary text', () => {
    expect(scrub('refresh v1.MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw failed')).toBe('refresh v1.[token] failed');
    expect(scrub('TypeError: cannot read properties of undefined')).toBe('TypeError: cannot read properties of undefined');
  });
});
