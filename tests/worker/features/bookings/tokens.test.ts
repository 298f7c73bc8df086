/** The booking form token and link token: bound to their service or booking, expiring, tamper-evident, and refused without a secret. */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../worker/errors/app-error';
import {
  bookingLinkToken,
  checkBookingLinkToken,
  checkFormToken,
  FORM_TOKEN_TTL_SECONDS,
  issueFormToken,
} from '../../../../worker/features/bookings/tokens';

const SERVICE = '3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f';
const OTHER = '4f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f';
const NOW = 1_900_000_000;

describe('form token', () => {
  it('is accepted for its service until it expires, and refused for another service, altered, or from the future', async () => {
    const { token, expiresAt } = await issueFormToken(env, SERVICE, NOW);
    expect(expiresAt).toBe(new Date((NOW + FORM_TOKEN_TTL_SECONDS) * 1000).toISOString());
    expect(await checkFormToken(env, SERVICE, token, NOW)).toBe(true);
    expect(await checkFormToken(env, SERVICE, token, NOW + FORM_TOKEN_TTL_SECONDS)).toBe(true);
    expect(await checkFormToken(env, SERVICE, token, NOW + FORM_TOKEN_TTL_SECONDS + 1)).toBe(false);
    expect(await checkFormToken(env, OTHER, token, NOW)).toBe(false);
    expect(await checkFormToken(env, SERVICE, token.replace(`.${NOW}.`, `.${NOW + 1}.`), NOW + 1)).toBe(false);
    expect(await checkFormToken(env, SERVICE, token, NOW - 120)).toBe(false);
    expect(await checkFormToken(env, SERVICE, 'garbage', NOW)).toBe(false);
    expect(await checkFormToken({ ...env, BOOKING_FORM_SECRET: 'another-secret-of-at-least-32-chars!!' }, SERVICE, token, NOW)).toBe(false);
  });

  it('needs a secret of 32 characters or more (SRV_004)', async () => {
    await expect(issueFormToken({ ...env, BOOKING_FORM_SECRET: 'short' }, SERVICE)).rejects.toMatchObject({ code: 'SRV_004' });
    await expect(issueFormToken({ ...env, BOOKING_FORM_SECRET: undefined }, SERVICE)).rejects.toBeInstanceOf(AppError);
  });
});

describe('booking link token', () => {
  it('opens its own booking only', async () => {
    const token = await bookingLinkToken(env, SERVICE);
    expect(await checkBookingLinkToken(env, SERVICE, token)).toBe(true);
    expect(await checkBookingLinkToken(env, OTHER, token)).toBe(false);
    expect(await checkBookingLinkToken(env, SERVICE, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });
});
