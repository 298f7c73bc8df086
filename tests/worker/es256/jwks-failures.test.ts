/**
 * The JWKS cache when the key endpoint misbehaves, against the stack's real JWKS behind a proxy
 * that can be told to hang: one fetch for a cold burst (also across requests of the Worker), a
 * bounded wait for a new `kid`, cached keys answered meanwhile, and a pause after a failure.
 * The first test must stay first: it needs this file's isolate to start with no keys.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../../worker/auth/jwt';
import { AppError } from '../../../worker/errors/app-error';
import { call, controlJwks, errorCode, jwksFetches, signInWithCode } from '../../support/api';
import { accessClaims, es256Signer } from '../../support/tokens';

let projectToken: string;
let strangerToken: () => Promise<string>;

beforeAll(async () => {
  projectToken = (await signInWithCode(`jwks-${crypto.randomUUID()}@example.test`)).accessToken;
  // Signed with a key the project never published: a `kid` no JWKS fetch can find.
  const stranger = await es256Signer();
  strangerToken = () => stranger.sign(accessClaims(env.SUPABASE_URL, crypto.randomUUID()));
});

afterEach(() => controlJwks('release'));

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

/** A verifier for the stack's project with a clock the test moves; real fetch, real timeout. */
function verifierAt(start: number) {
  const clock = { now: start };
  const verifier = new TokenVerifier({ supabaseUrl: env.SUPABASE_URL, now: () => clock.now });
  return { clock, verifier };
}

describe('the Worker under a burst and a hanging key endpoint', () => {
  it('50 concurrent requests from a cold isolate make one JWKS fetch and all succeed', async () => {
    const before = await jwksFetches();
    const responses = await Promise.all(Array.from({ length: 50 }, () => call('GET', '/api/me', { token: projectToken })));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect((await jwksFetches()) - before).toBe(1);
  });

  it('while the endpoint hangs, requests with cached keys are answered and an unknown kid is refused', async () => {
    await controlJwks('hang');
    expect((await call('GET', '/api/me', { token: projectToken })).status).toBe(200);
    const refused = await call('GET', '/api/me', { token: await strangerToken() });
    expect(refused.status).toBe(401);
    expect(await errorCode(refused)).toBe('AUTH_004');
  });
});

describe('TokenVerifier against the real endpoint', () => {
  it('single flight: 50 concurrent cold verifications, one fetch', async () => {
    const { verifier } = verifierAt(Date.now());
    const before = await jwksFetches();
    const results = await Promise.all(Array.from({ length: 50 }, () => outcome(verifier.verify(projectToken))));
    expect(results).toEqual(Array(50).fill('ok'));
    expect((await jwksFetches()) - before).toBe(1);
  });

  it('a new kid waits for a fetch that hangs only until the timeout, then AUTH_004; a cached kid is answered meanwhile', async () => {
    const { clock, verifier } = verifierAt(Date.now());
    expect(await outcome(verifier.verify(projectToken))).toBe('ok');
    clock.now += 31_000; // past the 30 s between refetches for unknown kids
    await controlJwks('hang');
    const before = await jwksFetches();

    let newKidSettled = false;
    const newKid = outcome(verifier.verify(await strangerToken())).finally(() => (newKidSettled = true));
    // A second new kid joins the fetch under way instead of starting another.
    const secondNewKid = outcome(verifier.verify(await strangerToken()));
    expect(await outcome(verifier.verify(projectToken))).toBe('ok');
    expect(newKidSettled).toBe(false);

    expect(await newKid).toBe('AUTH_004');
    expect(await secondNewKid).toBe('AUTH_004');
    expect((await jwksFetches()) - before).toBe(1);
  });

  it('with no keys cached, a hanging endpoint answers SRV_002 after the timeout, then at once for 5 s, then tries again', async () => {
    const { clock, verifier } = verifierAt(Date.now());
    await controlJwks('hang');
    const before = await jwksFetches();
    expect(await outcome(verifier.verify(projectToken))).toBe('SRV_002');
    clock.now += 1000;
    expect(await outcome(verifier.verify(projectToken))).toBe('SRV_002');
    expect((await jwksFetches()) - before).toBe(1);

    await controlJwks('release');
    clock.now += 5000;
    expect(await outcome(verifier.verify(projectToken))).toBe('ok');
    expect((await jwksFetches()) - before).toBe(2);
  });

  it('stale keys keep working while their refresh hangs and for 5 s after it fails; then one new attempt', async () => {
    const { clock, verifier } = verifierAt(Date.now());
    expect(await outcome(verifier.verify(projectToken))).toBe('ok');
    // Distinct tokens of the same key, so the verified-token cache does not answer for the key cache.
    const tokens = await Promise.all(Array.from({ length: 4 }, () => signInWithCode(`stale-${crypto.randomUUID()}@example.test`)));
    clock.now += 11 * 60_000;
    await controlJwks('hang');
    const before = await jwksFetches();
    const background: Promise<unknown>[] = [];
    const options = { waitUntil: (promise: Promise<unknown>) => void background.push(promise) };

    expect(await outcome(verifier.verify(tokens[0]!.accessToken, options))).toBe('ok');
    expect(await outcome(verifier.verify(tokens[1]!.accessToken, options))).toBe('ok');
    await Promise.all(background); // the refresh gives up at its timeout
    expect((await jwksFetches()) - before).toBe(1);

    clock.now += 1000;
    expect(await outcome(verifier.verify(tokens[2]!.accessToken, options))).toBe('ok');
    expect((await jwksFetches()) - before).toBe(1);

    await controlJwks('release');
    clock.now += 5000;
    expect(await outcome(verifier.verify(tokens[3]!.accessToken, options))).toBe('ok');
    await Promise.all(background);
    expect((await jwksFetches()) - before).toBe(2);
  });
});
