/**
 * Every route of the API by intent: the signed-in ones (the auth-failure suite runs against each)
 * and the public ones. The route-contract test fails when createApp() has a route in neither list,
 * so a new route cannot skip the auth-failure suite or the README's API table.
 */

export interface ProtectedRoute {
  method: string;
  /** The route as Hono registers it. */
  route: string;
  /** A concrete path to call. */
  path: string;
  body?: unknown;
  /** Paid routes refuse anonymous-sign-in users. */
  paid: boolean;
  headers?: Record<string, string>;
}

const SOME_ID = '3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f';

export const PROTECTED_ROUTES: ProtectedRoute[] = [
  { method: 'GET', route: '/api/me', path: '/api/me', paid: false },
  { method: 'GET', route: '/api/credits/ledger', path: '/api/credits/ledger', paid: true },
  {
    method: 'POST',
    route: '/api/credits/spend',
    path: '/api/credits/spend',
    body: { action: 'chat_message' },
    paid: true,
    headers: { 'Idempotency-Key': 'auth-suite-key-1' },
  },
  { method: 'POST', route: '/api/credits/daily-bonus', path: '/api/credits/daily-bonus', paid: true },
  { method: 'GET', route: '/api/projects', path: '/api/projects', paid: true },
  { method: 'POST', route: '/api/projects', path: '/api/projects', body: { name: 'مشروع' }, paid: true },
  { method: 'GET', route: '/api/projects/:id', path: `/api/projects/${SOME_ID}`, paid: true },
  { method: 'PATCH', route: '/api/projects/:id', path: `/api/projects/${SOME_ID}`, body: { name: 'x' }, paid: true },
  { method: 'DELETE', route: '/api/projects/:id', path: `/api/projects/${SOME_ID}`, paid: true },
  { method: 'GET', route: '/api/projects/:id/bookings', path: `/api/projects/${SOME_ID}/bookings`, paid: true },
  {
    method: 'POST',
    route: '/api/billing/checkout',
    path: '/api/billing/checkout',
    body: { purpose: 'plan', tier: 'pro', provider: 'upayments', method: 'knet' },
    paid: true,
    headers: { 'Idempotency-Key': 'auth-suite-key-2' },
  },
  { method: 'GET', route: '/api/billing/payments/:id', path: `/api/billing/payments/${SOME_ID}`, paid: true },
  { method: 'GET', route: '/api/domains/check', path: '/api/domains/check?name=example.com', paid: true },
  { method: 'GET', route: '/api/domains/contacts', path: '/api/domains/contacts', paid: true },
  {
    method: 'POST',
    route: '/api/projects/:id/domain',
    path: `/api/projects/${SOME_ID}/domain`,
    body: { name: 'example.com', register: false },
    paid: true,
    headers: { 'Idempotency-Key': 'auth-suite-key-2' },
  },
  {
    method: 'POST',
    route: '/api/projects/:id/domain/verify',
    path: `/api/projects/${SOME_ID}/domain/verify`,
    body: { name: 'example.com' },
    paid: true,
  },
  { method: 'GET', route: '/api/projects/:id/domains', path: `/api/projects/${SOME_ID}/domains`, paid: true },
  { method: 'GET', route: '/api/projects/:id/assets', path: `/api/projects/${SOME_ID}/assets`, paid: true },
  { method: 'POST', route: '/api/projects/:id/assets', path: `/api/projects/${SOME_ID}/assets`, paid: true },
  {
    method: 'POST',
    route: '/api/projects/:id/assets/upload-url',
    path: `/api/projects/${SOME_ID}/assets/upload-url`,
    body: { visibility: 'public', contentType: 'image/png', size: 100 },
    paid: true,
  },
  { method: 'PUT', route: '/api/projects/:id/assets/:visibility/:name', path: `/api/projects/${SOME_ID}/assets/public/logo`, paid: true },
  {
    method: 'DELETE',
    route: '/api/projects/:id/assets/:visibility/:name',
    path: `/api/projects/${SOME_ID}/assets/public/logo`,
    paid: true,
  },
  {
    method: 'POST',
    route: '/api/projects/:id/bookings/:bookingId/cancel',
    path: `/api/projects/${SOME_ID}/bookings/${SOME_ID}/cancel`,
    paid: true,
  },
  { method: 'GET', route: '/api/projects/:id/services', path: `/api/projects/${SOME_ID}/services`, paid: true },
  {
    method: 'POST',
    route: '/api/projects/:id/services',
    path: `/api/projects/${SOME_ID}/services`,
    body: { nameAr: 'جلسة', nameEn: 'Session', durationMinutes: 60, priceFils: 5000 },
    paid: true,
  },
  {
    method: 'PUT',
    route: '/api/projects/:id/services/:serviceId',
    path: `/api/projects/${SOME_ID}/services/${SOME_ID}`,
    body: { nameAr: 'جلسة', nameEn: 'Session', durationMinutes: 60, priceFils: 5000 },
    paid: true,
  },
  { method: 'GET', route: '/api/projects/:id/hours', path: `/api/projects/${SOME_ID}/hours`, paid: true },
  { method: 'PUT', route: '/api/projects/:id/hours', path: `/api/projects/${SOME_ID}/hours`, body: { hours: [] }, paid: true },
  { method: 'GET', route: '/api/projects/:id/closed-dates', path: `/api/projects/${SOME_ID}/closed-dates`, paid: true },
  {
    method: 'PUT',
    route: '/api/projects/:id/closed-dates',
    path: `/api/projects/${SOME_ID}/closed-dates`,
    body: { dates: [] },
    paid: true,
  },
  { method: 'GET', route: '/api/projects/:id/booking-settings', path: `/api/projects/${SOME_ID}/booking-settings`, paid: true },
  {
    method: 'PUT',
    route: '/api/projects/:id/booking-settings',
    path: `/api/projects/${SOME_ID}/booking-settings`,
    body: { timeZone: 'Asia/Kuwait', holdMinutes: 15 },
    paid: true,
  },
  { method: 'GET', route: '/api/projects/:id/site', path: `/api/projects/${SOME_ID}/site`, paid: true },
  {
    method: 'POST',
    route: '/api/projects/:id/site/template',
    path: `/api/projects/${SOME_ID}/site/template`,
    body: { type: 'salon', baseVersionId: null },
    paid: true,
  },
  {
    method: 'PUT',
    route: '/api/projects/:id/site/draft',
    path: `/api/projects/${SOME_ID}/site/draft`,
    body: { baseVersionId: null, operations: [{}] },
    paid: true,
  },
  { method: 'GET', route: '/api/projects/:id/site/versions', path: `/api/projects/${SOME_ID}/site/versions`, paid: true },
  {
    method: 'POST',
    route: '/api/projects/:id/site/versions/:versionId/restore',
    path: `/api/projects/${SOME_ID}/site/versions/${SOME_ID}/restore`,
    body: { baseVersionId: null },
    paid: true,
  },
  { method: 'GET', route: '/api/projects/:id/site/preview', path: `/api/projects/${SOME_ID}/site/preview`, paid: true },
  {
    method: 'POST',
    route: '/api/projects/:id/site/publish',
    path: `/api/projects/${SOME_ID}/site/publish`,
    body: { versionId: SOME_ID },
    paid: true,
    headers: { 'Idempotency-Key': 'auth-suite-key-3' },
  },
  { method: 'POST', route: '/api/projects/:id/site/unpublish', path: `/api/projects/${SOME_ID}/site/unpublish`, paid: true },
  { method: 'GET', route: '/api/projects/:id/site/forms', path: `/api/projects/${SOME_ID}/site/forms`, paid: true },
  {
    method: 'POST',
    route: '/api/projects/:id/site/forms/:submissionId/read',
    path: `/api/projects/${SOME_ID}/site/forms/${SOME_ID}/read`,
    paid: true,
  },
  {
    method: 'POST',
    route: '/api/projects/:id/site/generations',
    path: `/api/projects/${SOME_ID}/site/generations`,
    body: { action: 'chat_message', prompt: 'مرحبا' },
    paid: true,
    headers: { 'Idempotency-Key': 'auth-suite-key-4' },
  },
  {
    method: 'GET',
    route: '/api/projects/:id/site/generations/:generationId',
    path: `/api/projects/${SOME_ID}/site/generations/${SOME_ID}`,
    paid: true,
  },
  {
    method: 'POST',
    route: '/api/projects/:id/site/generations/:generationId/cancel',
    path: `/api/projects/${SOME_ID}/site/generations/${SOME_ID}/cancel`,
    paid: true,
  },
  {
    method: 'POST',
    route: '/api/projects/:id/site/images',
    path: `/api/projects/${SOME_ID}/site/images`,
    body: { prompt: 'صورة', aspectRatio: '1:1' },
    paid: true,
    headers: { 'Idempotency-Key': 'auth-suite-key-5' },
  },
];

/** Routes anyone may call, each with why it needs no sign-in. */
export const PUBLIC_ROUTES: Array<{ method: string; route: string; why: string }> = [
  { method: 'GET', route: '/api/health', why: 'uptime checks' },
  { method: 'GET', route: '/api/config', why: 'the browser needs the public Supabase settings before it can sign in' },
  { method: 'POST', route: '/api/client-errors', why: 'browsers report errors before and after sign-in' },
  {
    method: 'GET',
    route: '/api/billing/return/:provider',
    why: 'the payment provider redirects the browser here; it only re-checks with the provider',
  },
  { method: 'POST', route: '/api/webhooks/upayments', why: 'UPayments notifications are unsigned hints, confirmed through its status API' },
  { method: 'POST', route: '/api/webhooks/stripe', why: 'Stripe events are verified by their signature' },
  { method: 'GET', route: '/api/public/projects/:slug', why: "visitors of an owner's site see its services without an account" },
  { method: 'GET', route: '/api/public/projects/:slug/availability', why: 'visitors pick a free slot without an account' },
  {
    method: 'POST',
    route: '/api/public/projects/:slug/holds',
    why: 'visitors book and pay without an account (rate limit per IP, honeypot, signed form token)',
  },
  { method: 'GET', route: '/api/public/bookings/:id', why: "the visitor's confirmation page, through the booking's signed link" },
  { method: 'GET', route: '/book/*', why: 'the public booking page (static, one for every project)' },
  { method: 'GET', route: '/en/book/*', why: 'the English booking page' },
];
