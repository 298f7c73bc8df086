/**
 * Every function of the exposed schema, called through the door attackers use: the stack's
 * `POST /rest/v1/rpc/<fn>` with the public anon key, an anonymous sign-in's token, a stranger's,
 * the owner's and the service key. Each must answer exactly what the Worker would allow; the list
 * comes from pg_proc, so a new function without a row in the table below fails the test.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIERS } from '../../shared/pricing';
import { startLocalStack, type LocalStack } from '../../supabase/local/stack';
import { closePool, openPool } from '../support/pg-pool';
import { accessClaims, signHs256 } from '../support/tokens';

type Actor = 'anon' | 'anonymous' | 'stranger' | 'owner' | 'service';
const ACTORS: Actor[] = ['anon', 'anonymous', 'stranger', 'owner', 'service'];
/** `ok` (2xx), `denied` (no execute grant: 42501), or the catalogue code raised (P0001). */
type Outcome = string;

let stack: LocalStack;
let admin: pg.Pool;
const tokens = {} as Record<'anonymous' | 'stranger' | 'owner', string>;
const ids = {} as { owner: string; stranger: string; project: string; service: string; version: string; generation: string };

interface Answer {
  status: number;
  body: any;
}

/** Calls as one of the actors, or with another user's token. */
async function rpc(fn: string, body: unknown, caller: Actor | { token: string }): Promise<Answer> {
  const key = caller === 'service' ? stack.serviceRoleKey : stack.anonKey;
  const bearer = typeof caller === 'object' ? caller.token : caller === 'anon' || caller === 'service' ? key : tokens[caller];
  const response = await fetch(`${stack.url}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: { apikey: key, Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

function outcome({ status, body }: Answer): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (body?.code === '42501') return 'denied';
  if (body?.code === 'P0001') return body.message;
  return `unexpected ${status} ${body?.code}`;
}

async function service<T = any>(fn: string, body: unknown): Promise<T> {
  const answer = await rpc(fn, body, 'service');
  if (answer.status >= 300) throw new Error(`${fn} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as T;
}

async function newUser(isAnonymous = false): Promise<{ id: string; token: string }> {
  const id = crypto.randomUUID();
  await admin.query(`insert into auth.users (id, aud, role, email, is_anonymous) values ($1, 'authenticated', 'authenticated', $2, $3)`, [
    id,
    isAnonymous ? null : `${id}@example.test`,
    isAnonymous,
  ]);
  return { id, token: await signHs256(accessClaims(stack.url, id, { is_anonymous: isAnonymous })) };
}

async function pay(purpose: 'plan' | 'credits', fields: Record<string, unknown>, amountFils: number) {
  const ref = `ref-${crypto.randomUUID()}`;
  await service('create_payment', {
    p_purpose: purpose,
    p_provider: 'upayments',
    p_provider_ref: ref,
    p_amount_fils: amountFils,
    p_currency: 'KWD',
    ...fields,
  });
  return ref;
}

const applied = (ref: string, amountFils: number) => ({
  p_provider: 'upayments',
  p_provider_ref: ref,
  p_status: 'succeeded',
  p_amount_fils: amountFils,
  p_currency: 'KWD',
});

/** Open around the clock, so any hour in the booking window is a slot of a 60-minute service. */
const ALL_WEEK = Array.from({ length: 7 }, (_, weekday) => ({ weekday, opens: '00:00', closes: '24:00' }));

let publicSlot = 0;
/** A whole hour two days from now that no other call of this file holds. */
function freePublicSlot(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2, ++publicSlot)).toISOString();
}

let slotDay = 0;
/** A one-hour slot on a day no other call of this file uses. */
function freshSlot() {
  const start = new Date(Date.UTC(2030, 0, 1 + ++slotDay, 10));
  return { p_starts_at: start.toISOString(), p_ends_at: new Date(start.getTime() + 3_600_000).toISOString() };
}

const freshHold = async () =>
  (await service<{ id: string }>('create_booking_hold', { p_project_id: ids.project, p_client_name: 'Client', ...freshSlot() })).id;

/** A fresh pending UPayments checkout of the owner's. */
async function ownerCheckout(): Promise<string> {
  const answer = await rpc(
    'create_checkout',
    { p_purpose: 'plan', p_provider: 'upayments', p_method: 'knet', p_tier: 'pro', p_idempotency_key: `checkout-${crypto.randomUUID()}` },
    'owner',
  );
  return answer.body.id;
}

const DOMAIN_CONTACT = {
  firstName: 'Fatima',
  lastName: 'Al-Sabah',
  address1: 'Block 3, Street 12',
  city: 'Kuwait City',
  stateProvince: 'Al Asimah',
  postalCode: '13001',
  country: 'KW',
  phone: '+965.55551234',
  email: 'fatima@example.com',
};
const DOMAIN_CONTACTS = { registrant: DOMAIN_CONTACT, tech: DOMAIN_CONTACT, admin: DOMAIN_CONTACT, auxBilling: DOMAIN_CONTACT };

/** A fresh project of the owner's, arranged directly (the owner's creation rate is for the tests of create_project). */
async function domainProject(): Promise<string> {
  const slug = `domains-${crypto.randomUUID().slice(0, 8)}`;
  const { rows } = await admin.query(`insert into public.projects (owner_id, name, slug) values ($1, 'Domains', $2) returning id`, [
    ids.owner,
    slug,
  ]);
  return rows[0].id;
}

/** A domain row of the owner's project in the given status (arranged directly). */
async function ownerDomain(status: 'pending_payment' | 'registering' = 'pending_payment'): Promise<string> {
  const { rows } = await admin.query(`insert into public.domains (project_id, name, status) values ($1, $2, $3) returning id`, [
    ids.project,
    `arranged-${crypto.randomUUID().slice(0, 8)}.com`,
    status,
  ]);
  return rows[0].id;
}

const CONTACT_FORM = { id: 'contact-1', type: 'contact_form', props: {} };
const SITE_DOCUMENT = { schemaVersion: 1, pages: [{ id: 'home', sections: [CONTACT_FORM] }] };

/** A fresh project of the owner's with a first draft saved by the service; its id and the draft's. */
async function ownerSite(): Promise<{ project: string; draft: string }> {
  const project = await domainProject();
  const saved = await service('save_site_version', {
    p_user_id: ids.owner,
    p_project_id: project,
    p_base_version_id: null,
    p_document: SITE_DOCUMENT,
    p_made_by: 'template',
  });
  return { project, draft: saved.version.id };
}

/** A visitor's message to the owner's published site (ids.project). */
const ownerFormSubmission = async () =>
  (
    await service<{ id: string }>('submit_site_form', {
      p_project_id: ids.project,
      p_section_id: 'contact-1',
      p_fields: { name: 'Visitor' },
    })
  ).id;

/** A fresh running chat_message generation of the owner's project (the service's call), or a made-up id for callers refused before it matters. */
async function runningGeneration(actor: Actor): Promise<string> {
  if (actor !== 'service') return crypto.randomUUID();
  const started = await service('start_generation', {
    p_user_id: ids.owner,
    p_project_id: ids.project,
    p_action: 'chat_message',
    p_idempotency_key: `generation-${crypto.randomUUID()}`,
  });
  return started.generation.id;
}

async function ownerProject(): Promise<string> {
  const answer = await rpc('create_project', { p_name: 'Throwaway', p_slug: `throwaway-${crypto.randomUUID().slice(0, 8)}` }, 'owner');
  return answer.body.id;
}

beforeAll(async () => {
  stack = await startLocalStack({ apiPort: 0, pgPort: 0, seed: false });
  admin = openPool({ ...stack.pg, max: 2 });
  const owner = await newUser();
  const stranger = await newUser();
  const anonymous = await newUser(true);
  Object.assign(tokens, { owner: owner.token, stranger: stranger.token, anonymous: anonymous.token });
  Object.assign(ids, { owner: owner.id, stranger: stranger.id });
  await service(
    'apply_payment',
    applied(await pay('plan', { p_user_id: owner.id, p_tier: 'premium' }, TIERS.premium.priceFils), TIERS.premium.priceFils),
  );
  await service('apply_payment', applied(await pay('credits', { p_user_id: owner.id, p_credits: 50 }, 5000), 5000));
  ids.project = (await rpc('create_project', { p_name: 'Owner site', p_slug: 'owner-site' }, 'owner')).body.id;
  await rpc('set_opening_hours', { p_project_id: ids.project, p_hours: ALL_WEEK }, 'owner');
  ids.service = (
    await rpc(
      'save_service',
      { p_project_id: ids.project, p_name_ar: 'جلسة', p_name_en: 'Session', p_duration_minutes: 60, p_price_fils: 5000 },
      'owner',
    )
  ).body.id;
  ids.version = (
    await service('save_site_version', {
      p_user_id: owner.id,
      p_project_id: ids.project,
      p_base_version_id: null,
      p_document: SITE_DOCUMENT,
      p_made_by: 'template',
    })
  ).version.id;
  await rpc('publish_site', { p_project_id: ids.project, p_version_id: ids.version, p_idempotency_key: 'owner-site-publish' }, 'owner');
  ids.generation = await runningGeneration('service');
  await service('finish_generation', {
    p_generation_id: ids.generation,
    p_document: null,
    p_summary: null,
    p_model: 'fake-model',
    p_input_tokens: 10,
    p_output_tokens: 20,
    p_latency_ms: 300,
  });
}, 120_000);

afterAll(async () => {
  await closePool(admin);
  await stack?.stop();
});

/** What each caller may do with a function the Worker serves to registered users; `stranger` is what a stranger gets. */
const registered = (stranger: Outcome): Record<Actor, Outcome> => ({
  anon: 'denied',
  anonymous: 'AUTH_005',
  stranger,
  owner: 'ok',
  service: 'denied',
});
const serviceOnly: Record<Actor, Outcome> = { anon: 'denied', anonymous: 'denied', stranger: 'denied', owner: 'denied', service: 'ok' };

interface FunctionCase {
  /** The arguments for one actor's call; the owner's and the service's calls get state of their own where they change it. */
  args(actor: Actor): Record<string, unknown> | Promise<Record<string, unknown>>;
  expect: Record<Actor, Outcome>;
}

const CASES: Record<string, FunctionCase> = {
  health_check: { args: () => ({}), expect: { anon: 'ok', anonymous: 'ok', stranger: 'ok', owner: 'ok', service: 'ok' } },
  // The Worker's GET /api/me serves anonymous sign-ins too.
  get_me: { args: () => ({}), expect: { anon: 'denied', anonymous: 'ok', stranger: 'ok', owner: 'ok', service: 'denied' } },
  list_projects: { args: () => ({}), expect: registered('ok') },
  create_project: {
    args: (actor) => ({ p_name: `By ${actor}`, p_slug: `by-${actor}-${crypto.randomUUID().slice(0, 8)}` }),
    expect: registered('ok'),
  },
  get_project: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  rename_project: { args: () => ({ p_project_id: ids.project, p_name: 'Renamed' }), expect: registered('NOT_FOUND_002') },
  delete_project: {
    args: async (actor) => ({ p_project_id: actor === 'owner' ? await ownerProject() : ids.project }),
    expect: registered('NOT_FOUND_002'),
  },
  project_bookings: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  check_project_deletable: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  spend_credits: {
    args: (actor) => ({ p_action: 'chat_message', p_idempotency_key: `key-${actor}`, p_project_id: ids.project }),
    expect: registered('NOT_FOUND_002'),
  },
  claim_daily_bonus: { args: () => ({}), expect: registered('CREDIT_003') },
  credit_ledger: { args: () => ({ p_limit: 5 }), expect: registered('ok') },
  expire_booking_holds: { args: () => ({}), expect: serviceOnly },
  create_booking_hold: { args: () => ({ p_project_id: ids.project, p_client_name: 'Client', ...freshSlot() }), expect: serviceOnly },
  confirm_booking: { args: async () => ({ p_booking_id: await freshHold() }), expect: serviceOnly },
  release_booking_hold: { args: async () => ({ p_booking_id: await freshHold() }), expect: serviceOnly },
  create_payment: {
    args: () => ({
      p_purpose: 'credits',
      p_provider: 'stripe',
      p_provider_ref: `cs_${crypto.randomUUID()}`,
      p_amount_fils: 1000,
      p_currency: 'KWD',
      p_user_id: ids.owner,
      p_credits: 10,
    }),
    expect: serviceOnly,
  },
  apply_payment: { args: async () => applied(await pay('credits', { p_user_id: ids.owner, p_credits: 1 }, 100), 100), expect: serviceOnly },
  record_webhook_event: {
    args: () => ({ p_provider: 'stripe', p_event_id: `evt_${crypto.randomUUID()}`, p_payload_sha256: 'a'.repeat(64) }),
    expect: serviceOnly,
  },
  create_checkout: {
    args: (actor) => ({
      p_purpose: 'credits',
      p_provider: 'stripe',
      p_pack: 'small',
      p_idempotency_key: `checkout-${actor}-${crypto.randomUUID()}`,
    }),
    expect: registered('ok'),
  },
  get_payment: { args: async () => ({ p_payment_id: await ownerCheckout() }), expect: registered('NOT_FOUND_002') },
  set_payment_checkout: {
    args: async () => ({ p_payment_id: await ownerCheckout(), p_checkout_url: 'https://pay.example.test/checkout' }),
    expect: serviceOnly,
  },
  claim_payment_checks: { args: () => ({}), expect: serviceOnly },
  record_payment_check: { args: async () => ({ p_payment_id: await ownerCheckout() }), expect: serviceOnly },
  record_client_error: { args: () => ({ p_message: 'TypeError: x', p_route: '/dashboard/' }), expect: serviceOnly },
  request_domain_registration: {
    args: async (actor) => {
      const name = `${actor}-${crypto.randomUUID().slice(0, 8)}.com`;
      await service('quote_domain', {
        p_name: name,
        p_display_name: name,
        p_premium: false,
        p_provider_price_usd_cents: 1128,
        p_price_fils: 4210,
      });
      const project = actor === 'owner' ? await domainProject() : ids.project;
      return {
        p_project_id: project,
        p_name: name,
        p_provider: 'stripe',
        p_idempotency_key: `domain-${actor}`,
        p_contacts: DOMAIN_CONTACTS,
      };
    },
    expect: registered('NOT_FOUND_002'),
  },
  attach_domain: {
    args: async (actor) => ({
      p_project_id: actor === 'owner' ? await domainProject() : ids.project,
      p_name: `attach-${crypto.randomUUID().slice(0, 8)}.net`,
    }),
    expect: registered('NOT_FOUND_002'),
  },
  project_domains: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  my_domain_contacts: { args: () => ({}), expect: registered('ok') },
  quote_domain: {
    args: () => ({
      p_name: 'quoted.com',
      p_display_name: 'quoted.com',
      p_premium: false,
      p_provider_price_usd_cents: 1128,
      p_price_fils: 4210,
    }),
    expect: serviceOnly,
  },
  claim_domain_registrations: { args: () => ({}), expect: serviceOnly },
  complete_domain_registration: { args: async () => ({ p_domain_id: await ownerDomain() }), expect: serviceOnly },
  record_domain_attempt: { args: async () => ({ p_domain_id: await ownerDomain('registering'), p_error: 'test' }), expect: serviceOnly },
  fail_domain_registration: { args: async () => ({ p_domain_id: await ownerDomain(), p_reason: 'test' }), expect: serviceOnly },
  mark_domain_verified: {
    args: async () => {
      const domain = await rpc(
        'attach_domain',
        { p_project_id: await domainProject(), p_name: `verify-${crypto.randomUUID().slice(0, 8)}.com` },
        'owner',
      );
      return { p_domain_id: domain.body.id, p_token: domain.body.verification_token };
    },
    expect: serviceOnly,
  },
  public_booking_page: {
    args: () => ({ p_slug: 'owner-site' }),
    expect: { anon: 'ok', anonymous: 'ok', stranger: 'ok', owner: 'ok', service: 'ok' },
  },
  booking_availability: {
    args: () => ({ p_slug: 'owner-site', p_service_id: ids.service, p_date: freePublicSlot().slice(0, 10) }),
    expect: { anon: 'ok', anonymous: 'ok', stranger: 'ok', owner: 'ok', service: 'ok' },
  },
  booking_setup: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  save_service: {
    args: (actor) => ({
      p_project_id: ids.project,
      p_name_ar: 'جلسة',
      p_name_en: `By ${actor}`,
      p_duration_minutes: 30,
      p_price_fils: 1000,
    }),
    expect: registered('NOT_FOUND_002'),
  },
  set_opening_hours: { args: () => ({ p_project_id: ids.project, p_hours: ALL_WEEK }), expect: registered('NOT_FOUND_002') },
  set_closed_dates: { args: () => ({ p_project_id: ids.project, p_days: [] }), expect: registered('NOT_FOUND_002') },
  set_booking_settings: {
    args: () => ({ p_project_id: ids.project, p_time_zone: 'Asia/Kuwait', p_hold_minutes: 15 }),
    expect: registered('NOT_FOUND_002'),
  },
  cancel_booking: {
    args: async () => ({ p_project_id: ids.project, p_booking_id: await freshHold() }),
    expect: registered('NOT_FOUND_002'),
  },
  // Writes a visitor's personal data: only the Worker (rate limit, honeypot, signed form) may.
  create_public_booking_hold: {
    args: () => ({
      p_slug: 'owner-site',
      p_service_id: ids.service,
      p_starts_at: freePublicSlot(),
      p_client_name: 'Visitor',
      p_client_phone: '99990000',
    }),
    expect: serviceOnly,
  },
  public_booking: { args: async () => ({ p_booking_id: await freshHold() }), expect: serviceOnly },
  set_booking_calendar_event: {
    args: async () => ({ p_booking_id: await freshHold(), p_calendar_id: 'studio@example.test', p_event_id: 'evt1' }),
    expect: serviceOnly,
  },
  // Stores a document only the Worker has validated (zod), for the user it names.
  save_site_version: {
    args: async () => ({
      p_user_id: ids.owner,
      p_project_id: await domainProject(),
      p_base_version_id: null,
      p_document: SITE_DOCUMENT,
      p_made_by: 'owner',
    }),
    expect: serviceOnly,
  },
  // Writes a visitor's personal data: only the Worker (rate limit, honeypot) may.
  submit_site_form: {
    args: () => ({ p_project_id: ids.project, p_section_id: 'contact-1', p_fields: { name: 'Visitor' } }),
    expect: serviceOnly,
  },
  published_site: {
    args: () => ({ p_slug: 'owner-site' }),
    expect: { anon: 'ok', anonymous: 'ok', stranger: 'ok', owner: 'ok', service: 'ok' },
  },
  published_site_document: {
    args: () => ({ p_version_id: ids.version }),
    expect: { anon: 'ok', anonymous: 'ok', stranger: 'ok', owner: 'ok', service: 'ok' },
  },
  get_site: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  list_site_versions: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  get_site_version: { args: () => ({ p_project_id: ids.project, p_version_id: ids.version }), expect: registered('NOT_FOUND_002') },
  restore_site_version: {
    args: async (actor) => {
      const site = actor === 'owner' ? await ownerSite() : { project: ids.project, draft: ids.version };
      return { p_project_id: site.project, p_version_id: site.draft, p_base_version_id: site.draft };
    },
    expect: registered('NOT_FOUND_002'),
  },
  publish_site: {
    args: async (actor) => {
      const site = actor === 'owner' ? await ownerSite() : { project: ids.project, draft: ids.version };
      return { p_project_id: site.project, p_version_id: site.draft, p_idempotency_key: `publish-${actor}` };
    },
    expect: registered('NOT_FOUND_002'),
  },
  unpublish_site: {
    args: async (actor) => ({ p_project_id: actor === 'owner' ? (await ownerSite()).project : ids.project }),
    expect: registered('NOT_FOUND_002'),
  },
  site_form_submissions: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  mark_site_form_read: {
    args: async () => ({ p_project_id: ids.project, p_submission_id: await ownerFormSubmission() }),
    expect: registered('NOT_FOUND_002'),
  },
  // Charged for the user the Worker verified; each call checks that user again.
  start_generation: {
    args: (actor) => ({
      p_user_id: ids.owner,
      p_project_id: ids.project,
      p_action: 'chat_message',
      p_idempotency_key: `start-${actor}-${crypto.randomUUID()}`,
    }),
    expect: serviceOnly,
  },
  finish_generation: {
    args: async (actor) => ({
      p_generation_id: await runningGeneration(actor),
      p_document: null,
      p_summary: null,
      p_model: 'fake-model',
      p_input_tokens: 1,
      p_output_tokens: 1,
      p_latency_ms: 1,
    }),
    expect: serviceOnly,
  },
  fail_generation: {
    args: async (actor) => ({ p_generation_id: await runningGeneration(actor), p_error_code: 'PROVIDER_500' }),
    expect: serviceOnly,
  },
  touch_generation: { args: async (actor) => ({ p_generation_id: await runningGeneration(actor) }), expect: serviceOnly },
  refund_stale_generations: { args: () => ({}), expect: serviceOnly },
  owner_generation: {
    args: () => ({ p_project_id: ids.project, p_generation_id: ids.generation }),
    expect: registered('NOT_FOUND_002'),
  },
  project_generations: { args: () => ({ p_project_id: ids.project }), expect: registered('NOT_FOUND_002') },
  claim_outbox: { args: () => ({}), expect: serviceOnly },
  mark_outbox: {
    args: async () => ({
      p_id: (await admin.query(`insert into public.outbox (topic, payload) values ('test.event', '{}') returning id`)).rows[0].id,
      p_delivered: true,
    }),
    expect: serviceOnly,
  },
};

describe('every exposed function', () => {
  it('has a row in the table of expected outcomes, and no overloads', async () => {
    const { rows } = await admin.query(`select proname as name from pg_proc where pronamespace = 'public'::regnamespace order by 1`);
    const names = rows.map((row) => row.name as string);
    expect(names).toEqual([...new Set(names)]);
    expect(names).toEqual(Object.keys(CASES).sort());
  });

  for (const [fn, testCase] of Object.entries(CASES)) {
    it(`${fn}: anon, an anonymous sign-in, a stranger, the owner and the service get exactly what the Worker allows`, async () => {
      const actual: Record<string, Outcome> = {};
      for (const actor of ACTORS) {
        const answer = await rpc(fn, await testCase.args(actor), actor);
        expect(answer.status, `${fn} as ${actor}`).toBeLessThan(500);
        actual[actor] = outcome(answer);
      }
      expect(actual).toEqual(testCase.expect);
    });
  }
});

describe('through the API door', () => {
  const projectCount = async () => (await admin.query(`select count(*)::int as n from public.projects`)).rows[0].n as number;

  it('an anonymous sign-in creates none of 25 projects', async () => {
    const before = await projectCount();
    for (let i = 0; i < 25; i++) {
      expect(outcome(await rpc('create_project', { p_name: `Squat ${i}`, p_slug: `squat-${i}` }, 'anonymous'))).toBe('AUTH_005');
    }
    expect(await projectCount()).toBe(before);
  });

  it('a burst of 30 creations by one user gets 10 projects, the rest PROJ_003', async () => {
    const user = await newUser();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        rpc('create_project', { p_name: `Burst ${i}`, p_slug: `burst-${user.id.slice(0, 8)}-${i}` }, user),
      ),
    );
    const outcomes = answers.map(outcome);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'PROJ_003')).toHaveLength(20);
  });

  it('names with U+0000 or a lone surrogate never reach the function (4xx), names with U+202E are REQ_004', async () => {
    const before = await projectCount();
    for (const escaped of ['a\\u0000b', 'a\\ud800b', '\\udfff']) {
      const answer = await rpc('create_project', `{"p_name": "${escaped}", "p_slug": "escaped-name"}`, 'owner');
      expect(answer.status, escaped).toBeGreaterThanOrEqual(400);
      expect(answer.status, escaped).toBeLessThan(500);
    }
    expect(outcome(await rpc('create_project', { p_name: 'gnp\u202Eexe', p_slug: 'bidi-name' }, 'owner'))).toBe('REQ_004');
    expect(outcome(await rpc('create_project', { p_name: '\u200B\u200C', p_slug: 'zero-width-name' }, 'owner'))).toBe('REQ_004');
    expect(await projectCount()).toBe(before);
  });

  it("look-alike slugs collide: 'مكتبى' after 'مكتبي' is PROJ_001", async () => {
    expect((await rpc('create_project', { p_name: 'Library', p_slug: 'مكتبي' }, 'owner')).body.slug).toBe('مكتبي');
    expect(outcome(await rpc('create_project', { p_name: 'Library', p_slug: 'مكتبى' }, await newUser()))).toBe('PROJ_001');
  });

  it("a top-up of 'NaN' credits is REQ_004", async () => {
    const answer = await rpc(
      'create_payment',
      {
        p_purpose: 'credits',
        p_provider: 'stripe',
        p_provider_ref: 'cs_nan',
        p_amount_fils: 1000,
        p_currency: 'KWD',
        p_user_id: ids.owner,
        p_credits: 'NaN',
      },
      'service',
    );
    expect(outcome(answer)).toBe('REQ_004');
  });

  it('a valid token of a deleted account gets AUTH_007 on spend, daily bonus, create project and get_me', async () => {
    const user = await newUser();
    await admin.query(`delete from auth.users where id = $1`, [user.id]);
    for (const [fn, args] of [
      ['spend_credits', { p_action: 'chat_message', p_idempotency_key: 'deleted' }],
      ['claim_daily_bonus', {}],
      ['create_project', { p_name: 'Ghost', p_slug: 'ghost-site' }],
      ['get_me', {}],
    ] as const) {
      expect(outcome(await rpc(fn, args, user)), fn).toBe('AUTH_007');
    }
  });
});
