/** Standard Webhooks signing and verification, pinned to the specification's published vector. */
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature, webhookSecretBytes } from '../../../../worker/providers/make/signature';

// The test vector published with the Standard Webhooks specification (and Svix's libraries).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const OTHER_SECRET = 'whsec_a3dxOC1sb2NhbC1tYWtlLXdlYmhvb2stc2VjcmV0ISE=';

const headers = (signature = VECTOR.signature, timestamp = String(VECTOR.timestamp), id = VECTOR.id) => ({ id, timestamp, signature });
const at = (seconds: number) => ({ nowSeconds: VECTOR.timestamp + seconds });

describe('signWebhook', () => {
  it('reproduces the specification test vector', async () => {
    expect(await signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('changes with the id, the timestamp, the body and the secret', async () => {
    const variants = await Promise.all([
      signWebhook(VECTOR.secret, 'msg_other', VECTOR.timestamp, VECTOR.body),
      signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp + 1, VECTOR.body),
      signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, '{"test": 2432232315}'),
      signWebhook(OTHER_SECRET, VECTOR.id, VECTOR.timestamp, VECTOR.body),
    ]);
    expect(new Set([VECTOR.signature, ...variants]).size).toBe(5);
  });

  it.each([
    ['no whsec_ prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['not base64', 'whsec_not*base64'],
    ['too short a key', `whsec_${btoa('sixteen-bytes-ab')}`],
    ['empty', ''],
  ])('refuses a secret with %s', (_why, secret) => {
    expect(() => webhookSecretBytes(secret)).toThrow(TypeError);
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts the vector within the tolerance, either side of the timestamp', async () => {
    expect(await verifyWebhookSignature(VECTOR.secret, headers(), VECTOR.body, at(0))).toBe(true);
    expect(await verifyWebhookSignature(VECTOR.secret, headers(), VECTOR.body, at(299))).toBe(true);
    expect(await verifyWebhookSignature(VECTOR.secret, headers(), VECTOR.body, at(-299))).toBe(true);
  });

  it('accepts a header listing several signatures when one matches', async () => {
    const list = `v1,bm90IHRoZSBzaWduYXR1cmU= v2,ignored ${VECTOR.signature}`;
    expect(await verifyWebhookSignature(VECTOR.secret, headers(list), VECTOR.body, at(0))).toBe(true);
  });

  const refused: Array<[string, Parameters<typeof verifyWebhookSignature>]> = [
    ['a changed body', [VECTOR.secret, headers(), '{"test": 2432232315}', at(0)]],
    ['another secret', [OTHER_SECRET, headers(), VECTOR.body, at(0)]],
    ['another id', [VECTOR.secret, headers(undefined, undefined, 'msg_other'), VECTOR.body, at(0)]],
    ['a stale timestamp', [VECTOR.secret, headers(), VECTOR.body, at(301)]],
    ['a future timestamp', [VECTOR.secret, headers(), VECTOR.body, at(-301)]],
    ['a non-numeric timestamp', [VECTOR.secret, headers(undefined, '1614265330.0'), VECTOR.body, at(0)]],
    ['no v1 entry', [VECTOR.secret, headers(VECTOR.signature.replace('v1,', 'v2,')), VECTOR.body, at(0)]],
    ['a signature that is not base64', [VECTOR.secret, headers('v1,!!!'), VECTOR.body, at(0)]],
    ['missing headers', [VECTOR.secret, { id: undefined, timestamp: undefined, signature: undefined }, VECTOR.body, at(0)]],
  ];
  it.each(refused)('refuses %s', async (_why, args) => {
    expect(await verifyWebhookSignature(...args)).toBe(false);
  });
});
