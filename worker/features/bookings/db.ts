/**
 * Typed calls to the booking functions in SQL (supabase/migrations/*_bookings_payments.sql and
 * *_bookings.sql) and their API shapes: the owner's view of a booking, the only one that carries
 * the client's contact details, and the visitor's, which never does.
 */
import { LOGO_NAME, publicAssetPath } from '../../../shared/assets';
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import { appConfig, type Bindings } from '../../env';

export interface DbBooking {
  id: string;
  starts_at: string;
  ends_at: string;
  status: string;
  hold_expires_at: string | null;
  client_name: string;
  client_email: string | null;
  client_phone: string | null;
  created_at: string;
  /** The booking's latest payment's status (null without one); owner answers only. */
  payment_status: string | null;
}

export const toOwnerBooking = (row: DbBooking) => ({
  id: row.id,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  status: row.status,
  holdExpiresAt: row.hold_expires_at,
  client: { name: row.client_name, email: row.client_email, phone: row.client_phone },
  createdAt: row.created_at,
  paymentStatus: row.payment_status,
});

export async function projectBookingsPage(
  env: Bindings,
  user: AuthUser,
  input: { projectId: string; limit: number; before: { startsAt: string; id: string } | null },
) {
  return rpc<DbBooking[]>(
    env,
    'project_bookings',
    {
      p_project_id: input.projectId,
      p_limit: input.limit,
      p_before_starts_at: input.before?.startsAt ?? null,
      p_before_id: input.before?.id ?? null,
    },
    user,
  );
}

/** Marks held bookings whose hold ran out as expired, freeing their slots; returns how many. */
export async function expireBookingHolds(env: Bindings): Promise<{ expired: number }> {
  return { expired: await rpc<number>(env, 'expire_booking_holds', {}, 'service') };
}

/** What the owner's booking screens read: supabase/migrations/*_bookings.sql private.booking_setup. */
interface DbService {
  id: string;
  name_ar: string;
  name_en: string;
  duration_minutes: number;
  price_fils: number;
  currency: string;
  buffer_minutes?: number;
  active?: boolean;
}
interface DbSettings {
  time_zone: string;
  hold_minutes: number;
  make_webhook_url: string | null;
  make_webhook_secret: string | null;
  google_calendar_id: string | null;
}
interface DbSetup {
  settings: DbSettings;
  services: DbService[];
  hours: Hours[];
  closed_dates: string[];
}
export interface Hours {
  weekday: number;
  opens: string;
  closes: string;
}

const toService = (row: DbService) => ({
  id: row.id,
  nameAr: row.name_ar,
  nameEn: row.name_en,
  durationMinutes: row.duration_minutes,
  priceFils: row.price_fils,
  currency: row.currency,
  ...(row.buffer_minutes === undefined ? {} : { bufferMinutes: row.buffer_minutes }),
  ...(row.active === undefined ? {} : { active: row.active }),
});

const toSettings = (row: DbSettings) => ({
  timeZone: row.time_zone,
  holdMinutes: row.hold_minutes,
  makeWebhookUrl: row.make_webhook_url,
  makeWebhookSecret: row.make_webhook_secret,
  googleCalendarId: row.google_calendar_id,
});

export async function bookingSetup(env: Bindings, user: AuthUser, projectId: string) {
  const setup = await rpc<DbSetup>(env, 'booking_setup', { p_project_id: projectId }, user);
  return {
    settings: toSettings(setup.settings),
    services: setup.services.map(toService),
    hours: setup.hours,
    closedDates: setup.closed_dates,
  };
}

export async function saveService(
  env: Bindings,
  user: AuthUser,
  projectId: string,
  serviceId: string | null,
  service: { nameAr: string; nameEn: string; durationMinutes: number; priceFils: number; bufferMinutes: number; active: boolean },
) {
  const row = await rpc<DbService>(
    env,
    'save_service',
    {
      p_project_id: projectId,
      p_service_id: serviceId,
      p_name_ar: service.nameAr,
      p_name_en: service.nameEn,
      p_duration_minutes: service.durationMinutes,
      p_price_fils: service.priceFils,
      p_buffer_minutes: service.bufferMinutes,
      p_active: service.active,
    },
    user,
  );
  return toService(row);
}

export const setOpeningHours = (env: Bindings, user: AuthUser, projectId: string, hours: Hours[]) =>
  rpc<Hours[]>(env, 'set_opening_hours', { p_project_id: projectId, p_hours: hours }, user);

export const setClosedDates = (env: Bindings, user: AuthUser, projectId: string, dates: string[]) =>
  rpc<string[]>(env, 'set_closed_dates', { p_project_id: projectId, p_days: dates }, user);

export async function setBookingSettings(
  env: Bindings,
  user: AuthUser,
  projectId: string,
  settings: {
    timeZone: string;
    holdMinutes: number;
    makeWebhookUrl?: string | null;
    googleCalendarId?: string | null;
    rotateMakeSecret?: boolean;
  },
) {
  const row = await rpc<DbSettings>(
    env,
    'set_booking_settings',
    {
      p_project_id: projectId,
      p_time_zone: settings.timeZone,
      p_hold_minutes: settings.holdMinutes,
      p_make_webhook_url: settings.makeWebhookUrl ?? null,
      p_google_calendar_id: settings.googleCalendarId ?? null,
      p_rotate_make_secret: settings.rotateMakeSecret ?? false,
    },
    user,
  );
  return toSettings(row);
}

/** The owner cancels; the answer is the owner's view (contact details included). */
export async function cancelBooking(env: Bindings, user: AuthUser, projectId: string, bookingId: string) {
  const row = await rpc<DbBooking>(env, 'cancel_booking', { p_project_id: projectId, p_booking_id: bookingId }, user);
  return toOwnerBooking(row);
}

/** A booking as visitors see it: never contact details. */
interface DbPublicBooking {
  id: string;
  status: string;
  starts_at: string;
  ends_at: string;
  hold_expires_at: string | null;
  local_date: string;
  local_time: string;
  time_zone: string;
  project: { slug: string; name: string };
  service: { id: string; name_ar: string; name_en: string; duration_minutes: number } | null;
}

const toPublicBooking = (row: DbPublicBooking) => ({
  id: row.id,
  status: row.status,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  holdExpiresAt: row.hold_expires_at,
  localDate: row.local_date,
  localTime: row.local_time,
  timeZone: row.time_zone,
  project: row.project,
  service: row.service && {
    id: row.service.id,
    nameAr: row.service.name_ar,
    nameEn: row.service.name_en,
    durationMinutes: row.service.duration_minutes,
  },
});
export type PublicBooking = ReturnType<typeof toPublicBooking>;

/** The project's logo as public_booking_page finds it in the public bucket; null when there is none. */
type DbLogo = { project_id: string; updated_at: string } | null;

/** The logo's public URL, versioned by its last change so a replaced logo is not served from a stale cache. */
function logoUrl(env: Bindings, logo: DbLogo): string | null {
  if (!logo) return null;
  return `${appConfig(env).supabaseUrl}${publicAssetPath(logo.project_id, LOGO_NAME)}?v=${Date.parse(logo.updated_at)}`;
}

export async function publicBookingPage(env: Bindings, slug: string) {
  const page = await rpc<{
    project: { slug: string; name: string; time_zone: string; hold_minutes: number };
    logo: DbLogo;
    today: string;
    booking_window_days: number;
    services: DbService[];
    hours: Hours[];
    closed_dates: string[];
  }>(env, 'public_booking_page', { p_slug: slug }, 'anon');
  return {
    project: {
      slug: page.project.slug,
      name: page.project.name,
      timeZone: page.project.time_zone,
      holdMinutes: page.project.hold_minutes,
      logoUrl: logoUrl(env, page.logo),
    },
    today: page.today,
    bookingWindowDays: page.booking_window_days,
    services: page.services.map(toService),
    hours: page.hours,
    closedDates: page.closed_dates,
  };
}

export async function bookingAvailability(env: Bindings, input: { slug: string; serviceId: string; date: string }) {
  const answer = await rpc<{
    date: string;
    time_zone: string;
    service_id: string;
    slots: Array<{ starts_at: string; ends_at: string; label: string; ends_label: string }>;
  }>(env, 'booking_availability', { p_slug: input.slug, p_service_id: input.serviceId, p_date: input.date }, 'anon');
  return {
    date: answer.date,
    timeZone: answer.time_zone,
    serviceId: answer.service_id,
    slots: answer.slots.map((slot) => ({ startsAt: slot.starts_at, endsAt: slot.ends_at, label: slot.label, endsLabel: slot.ends_label })),
  };
}

/** The pending payment of a hold, as private.payment_json shapes it. */
export interface DbHoldPayment {
  id: string;
  provider: 'upayments' | 'stripe';
  method: 'knet' | 'card' | null;
  status: string;
  amount_fils: number;
  currency: string;
  checkout_url: string | null;
  expires_at: string;
}

export async function createPublicHold(
  env: Bindings,
  input: {
    slug: string;
    serviceId: string;
    startsAt: string;
    name: string;
    email: string | null;
    phone: string | null;
    provider: 'upayments' | 'stripe';
    method: 'knet' | 'card' | null;
    requestKey: string;
  },
) {
  const answer = await rpc<{ booking: DbPublicBooking; payment: DbHoldPayment; replayed: boolean }>(
    env,
    'create_public_booking_hold',
    {
      p_slug: input.slug,
      p_service_id: input.serviceId,
      p_starts_at: input.startsAt,
      p_client_name: input.name,
      p_client_email: input.email,
      p_client_phone: input.phone,
      p_provider: input.provider,
      p_method: input.method,
      p_request_key: input.requestKey,
    },
    'service',
  );
  return { booking: toPublicBooking(answer.booking), payment: answer.payment, replayed: answer.replayed };
}

export async function publicBooking(env: Bindings, bookingId: string) {
  const answer = await rpc<{
    booking: DbPublicBooking;
    payment: {
      id: string;
      status: string;
      provider: string;
      method: string | null;
      amount_fils: number;
      currency: string;
      checkout_url: string | null;
    } | null;
  }>(env, 'public_booking', { p_booking_id: bookingId }, 'service');
  const { payment } = answer;
  return {
    booking: toPublicBooking(answer.booking),
    payment: payment && {
      id: payment.id,
      status: payment.status,
      provider: payment.provider,
      method: payment.method,
      amountFils: payment.amount_fils,
      currency: payment.currency,
      checkoutUrl: payment.checkout_url,
    },
  };
}

/** Records where the payer goes (billing's set_payment_checkout; the first values stay). */
export const setPaymentCheckout = (env: Bindings, paymentId: string, providerRef: string | null, checkoutUrl: string) =>
  rpc<{ checkout_url: string | null }>(
    env,
    'set_payment_checkout',
    { p_payment_id: paymentId, p_provider_ref: providerRef, p_checkout_url: checkoutUrl },
    'service',
  );

/** Closes a checkout that never reached the provider, which releases its hold (billing's apply_payment). */
export const cancelUnsentCheckout = (env: Bindings, payment: { id: string; provider: string }) =>
  rpc(
    env,
    'apply_payment',
    { p_provider: payment.provider, p_provider_ref: null, p_status: 'cancelled', p_payment_id: payment.id },
    'service',
  );
