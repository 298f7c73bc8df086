/**
 * Every decode path of the token check against malformed input: impossible base64url lengths,
 * characters outside the alphabet, segments that are not JSON objects, odd claim types. Each must
 * end in AUTH_004 (an AppError), never in a raw exception that the app would answer with a 500.
 */
import { describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../../worker/auth/jwt';
import { AppError } from '../../../worker/errors/app-error';
import { LOCAL_JWT_SECRET } from '../../../supabase/local/keys';
import { call, errorCode } from '../../support/api';
import { accessClaims, base64Url, es256Signer } from '../../support/tokens';

const URL_ = 'http://supabase.test';
const USER = '6f1c2b4e-8a3d-4c5e-9f70-1a2b3c4d5e6f';
const encoder = new TextEncoder();

/** The code the verifier refused with; any other kind of exception fails the test. */
async function refusal(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw new Error(`raw ${(error as Error).name} for ${JSON.stringify(token.slice(0, 60))}: ${(error as Error).message}`);
  }
}

/** An HS256 signature over arbitrary segments, so a malformed payload still reaches the claim checks. */
async function hsSign(headerPart: string, payloadPart: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(LOCAL_JWT_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${headerPart}.${payloadPart}`)));
  return `${headerPart}.${payloadPart}.${base64Url(signature)}`;
}

const json = (value: unknown) => base64Url(JSON.stringify(value));
const bytes = (...values: number[]) => base64Url(new Uint8Array(values));

/** Segments that no decoder may throw on: impossible lengths, foreign characters, padding, non-objects. */
const BAD_SEGMENTS = [
  'A',
  'AAAAA',
  'AAAAAAAAA',
  '',
  '=',
  'AA==',
  '+/+/',
  'ab%cd',
  'تجربة',
  '\u0000',
  bytes(0xff, 0xfe, 0xfd),
  json([]),
  json(null),
  json('text'),
  json(42),
  base64Url('{"alg":'),
];

describe('malformed tokens are refused with AUTH_004, never a raw exception', () => {
  const hs = new TokenVerifier({ supabaseUrl: URL_, hsSecret: LOCAL_JWT_SECRET });

  it('the reported case: a signature segment of impossible length (xxx.yyy.A)', async () => {
    expect(await refusal(hs, 'xxx.yyy.A')).toBe('AUTH_004');
    expect(await refusal(hs, `${json({ alg: 'HS256', typ: 'JWT' })}.${json(accessClaims(URL_, USER))}.A`)).toBe('AUTH_004');
  });

  it.each(BAD_SEGMENTS)('HS256 header, payload or signature segment %j', async (segment) => {
    const header = json({ alg: 'HS256', typ: 'JWT' });
    const payload = json(accessClaims(URL_, USER));
    for (const token of [`${segment}.${payload}.AAAA`, `${header}.${payload}.${segment}`, await hsSign(header, segment)]) {
      expect(await refusal(hs, token)).toBe('AUTH_004');
    }
  });

  it.each(BAD_SEGMENTS)('ES256 signature segment %j against a published key', async (segment) => {
    const signer = await es256Signer('k1');
    const es = new TokenVerifier({ supabaseUrl: URL_, fetchJwks: async () => Response.json({ keys: [signer.jwk] }) });
    const [header, payload] = (await signer.sign(accessClaims(URL_, USER))).split('.');
    expect(await refusal(es, `${header}.${payload}.${segment}`)).toBe('AUTH_004');
  });

  it('an RS256-labelled token whose signature has the wrong size for the key', async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const jwk = { ...((await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey), kid: 'r1', alg: 'RS256', use: 'sig' };
    const rs = new TokenVerifier({ supabaseUrl: URL_, fetchJwks: async () => Response.json({ keys: [jwk] }) });
    const body = `${json({ alg: 'RS256', kid: 'r1' })}.${json(accessClaims(URL_, USER))}`;
    for (const signature of ['AAAA', base64Url(new Uint8Array(300)), ''])
      expect(await refusal(rs, `${body}.${signature}`)).toBe('AUTH_004');
  });

  it.each([
    ['alg is an object', { alg: { name: 'HS256' } }],
    ['kid is a number', { alg: 'ES256', kid: 7 }],
    ['kid is an object', { alg: 'ES256', kid: { toString: 'x' } }],
    ['no alg', { typ: 'JWT' }],
  ])('a header where %s', async (_name, header) => {
    const es = new TokenVerifier({ supabaseUrl: URL_, hsSecret: LOCAL_JWT_SECRET, fetchJwks: async () => Response.json({ keys: [] }) });
    expect(await refusal(es, `${json(header)}.${json(accessClaims(URL_, USER))}.AAAA`)).toBe('AUTH_004');
  });

  it.each([
    ['exp is a string', { exp: 'tomorrow' }],
    ['exp is infinite (1e400)', 'exp'],
    ['nbf is infinite (1e400)', 'nbf'],
    ['aud is a number', { aud: 7 }],
    ['aud is an object', { aud: { authenticated: true } }],
    ['sub is an object', { sub: { id: USER } }],
    ['role is an array', { role: ['authenticated'] }],
    ['iss is missing', { iss: undefined }],
  ])('signed claims where %s', async (_name, change) => {
    const claims = accessClaims(URL_, USER, typeof change === 'object' ? change : {});
    // JSON.stringify cannot write 1e400; splice it in as text, as a hand-made token would.
    const payloadJson =
      typeof change === 'string'
        ? JSON.stringify({ ...claims, [change]: 0 }).replace(`"${change}":0`, `"${change}":1e400`)
        : JSON.stringify(claims);
    const token = await hsSign(json({ alg: 'HS256', typ: 'JWT' }), base64Url(payloadJson));
    expect(await refusal(hs, token)).toBe('AUTH_004');
  });

  it('through the app: 401 AUTH_004 for every malformed signature segment, not a 500', async () => {
    const header = json({ alg: 'HS256', typ: 'JWT' });
    for (const segment of ['A', 'AAAAA', 'AA==', '+/+/']) {
      const response = await call('GET', '/api/me', { token: `${header}.yyy.${segment}` });
      expect(response.status).toBe(401);
      expect(await errorCode(response)).toBe('AUTH_004');
    }
  });
});
