/**
 * The public booking page of a project (/book/<slug>/, /en/book/<slug>/): service → day → time →
 * contact and payment method → the provider's payment page → back to a confirmation view that
 * polls the booking and survives a reload (its id and signed token are in the address). No
 * account and no third-party script: the form carries a honeypot field and the signed form token
 * the availability answer gives. Errors are shown calmly in place and as a toast (sonner).
 */
import { useEffect, useMemo, useRef, useState, type SubmitEvent } from 'react';
import { toast, Toaster } from 'sonner';
import { normalizePhone } from '../../../shared/booking';
import type { ErrorBody } from '../../../shared/errors';
import { bookingStrings, fill, type BookingStrings } from '../i18n/booking';
import type { SiteLocale } from '../i18n/locales';
import { formatFils, formatNumber } from '../lib/format';

interface Service {
  id: string;
  nameAr: string;
  nameEn: string;
  durationMinutes: number;
  priceFils: number;
}
interface Page {
  project: { slug: string; name: string; timeZone: string; holdMinutes: number; logoUrl: string | null };
  today: string;
  bookingWindowDays: number;
  services: Service[];
  hours: Array<{ weekday: number; opens: string; closes: string }>;
  closedDates: string[];
}
interface Slot {
  startsAt: string;
  label: string;
}
interface Availability {
  date: string;
  slots: Slot[];
  formToken: string;
}
interface PublicBooking {
  booking: {
    id: string;
    status: 'held' | 'confirmed' | 'cancelled' | 'expired';
    localDate: string;
    localTime: string;
    timeZone: string;
    project: { slug: string; name: string };
    service: { nameAr: string; nameEn: string } | null;
  };
  payment: { status: string; amountFils: number; checkoutUrl: string | null } | null;
}

/** Days shown at once, from the project's today. */
const DAYS_SHOWN = 14;
const POLL_MS = 3000;
const POLLS = 60;

class ApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

async function request<T>(path: string, locale: SiteLocale, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('Accept-Language', locale);
  if (init.body) headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError('NETWORK');
  }
  const body = (await response.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
  if (!response.ok || !body) throw new ApiError(body?.error?.code ?? 'SRV_001');
  return body;
}

/** The slug in /book/<slug>/ or /en/book/<slug>/. */
function slugFromPath(pathname: string): string {
  const match = /^(?:\/en)?\/book\/([^/]+)\/?$/.exec(pathname);
  try {
    return match ? decodeURIComponent(match[1]!) : '';
  } catch {
    return '';
  }
}

function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + days)).toISOString().slice(0, 10);
}

const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

function dayLabel(date: string, locale: SiteLocale): string {
  return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-KW' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

const serviceName = (service: { nameAr: string; nameEn: string }, locale: SiteLocale) =>
  locale === 'ar' ? service.nameAr : service.nameEn;

function messageFor(code: string, t: BookingStrings): string {
  if (code === 'NETWORK') return t.network;
  if (code === 'BOOK_001') return t.slotTaken;
  if (code === 'BOOK_003') return t.formExpired;
  if (code === 'NOT_FOUND_002') return t.notFound;
  return t.error;
}

export default function BookingFlow({ locale = 'ar' }: { locale?: SiteLocale }) {
  const t = bookingStrings[locale];
  const [location] = useState(() => (typeof window === 'undefined' ? null : new URL(window.location.href)));
  const slug = location ? slugFromPath(location.pathname) : '';
  const bookingId = location?.searchParams.get('booking') ?? '';
  const token = location?.searchParams.get('token') ?? '';

  return (
    <div className="booking" dir={locale === 'ar' ? 'rtl' : 'ltr'}>
      <Toaster position="top-center" dir={locale === 'ar' ? 'rtl' : 'ltr'} richColors />
      {!location ? (
        <p role="status">{t.loading}</p>
      ) : bookingId && token ? (
        <Confirmation
          locale={locale}
          t={t}
          slug={slug}
          bookingId={bookingId}
          token={token}
          paymentCancelled={location.searchParams.has('cancelled')}
        />
      ) : (
        <Flow locale={locale} t={t} slug={slug} />
      )}
    </div>
  );
}

function Flow({ locale, t, slug }: { locale: SiteLocale; t: BookingStrings; slug: string }) {
  const [page, setPage] = useState<Page | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [service, setService] = useState<Service | null>(null);
  const [day, setDay] = useState<string | null>(null);
  const [availability, setAvailability] = useState<Availability | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  // One key per attempt at this slot: a retry after a lost answer gets the same hold back.
  const attemptKey = useRef('');

  useEffect(() => {
    if (!slug) return setFailed(t.notFound);
    request<Page>(`/api/public/projects/${encodeURIComponent(slug)}`, locale).then(
      (answer) => {
        setPage(answer);
        if (answer.services.length === 1) setService(answer.services[0]!);
      },
      (error: ApiError) => setFailed(messageFor(error.code, t)),
    );
  }, [slug]);

  const days = useMemo(() => {
    if (!page) return [];
    const open = new Set(page.hours.map((range) => range.weekday));
    const closed = new Set(page.closedDates);
    return Array.from({ length: Math.min(DAYS_SHOWN, page.bookingWindowDays + 1) }, (_, i) => addDays(page.today, i)).filter(
      (date) => open.has(weekdayOf(date)) && !closed.has(date),
    );
  }, [page]);

  async function loadSlots(chosenDay: string, chosenService = service) {
    if (!chosenService) return;
    setDay(chosenDay);
    setSlot(null);
    setAvailability(null);
    try {
      const query = new URLSearchParams({ service: chosenService.id, date: chosenDay });
      setAvailability(await request<Availability>(`/api/public/projects/${encodeURIComponent(slug)}/availability?${query}`, locale));
    } catch (error) {
      toast.error(messageFor((error as ApiError).code, t));
    }
  }

  function chooseSlot(chosen: Slot) {
    setSlot(chosen);
    attemptKey.current = crypto.randomUUID();
    setNotice('');
  }

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!service || !slot || !availability) return;
    const form = new FormData(event.currentTarget);
    const phone = String(form.get('phone') ?? '').trim();
    const email = String(form.get('email') ?? '').trim();
    if (!phone && !email) return setNotice(t.contactMissing);
    if (phone && !normalizePhone(phone)) return setNotice(t.phoneInvalid);
    const [provider, method] = String(form.get('pay') ?? 'upayments:knet').split(':');
    setBusy(true);
    setNotice('');
    try {
      const hold = await request<{ checkoutUrl: string }>(`/api/public/projects/${encodeURIComponent(slug)}/holds`, locale, {
        method: 'POST',
        headers: { 'Idempotency-Key': attemptKey.current },
        body: JSON.stringify({
          serviceId: service.id,
          startsAt: slot.startsAt,
          name: String(form.get('name') ?? ''),
          email: email || null,
          phone: phone || null,
          provider,
          method: method ?? null,
          formToken: availability.formToken,
          website: String(form.get('website') ?? ''),
          locale,
        }),
      });
      window.location.assign(hold.checkoutUrl);
    } catch (error) {
      const code = (error as ApiError).code;
      setBusy(false);
      setNotice(messageFor(code, t));
      toast.error(messageFor(code, t));
      if (code === 'BOOK_001' || code === 'BOOK_003') void loadSlots(day!);
    }
  }

  if (failed) return <p role="alert">{failed}</p>;
  if (!page) return <p role="status">{t.loading}</p>;

  return (
    <>
      <header className="booking-head">
        {page.project.logoUrl && <ProjectLogo url={page.project.logoUrl} alt={fill(t.logoAlt, { name: page.project.name })} />}
        <h1>{page.project.name}</h1>
      </header>
      {page.services.length === 0 ? (
        <p>{t.noServices}</p>
      ) : (
        <ol className="steps">
          <li>
            <fieldset>
              <legend>{t.stepService}</legend>
              <div className="choices">
                {page.services.map((entry) => (
                  <label key={entry.id} className="choice">
                    <input
                      type="radio"
                      name="service"
                      value={entry.id}
                      checked={service?.id === entry.id}
                      onChange={() => {
                        setService(entry);
                        if (day) void loadSlots(day, entry);
                      }}
                    />
                    <span>
                      <strong>{serviceName(entry, locale)}</strong>
                      <span className="meta">
                        {fill(t.minutes, { n: formatNumber(locale, entry.durationMinutes) })} · {formatFils(locale, entry.priceFils)}
                      </span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
          </li>
          {service && (
            <li>
              <fieldset>
                <legend>{t.stepDay}</legend>
                <div className="choices days">
                  {days.map((date) => (
                    <button
                      key={date}
                      type="button"
                      className={date === day ? 'chip selected' : 'chip'}
                      aria-pressed={date === day}
                      onClick={() => loadSlots(date)}
                    >
                      {dayLabel(date, locale)}
                    </button>
                  ))}
                </div>
              </fieldset>
            </li>
          )}
          {service && day && (
            <li>
              <fieldset>
                <legend>{t.stepTime}</legend>
                <p className="meta">{fill(t.timesIn, { zone: page.project.timeZone })}</p>
                {!availability ? (
                  <p role="status">{t.loading}</p>
                ) : availability.slots.length === 0 ? (
                  <p className="no-slots">{t.noSlots}</p>
                ) : (
                  <div className="choices times">
                    {availability.slots.map((entry) => (
                      <button
                        key={entry.startsAt}
                        type="button"
                        dir="ltr"
                        className={entry.startsAt === slot?.startsAt ? 'chip selected' : 'chip'}
                        aria-pressed={entry.startsAt === slot?.startsAt}
                        onClick={() => chooseSlot(entry)}
                      >
                        {entry.label}
                      </button>
                    ))}
                  </div>
                )}
              </fieldset>
            </li>
          )}
          {service && day && slot && (
            <li>
              <form onSubmit={submit} className="contact" noValidate>
                <fieldset disabled={busy}>
                  <legend>{t.stepContact}</legend>
                  <p className="summary">
                    {fill(t.summary, { service: serviceName(service, locale), day: dayLabel(day, locale), time: slot.label })}
                  </p>
                  <label htmlFor="booking-name">{t.name}</label>
                  <input id="booking-name" name="name" autoComplete="name" required maxLength={120} />
                  <label htmlFor="booking-phone">{t.phone}</label>
                  <input
                    id="booking-phone"
                    name="phone"
                    type="tel"
                    autoComplete="tel"
                    inputMode="tel"
                    dir="ltr"
                    maxLength={40}
                    aria-describedby="booking-phone-hint"
                  />
                  <small id="booking-phone-hint">{t.phoneHint}</small>
                  <label htmlFor="booking-email">{t.email}</label>
                  <input id="booking-email" name="email" type="email" autoComplete="email" dir="ltr" maxLength={254} />
                  <small>{t.contactHint}</small>
                  <div className="trap" aria-hidden="true">
                    <label htmlFor="booking-website">{t.honeypot}</label>
                    <input id="booking-website" name="website" tabIndex={-1} autoComplete="off" />
                  </div>
                  <fieldset className="pay">
                    <legend>{t.payWith}</legend>
                    <label className="choice">
                      <input type="radio" name="pay" value="upayments:knet" defaultChecked /> {t.knet}
                    </label>
                    <label className="choice">
                      <input type="radio" name="pay" value="upayments:card" /> {t.card}
                    </label>
                    <label className="choice">
                      <input type="radio" name="pay" value="stripe" /> {t.stripe}
                    </label>
                  </fieldset>
                  <p className="meta">{fill(t.holdNote, { n: formatNumber(locale, page.project.holdMinutes) })}</p>
                  <p className="notice error" role="alert">
                    {notice}
                  </p>
                  <button type="submit">{busy ? t.holding : fill(t.pay, { price: formatFils(locale, service.priceFils) })}</button>
                </fieldset>
              </form>
            </li>
          )}
        </ol>
      )}
    </>
  );
}

/** The project's logo in a fixed box (no layout shift while it loads); gone, not a broken icon, if it fails. */
function ProjectLogo({ url, alt }: { url: string; alt: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return <img className="project-logo" src={url} alt={alt} width={64} height={64} decoding="async" onError={() => setFailed(true)} />;
}

function Confirmation({
  locale,
  t,
  slug,
  bookingId,
  token,
  paymentCancelled,
}: {
  locale: SiteLocale;
  t: BookingStrings;
  slug: string;
  bookingId: string;
  token: string;
  paymentCancelled: boolean;
}) {
  const [view, setView] = useState<PublicBooking | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let polls = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const answer = await request<PublicBooking>(
          `/api/public/bookings/${encodeURIComponent(bookingId)}?token=${encodeURIComponent(token)}`,
          locale,
        );
        setView(answer);
        if (answer.booking.status === 'held' && ++polls < POLLS) timer = setTimeout(load, POLL_MS);
      } catch (error) {
        const code = (error as ApiError).code;
        if (code === 'NETWORK' && ++polls < POLLS) timer = setTimeout(load, POLL_MS);
        else setFailed(messageFor(code, t));
      }
    };
    void load();
    return () => clearTimeout(timer);
  }, [bookingId, token]);

  const again = `${locale === 'en' ? '/en' : ''}/book/${encodeURIComponent(slug)}/`;
  if (failed) return <p role="alert">{failed}</p>;
  if (!view) return <p role="status">{t.loading}</p>;
  const { booking, payment } = view;
  const status = booking.status;
  // Paid but the time is not theirs (cancelled by the business, or paid after the slot was taken).
  const refund = payment?.status === 'refund_required';
  const [heading, text] =
    status === 'confirmed'
      ? [t.statusConfirmed, t.statusConfirmedText]
      : status === 'held'
        ? [t.statusWaiting, t.statusWaitingText]
        : refund
          ? [t.statusCancelled, t.statusCancelledText]
          : [t.statusReleased, t.statusReleasedText];

  return (
    <section className="confirmation" aria-labelledby="booking-status">
      <p className="meta">{booking.project.name}</p>
      <h1 id="booking-status" data-status={status}>
        {heading}
      </h1>
      <p role="status">{text}</p>
      {status === 'held' && paymentCancelled && <p className="notice error">{t.statusPaymentCancelled}</p>}
      <dl>
        {booking.service && (
          <>
            <dt>{t.service}</dt>
            <dd>{serviceName(booking.service, locale)}</dd>
          </>
        )}
        <dt>{t.when}</dt>
        <dd>
          {dayLabel(booking.localDate, locale)} <span dir="ltr">{booking.localTime}</span> ({booking.timeZone})
        </dd>
        {payment && (
          <>
            <dt>{t.amount}</dt>
            <dd>{formatFils(locale, payment.amountFils)}</dd>
          </>
        )}
        <dt>{t.reference}</dt>
        <dd dir="ltr">{booking.id.slice(0, 8).toUpperCase()}</dd>
      </dl>
      {status === 'held' && payment?.checkoutUrl && (
        <a className="cta" href={payment.checkoutUrl}>
          {t.continuePayment}
        </a>
      )}
      {(status === 'expired' || status === 'cancelled') && (
        <a className="cta" href={again}>
          {t.bookAgain}
        </a>
      )}
    </section>
  );
}
