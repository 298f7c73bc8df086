/** Access-token verification in the Worker: algorithms, claims, and the JWKS cache rules. */
import { describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../../worker/auth/jwt';
import { AppError } from '../../../worker/errors/app-error';
import { LOCAL_JWT_SECRET } from '../../../supabase/local/keys';
import { accessClaims, base64Url, es256Signer, signHs256, unsignedNone } from '../../support/tokens';

const URL_ = 'http://supabase.test';
const USER = '6f1c2b4e-8a3d-4c5e-9f70-1a2b3c4d5e6f';

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

function jwksServer(keys: () => unknown[]) {
  const calls: string[] = [];
  const fetchJwks = async (url: string) => {
    calls.push(url);
    return Response.json({ keys: keys() });
  };
  return { calls, fetchJwks };
}

describe('HS256', () => {
  const verifier = new TokenVerifier({ supabaseUrl: URL_, hsSecret: LOCAL_JWT_SECRET });

  it('accepts a token signed with the project secret and returns its claims', async () => {
    const claims = await verifier.verify(await signHs256(accessClaims(URL_, USER)));
    expect(claims.sub).toBe(USER);
    expect(claims.role).toBe('authenticated');
  });

  const refused: Array<[string, () => Promise<string>, 'AUTH_003' | 'AUTH_004']> = [
    ['wrong secret', async () => signHs256(accessClaims(URL_, USER), 'another-secret-that-is-long-enough-000000'), 'AUTH_004'],
    ['expired', async () => signHs256(accessClaims(URL_, USER, { exp: Math.floor(Date.now() / 1000) - 1 })), 'AUTH_003'],
    ['no exp', async () => signHs256(accessClaims(URL_, USER, { exp: undefined })), 'AUTH_004'],
    ['not yet valid', async () => signHs256(accessClaims(URL_, USER, { nbf: Math.floor(Date.now() / 1000) + 600 })), 'AUTH_004'],
    ['wrong audience', async () => signHs256(accessClaims(URL_, USER, { aud: 'someone-else' })), 'AUTH_004'],
    ['wrong issuer', async () => signHs256(accessClaims(URL_, USER, { iss: 'http://evil.test/auth/v1' })), 'AUTH_004'],
    ['anon key', async () => signHs256(accessClaims(URL_, USER, { role: 'anon' })), 'AUTH_004'],
    ['service key', async () => signHs256(accessClaims(URL_, USER, { role: 'service_role' })), 'AUTH_004'],
    ['sub not a uuid', async () => signHs256(accessClaims(URL_, 'admin')), 'AUTH_004'],
    ['alg none', async () => unsignedNone(accessClaims(URL_, USER)), 'AUTH_004'],
    ['garbage', async () => 'not.a.jwt', 'AUTH_004'],
    ['two parts', async () => 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0', 'AUTH_004'],
  ];
  it.each(refused)('refuses a token with %s', async (_name, make, code) => {
    expect(await codeOf(verifier.verify(await make()))).toBe(code);
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await signHs256(accessClaims(URL_, USER))).split('.');
    const forged = base64Url(JSON.stringify(accessClaims(URL_, '00000000-0000-4000-8000-000000000000')));
    expect(await codeOf(verifier.verify(`${header}.${forged}.${signature}`))).toBe('AUTH_004');
  });

  it('remembers a verified token but still expires it on time', async () => {
    let now = Date.now();
    const clocked = new TokenVerifier({ supabaseUrl: URL_, hsSecret: LOCAL_JWT_SECRET, now: () => now });
    const token = await signHs256({ ...accessClaims(URL_, USER), exp: Math.floor(now / 1000) + 60 });
    expect((await clocked.verify(token)).sub).toBe(USER);
    expect((await clocked.verify(token)).sub).toBe(USER);
    now += 61_000;
    expect(await codeOf(clocked.verify(token))).toBe('AUTH_003');
  });

  it('refuses HS256 entirely when the project has no shared secret configured', async () => {
    const asymmetricOnly = new TokenVerifier({ supabaseUrl: URL_, fetchJwks: async () => Response.json({ keys: [] }) });
    expect(await codeOf(asymmetricOnly.verify(await signHs256(accessClaims(URL_, USER))))).toBe('AUTH_004');
  });
});

describe('ES256 through the JWKS', () => {
  it('accepts a token signed by a published key, fetching the JWKS once', async () => {
    const signer = await es256Signer();
    const server = jwksServer(() => [signer.jwk]);
    const verifier = new TokenVerifier({ supabaseUrl: URL_, fetchJwks: server.fetchJwks });
    for (let i = 0; i < 5; i++) expect((await verifier.verify(await signer.sign(accessClaims(URL_, USER)))).sub).toBe(USER);
    expect(server.calls).toEqual([`${URL_}/auth/v1/.well-known/jwks.json`]);
  });

  it('refetches once for an unknown kid, then waits out the cooldown', async () => {
    let now = 1_000_000_000_000;
    const old = await es256Signer('old');
    const rotated = await es256Signer('new');
    let published = [old.jwk];
    const server = jwksServer(() => published);
    const verifier = new TokenVerifier({ supabaseUrl: URL_, fetchJwks: server.fetchJwks, now: () => now });
    const claims = { ...accessClaims(URL_, USER), exp: now / 1000 + 3600 };

    expect((await verifier.verify(await old.sign(claims))).sub).toBe(USER);
    expect(server.calls).toHaveLength(1);

    now += 31_000;
    published = [old.jwk, rotated.jwk];
    expect((await verifier.verify(await rotated.sign(claims))).sub).toBe(USER);
    expect(server.calls).toHaveLength(2);

    const stranger = await es256Signer('unknown');
    expect(await codeOf(verifier.verify(await stranger.sign(claims)))).toBe('AUTH_004');
    expect(await codeOf(verifier.verify(await stranger.sign(claims)))).toBe('AUTH_004');
    expect(server.calls).toHaveLength(2);

    now += 31_000;
    expect(await codeOf(verifier.verify(await stranger.sign(claims)))).toBe('AUTH_004');
    expect(server.calls).toHaveLength(3);
  });

  it('refreshes keys older than 10 minutes behind the request, then drops a key the project removed', async () => {
    let now = 1_000_000_000_000;
    const signer = await es256Signer();
    let published = [signer.jwk];
    const server = jwksServer(() => published);
    const verifier = new TokenVerifier({ supabaseUrl: URL_, fetchJwks: server.fetchJwks, now: () => now });
    const background: Promise<unknown>[] = [];
    const options = { waitUntil: (promise: Promise<unknown>) => void background.push(promise) };
    const claims = { ...accessClaims(URL_, USER), exp: now / 1000 + 7200 };
    await verifier.verify(await signer.sign(claims), options);
    now += 9 * 60_000;
    await verifier.verify(await signer.sign(claims), options);
    expect(server.calls).toHaveLength(1);

    now += 61_000;
    published = [];
    // Stale but known: answered from the cache while one refresh runs in the background.
    expect((await verifier.verify(await signer.sign(claims), options)).sub).toBe(USER);
    expect(server.calls).toHaveLength(2);
    await Promise.all(background);
    expect(await codeOf(verifier.verify(await signer.sign(claims), options))).toBe('AUTH_004');
  });

  it('never verifies an HS256 token with a JWKS key, nor an ES256 key as RS256', async () => {
    const signer = await es256Signer('k1');
    const server = jwksServer(() => [signer.jwk, { kty: 'oct', kid: 'sym', alg: 'HS256', k: base64Url(LOCAL_JWT_SECRET) }]);
    const verifier = new TokenVerifier({ supabaseUrl: URL_, fetchJwks: server.fetchJwks });
    const hsWithKid = await signHs256(accessClaims(URL_, USER), LOCAL_JWT_SECRET, { kid: 'sym' });
    expect(await codeOf(verifier.verify(hsWithKid))).toBe('AUTH_004');
    const es = await signer.sign(accessClaims(URL_, USER));
    const [, payload, signature] = es.split('.');
    const relabelled = `${base64Url(JSON.stringify({ alg: 'RS256', kid: 'k1' }))}.${payload}.${signature}`;
    expect(await codeOf(verifier.verify(relabelled))).toBe('AUTH_004');
  });

  it('answers SRV_002 when the JWKS cannot be fetched and no keys are cached', async () => {
    const signer = await es256Signer();
    const verifier = new TokenVerifier({ supabaseUrl: URL_, fetchJwks: async () => new Response('down', { status: 502 }) });
    expect(await codeOf(verifier.verify(await signer.sign(accessClaims(URL_, USER))))).toBe('SRV_002');
  });
});
