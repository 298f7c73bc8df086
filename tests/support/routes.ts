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
];
