/**
 * Booking shapes shared by the Worker (validation) and the booking page (forms): the visitor's
 * contact rules (Kuwaiti phone formats, as the database's private.normalize_phone reads them),
 * the hold request, and the owner's services, hours, closed dates and settings. The database
 * checks the same rules again (supabase/migrations/*_bookings.sql). Schemas are `lazy` getters
 * (shared/lazy.ts), built on first use.
 */
import * as z from 'zod/mini';
import { lazy } from './lazy';
import { isProjectName, uuid } from './schemas';

export const PAYMENT_PROVIDERS = ['upayments', 'stripe'] as const;
export const UPAYMENTS_METHODS = ['knet', 'card'] as const;

const ARABIC_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;

/**
 * A phone as stored: a Kuwaiti number (8 digits starting 2, 5, 6 or 9; optional +965 or 00965;
 * spaces, dashes, dots, brackets and Arabic-Indic digits allowed) becomes +965XXXXXXXX, another
 * international number (+ or 00, 8 to 15 digits) +<digits>; anything else is null.
 * @example normalizePhone('٩٩٩٩ ٠٠٠٠') // '+96599990000'
 */
export function normalizePhone(phone: string): string | null {
  if (phone.length > 40) return null;
  const digits = phone
    .replace(ARABIC_DIGITS, (digit) => String((digit.charCodeAt(0) - 0x0660) % (0x06f0 - 0x0660)))
    .replace(/[\s().-]/g, '');
  if (/^(\+965|00965)?[2569]\d{7}$/.test(digits)) return `+965${digits.slice(-8)}`;
  if (/^(\+965|00965)/.test(digits)) return null;
  if (/^(\+|00)[1-9]\d{7,14}$/.test(digits)) return `+${digits.replace(/^(\+|00)/, '')}`;
  return null;
}

/** Never in a visitor's name: controls, bidi embeddings, overrides and isolates. */
const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export const visitorName = lazy(() =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(120),
    z.refine((name) => !NAME_FORBIDDEN.test(name)),
  ),
);
export const visitorEmail = lazy(() =>
  z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254), z.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/)),
);
export const visitorPhone = lazy(() => z.string().check(z.refine((phone) => normalizePhone(phone) !== null)));

/** `YYYY-MM-DD`, a real calendar date. */
export const isoDate = lazy(() => z.iso.date());

/** POST /api/public/projects/:slug/holds */
export const holdBody = lazy(() =>
  z
    .strictObject({
      serviceId: uuid(),
      startsAt: z.iso.datetime({ offset: true }),
      name: visitorName(),
      email: z.optional(z.nullable(visitorEmail())),
      phone: z.optional(z.nullable(visitorPhone())),
      provider: z.enum(PAYMENT_PROVIDERS),
      method: z.optional(z.nullable(z.enum(UPAYMENTS_METHODS))),
      /** The signed form token from the availability answer. */
      formToken: z.string().check(z.minLength(1), z.maxLength(300)),
      /** The honeypot: people never see it, so it must stay empty. */
      website: z.optional(z.string().check(z.maxLength(500))),
      /** The booking page's language, for the payment page and the return address. */
      locale: z.optional(z.enum(['ar', 'en'])),
    })
    .check(
      z.refine((body) => Boolean(body.email || body.phone), { path: ['phone'], message: 'phone or email required' }),
      z.refine((body) => (body.provider === 'upayments') === Boolean(body.method), {
        path: ['method'],
        message: 'knet or card with upayments only',
      }),
    ),
);
export type HoldBody = z.infer<ReturnType<typeof holdBody>>;

export const availabilityQuery = lazy(() => z.strictObject({ service: uuid(), date: isoDate() }));

/** A public slug in a path: what a person could type, the database folds and checks it. */
export const slugParam = lazy(() => z.strictObject({ slug: z.string().check(z.minLength(1), z.maxLength(100)) }));

export const serviceName = lazy(() => z.string().check(z.trim(), z.refine(isProjectName)));

/** POST /api/projects/:id/services and PUT …/services/:serviceId */
export const serviceBody = lazy(() =>
  z.strictObject({
    nameAr: serviceName(),
    nameEn: serviceName(),
    durationMinutes: z.int().check(z.minimum(5), z.maximum(480), z.multipleOf(5)),
    /** Integer fils; Stripe takes KWD only in multiples of 10. */
    priceFils: z.int().check(z.minimum(10), z.maximum(10_000_000), z.multipleOf(10)),
    bufferMinutes: z._default(z.int().check(z.minimum(0), z.maximum(240), z.multipleOf(5)), 0),
    active: z._default(z.boolean(), true),
  }),
);
export type ServiceBody = z.infer<ReturnType<typeof serviceBody>>;

const clock = lazy(() => z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/)));

/** PUT /api/projects/:id/hours: the whole week; ranges of one day must not overlap (checked in SQL too). */
export const hoursBody = lazy(() =>
  z.strictObject({
    hours: z
      .array(
        z.strictObject({
          weekday: z.int().check(z.minimum(0), z.maximum(6)),
          opens: clock(),
          closes: z.union([clock(), z.literal('24:00')]),
        }),
      )
      .check(
        z.maxLength(28),
        z.refine((hours) => hours.every((range) => range.closes > range.opens), { message: 'closes after opens' }),
      ),
  }),
);

/** PUT /api/projects/:id/closed-dates */
export const closedDatesBody = lazy(() => z.strictObject({ dates: z.array(isoDate()).check(z.maxLength(366)) }));

/** PUT /api/projects/:id/booking-settings */
export const bookingSettingsBody = lazy(() =>
  z.strictObject({
    timeZone: z.string().check(z.regex(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/), z.maxLength(64)),
    holdMinutes: z.int().check(z.minimum(5), z.maximum(60)),
    makeWebhookUrl: z.optional(z.nullable(z.string().check(z.maxLength(2000), z.regex(/^https?:\/\/\S+$/)))),
    googleCalendarId: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(1024), z.regex(/^[^\s/]+$/)))),
    rotateMakeSecret: z.optional(z.boolean()),
  }),
);
