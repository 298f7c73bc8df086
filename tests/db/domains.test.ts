/**
 * Domains in SQL: a purchase request priced from the service's quote with contacts checked before
 * any payment, the payment trigger that starts the registration exactly once (twice, 10 at once,
 * deleted domain, name taken meanwhile, paid twice), the registration's claim, backoff, success
 * and failure (refund flagged), attachments proven by the service, the owner's list, and the
 * status events every change writes.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/db';
import { asService, asUser, expectCode, newProject } from './helpers';

const db = useTestDatabase({ poolSize: 15 });

const T0 = '2027-05-01T09:00:00.000Z';
const MINUTE = 60_000;
const plus = (ms: number, from = T0) => new Date(Date.parse(from) + ms).toISOString();

const CONTACT = {
  firstName: 'Fatima',
  lastName: 'Al-Sabah',
  address1: 'Block 3, Street 12, House 7',
  city: 'Kuwait City',
  stateProvince: 'Al Asimah',
  postalCode: '13001',
  country: 'KW',
  phone: '+965.55551234',
  email: 'fatima@example.com',
};
const CONTACTS = { registrant: CONTACT, tech: CONTACT, admin: CONTACT, auxBilling: CONTACT };

let serial = 0;
const freshName = (tld = 'com') => `kwq8-${++serial}-${randomUUID().slice(0, 6)}.${tld}`;

const quote = (name: string, priceFils = 4_210, at = T0, display = name, premium = false, usdCents = 1128) =>
  asService(db, `public.quote_domain($1, $2, $3, $4, $5)`, [name, display, premium, usdCents, priceFils], at);

interface RequestInput {
  project: string;
  name: string;
  key?: string;
  contacts?: unknown;
  provider?: 'upayments' | 'stripe';
  at?: string;
}

function request(
  userId: string,
  { project, name, key = randomUUID(), contacts = CONTACTS, provider = 'upayments', at = T0 }: RequestInput,
) {
  return asUser(
    db,
    userId,
    `public.request_domain_registration(p_project_id => $1, p_name => $2, p_provider => $3, p_idempotency_key => $4,
       p_method => $5, p_contacts => $6)`,
    [project, name, provider, key, provider === 'upayments' ? 'knet' : null, contacts === null ? null : JSON.stringify(contacts)],
    at,
  );
}

const apply = (paymentId: string, amountFils: number, at = T0) =>
  asService(
    db,
    `public.apply_payment(p_provider => 'upayments', p_provider_ref => null, p_status => 'succeeded', p_amount_fils => $1,
       p_currency => 'KWD', p_payment_id => $2)`,
    [amountFils, paymentId],
    at,
  );

async function owner() {
  const userId = await db.newUser();
  return { userId, project: await newProject(db, userId, `site-${randomUUID().slice(0, 8)}`) };
}

/** An owner with a quoted name and a pending purchase of it. */
async function pendingPurchase() {
  const { userId, project } = await owner();
  const name = freshName();
  await quote(name);
  const answer = await request(userId, { project, name });
  return { userId, project, name, domainId: answer.domain.id as string, paymentId: answer.payment.id as string };
}

async function domainRow(id: string) {
  return (await db.admin.query(`select * from public.domains where id = $1`, [id])).rows[0];
}
async function paymentRow(id: string) {
  return (await db.admin.query(`select * from public.payments where id = $1`, [id])).rows[0];
}
async function topics(filter: { domainId?: string; paymentId?: string }) {
  const { rows } = await db.admin.query(
    `select topic, payload from public.outbox where payload ->> 'domain_id' = $1 or payload ->> 'payment_id' = $2 order by id`,
    [filter.domainId ?? '', filter.paymentId ?? ''],
  );
  return rows.map((row) => (row.topic === 'domain.status_changed' ? `${row.topic}:${row.payload.status}` : row.topic) as string);
}
const count = async (sql: string, params: unknown[]) => (await db.admin.query(sql, params)).rows[0].n as number;

describe('request_domain_registration', () => {
  it('creates the pending domain and its payment at the quoted price, in one call', async () => {
    const { userId, project } = await owner();
    const name = 'xn--mgbh0fb.com';
    await quote(name, 5_000, T0, 'مثال.com', true, 125_000);
    const answer = await request(userId, { project, name, provider: 'stripe' });
    expect(answer.replayed).toBe(false);
    expect(answer.domain).toMatchObject({
      project_id: project,
      name,
      display_name: 'مثال.com',
      kind: 'register',
      status: 'pending_payment',
      premium: true,
      price_fils: 5_000,
      currency: 'KWD',
      verification_token: null,
      refund_required: false,
    });
    expect(answer.domain).not.toHaveProperty('contacts');
    expect(answer.payment).toMatchObject({ purpose: 'domain', provider: 'stripe', method: null, status: 'pending', amount_fils: 5_000 });
    const row = await domainRow(answer.domain.id);
    expect(row.contacts).toEqual(CONTACTS);
    expect(row.provider_price_usd_cents).toBe(125_000);
    expect((await paymentRow(answer.payment.id)).domain_id).toBe(answer.domain.id);
  });

  it('checks the contacts before anything is written (REQ_004), and reuses the last registration’s contacts when none are given', async () => {
    const { userId, project } = await owner();
    const name = freshName();
    await quote(name);
    const broken = [
      null,
      { ...CONTACTS, admin: undefined },
      { ...CONTACTS, registrant: { ...CONTACT, phone: '55551234' } },
      { ...CONTACTS, tech: { ...CONTACT, country: 'kw' } },
      { ...CONTACTS, tech: { ...CONTACT, firstName: 'فاطمة' } },
      { ...CONTACTS, tech: { ...CONTACT, city: '   ' } },
      { ...CONTACTS, tech: { ...CONTACT, email: 'not an email' } },
      { ...CONTACTS, tech: { ...CONTACT, extra: 'x' } },
      { ...CONTACTS, tech: { ...CONTACT, postalCode: 13001 } },
      { ...CONTACTS, billing: CONTACT },
    ];
    for (const contacts of broken) await expectCode(request(userId, { project, name, contacts }), 'REQ_004');
    expect(await count(`select count(*)::int as n from public.domains where project_id = $1`, [project])).toBe(0);
    expect(await count(`select count(*)::int as n from public.payments where user_id = $1`, [userId])).toBe(0);

    const optional = { ...CONTACT, organizationName: 'Khaleej Sweets', address2: '' };
    await request(userId, { project, name, contacts: { ...CONTACTS, registrant: optional } });
    const second = freshName('net');
    await quote(second);
    const reused = await request(userId, { project, name: second, contacts: null });
    expect((await domainRow(reused.domain.id)).contacts.registrant).toEqual(optional);
  });

  it('gives the owner their latest registrant to start a form with; nobody else sees it', async () => {
    const { userId, project } = await owner();
    expect(await asUser(db, userId, `public.my_domain_contacts()`)).toBeNull();
    const name = freshName();
    await quote(name);
    await request(userId, { project, name });
    const later = { ...CONTACT, city: 'Hawalli' };
    const second = freshName('net');
    await quote(second);
    await request(userId, { project, name: second, contacts: { ...CONTACTS, registrant: later } });
    expect(await asUser(db, userId, `public.my_domain_contacts()`)).toEqual(later);
    expect(await asUser(db, await db.newUser(), `public.my_domain_contacts()`)).toBeNull();
  });

  it('needs a fresh quote for the name (DOM_007)', async () => {
    const { userId, project } = await owner();
    const name = freshName();
    await expectCode(request(userId, { project, name }), 'DOM_007');
    await quote(name, 4_210, T0);
    await expectCode(request(userId, { project, name, at: plus(16 * MINUTE) }), 'DOM_007');
    expect((await request(userId, { project, name, at: plus(14 * MINUTE) })).domain.price_fils).toBe(4_210);
  });

  it('answers a repeated key with the first result, REQ_006 for another name, PAY_002 once expired', async () => {
    const { userId, project } = await owner();
    const [name, other] = [freshName(), freshName()];
    await quote(name);
    await quote(other);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(userId, { project, name, key })));
    expect(new Set(answers.map((a) => a.payment.id)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    await expectCode(request(userId, { project, name: other, key }), 'REQ_006');
    await expectCode(request(userId, { project, name, key, provider: 'stripe' }), 'REQ_006');
    await expectCode(request(userId, { project, name, key, at: plus(61 * MINUTE) }), 'PAY_002');
    expect(await count(`select count(*)::int as n from public.payments where user_id = $1`, [userId])).toBe(1);
  });

  it('is for the project owner only, never anonymous users, and refuses bad input (REQ_004)', async () => {
    const { project, name } = await pendingPurchase();
    const stranger = await db.newUser();
    await expectCode(request(stranger, { project, name }), 'NOT_FOUND_002');
    const anonymous = await db.newUser({ isAnonymous: true });
    await expectCode(request(anonymous, { project, name }), 'AUTH_005');
    const { userId, project: mine } = await owner();
    for (const bad of ['Example.com', 'exa mple.com', 'example', '-x.com', `${'a'.repeat(64)}.com`, 'مثال.com']) {
      await expectCode(request(userId, { project: mine, name: bad }), 'REQ_004');
    }
    await expectCode(
      asUser(db, userId, `public.request_domain_registration($1, $2, 'upayments', $3, 'cash')`, [mine, name, randomUUID()]),
      'REQ_004',
    );
  });

  it('limits a project to 5 domains (DOM_006), and a name another site holds is DOM_001', async () => {
    const { userId, project } = await owner();
    for (let i = 0; i < 5; i++) {
      const name = freshName();
      await quote(name);
      await request(userId, { project, name });
    }
    const sixth = freshName();
    await quote(sixth);
    await expectCode(request(userId, { project, name: sixth }), 'DOM_006');

    const bought = await pendingPurchase();
    await apply(bought.paymentId, 4_210);
    const rival = await owner();
    await quote(bought.name);
    await expectCode(request(rival.userId, { project: rival.project, name: bought.name }), 'DOM_001');
  });
});

describe('a confirmed domain payment', () => {
  it('moves the domain to registering with one domain.register, however often it is confirmed', async () => {
    const { domainId, paymentId } = await pendingPurchase();
    const first = await apply(paymentId, 4_210);
    expect(first).toMatchObject({ status: 'succeeded', replayed: false });
    expect(await apply(paymentId, 4_210)).toMatchObject({ status: 'succeeded', replayed: true });
    expect(await domainRow(domainId)).toMatchObject({ status: 'registering', registration_attempts: 0 });
    expect(await topics({ domainId, paymentId })).toEqual(['domain.status_changed:registering', 'domain.register', 'payment.succeeded']);
  });

  it('registers once when 10 confirmations arrive at the same time', async () => {
    const { domainId, paymentId } = await pendingPurchase();
    const results = await Promise.all(Array.from({ length: 10 }, () => apply(paymentId, 4_210)));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(
      await count(`select count(*)::int as n from public.outbox where topic = 'domain.register' and payload ->> 'domain_id' = $1`, [
        domainId,
      ]),
    ).toBe(1);
    expect((await domainRow(domainId)).status).toBe('registering');
  });

  it('for a deleted domain ends needs_review (domain_unavailable) with refund.needed, registering nothing', async () => {
    const { domainId, paymentId } = await pendingPurchase();
    await db.admin.query(`delete from public.domains where id = $1`, [domainId]);
    expect(await apply(paymentId, 4_210)).toMatchObject({ status: 'needs_review', review_reason: 'domain_unavailable' });
    expect(await topics({ paymentId })).toContain('refund.needed');
    expect(await topics({ paymentId })).not.toContain('domain.register');
  });

  it('for a name another site registered meanwhile ends needs_review (domain_unavailable)', async () => {
    const first = await pendingPurchase();
    const rival = await owner();
    await quote(first.name);
    const second = await request(rival.userId, { project: rival.project, name: first.name });
    await Promise.all([apply(first.paymentId, 4_210), apply(second.payment.id, 4_210)]);
    const statuses = [(await domainRow(first.domainId)).status, (await domainRow(second.domain.id)).status].sort();
    expect(statuses).toEqual(['pending_payment', 'registering']);
    const payments = [await paymentRow(first.paymentId), await paymentRow(second.payment.id)];
    expect(payments.map((p) => p.status).sort()).toEqual(['needs_review', 'succeeded']);
    expect(payments.find((p) => p.status === 'needs_review').review_reason).toBe('domain_unavailable');
  });

  it('paid twice through two checkouts: the second payment is a duplicate_charge', async () => {
    const { userId, project, name, domainId, paymentId } = await pendingPurchase();
    const again = await request(userId, { project, name });
    expect(again.domain.id).toBe(domainId);
    await apply(paymentId, 4_210);
    expect(await apply(again.payment.id, 4_210)).toMatchObject({ status: 'needs_review', review_reason: 'duplicate_charge' });
    expect(
      await count(`select count(*)::int as n from public.outbox where topic = 'domain.register' and payload ->> 'domain_id' = $1`, [
        domainId,
      ]),
    ).toBe(1);
  });

  it('keeps a domain being registered: deleting it or its project is DOM_005', async () => {
    const { userId, project, domainId, paymentId } = await pendingPurchase();
    await apply(paymentId, 4_210);
    await expectCode(asUser(db, userId, `public.delete_project($1)`, [project]), 'DOM_005');
    expect((await domainRow(domainId)).status).toBe('registering');
  });
});

describe('registration (service)', () => {
  async function registering() {
    const purchase = await pendingPurchase();
    await apply(purchase.paymentId, 4_210);
    return purchase;
  }
  const claim = (domainId: string, at = T0, lease = 300) =>
    asService(db, `(select coalesce(jsonb_agg(c), '[]') from public.claim_domain_registrations(5, $2, $1) c)`, [domainId, lease], at);

  it('claims a due registration under a lease, once, with what Namecheap needs', async () => {
    const { domainId } = await registering();
    const [claimed] = await claim(domainId);
    expect(claimed).toMatchObject({ id: domainId, years: 1, premium: false, registration_attempts: 1, create_uncertain: false });
    expect(claimed.contacts).toEqual(CONTACTS);
    expect(await claim(domainId)).toEqual([]);
    // The lease ran out without a report: the next claim cannot know whether the first call registered the name.
    const [again] = await claim(domainId, plus(6 * MINUTE));
    expect(again).toMatchObject({ registration_attempts: 2, create_uncertain: true });
  });

  it('backs off after a failed attempt, and completes once', async () => {
    const { domainId, paymentId } = await registering();
    await claim(domainId);
    const recorded = await asService(db, `public.record_domain_attempt($1, 'namecheap: answered 503', false)`, [domainId], T0);
    expect(new Date(recorded.next_attempt_at).toISOString()).toBe(plus(2 * MINUTE));
    expect(await claim(domainId, plus(MINUTE))).toEqual([]);
    expect(await claim(domainId, plus(2 * MINUTE))).toHaveLength(1);
    const done = await asService(
      db,
      `public.complete_domain_registration($1, '1001', '501001', '901001', 1128)`,
      [domainId],
      plus(3 * MINUTE),
    );
    expect(done).toMatchObject({ status: 'active', refund_required: false });
    // One calendar year (2028 is a leap year).
    expect(new Date(done.expires_at).toISOString()).toBe('2028-05-01T09:03:00.000Z');
    const row = await domainRow(domainId);
    expect(row).toMatchObject({
      namecheap_domain_id: '1001',
      namecheap_order_id: '501001',
      charged_usd_cents: 1128,
      next_attempt_at: null,
    });
    expect(await asService(db, `public.complete_domain_registration($1, '9', '9', '9', 1)`, [domainId])).toMatchObject({
      status: 'active',
    });
    expect((await domainRow(domainId)).namecheap_domain_id).toBe('1001');
    expect(await topics({ domainId, paymentId })).toEqual([
      'domain.status_changed:registering',
      'domain.register',
      'payment.succeeded',
      'domain.status_changed:active',
    ]);
    await expectCode(asService(db, `public.record_domain_attempt($1, 'late')`, [domainId]), 'NOT_FOUND_002');
  });

  it('a failure after payment fails the domain and flags the payment for a refund, once', async () => {
    const { userId, project, domainId, paymentId } = await registering();
    await claim(domainId);
    const failed = await asService(db, `public.fail_domain_registration($1, 'domain_taken')`, [domainId]);
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'domain_taken', refund_required: true });
    expect(await asService(db, `public.fail_domain_registration($1, 'other')`, [domainId])).toMatchObject({
      failure_reason: 'domain_taken',
    });
    expect(await paymentRow(paymentId)).toMatchObject({ status: 'refund_required', review_reason: 'domain_failed' });
    const seen = await topics({ domainId, paymentId });
    expect(seen.filter((t) => t === 'refund.needed')).toHaveLength(1);
    expect(seen.at(-1)).toBe('domain.status_changed:failed');
    const [listed] = await asUser(db, userId, `public.project_domains($1)`, [project]);
    expect(listed).toMatchObject({ status: 'failed', refund_required: true, payment: { id: paymentId, status: 'refund_required' } });
    await expectCode(asService(db, `public.fail_domain_registration($1, 'Bad Reason!')`, [domainId]), 'REQ_004');
  });
});

describe('attach_domain and verification', () => {
  const attach = (userId: string, project: string, name: string, display: string | null = null) =>
    asUser(db, userId, `public.attach_domain($1, $2, $3)`, [project, name, display]);

  it('gives a token to put in DNS; the same request returns the same row', async () => {
    const { userId, project } = await owner();
    const name = freshName();
    const attached = await attach(userId, project, name);
    expect(attached).toMatchObject({ kind: 'attach', status: 'pending_verification', price_fils: null });
    expect(attached.verification_token).toMatch(/^[0-9a-f]{32}$/);
    expect((await attach(userId, project, name)).verification_token).toBe(attached.verification_token);
    expect((await attach(userId, project, 'xn--mgbh0fb.net', 'مثال.net')).display_name).toBe('مثال.net');
    for (const display of ['other.net', 'مثال.com', 'مث ال.net', 'مثال\u202e.net']) {
      await expectCode(attach(userId, project, 'xn--mgbh0fb.net', display), 'REQ_004');
    }
    await expectCode(attach(await db.newUser(), project, freshName()), 'NOT_FOUND_002');
  });

  it('becomes active once the service saw the token; a name another site holds is DOM_004', async () => {
    const { userId, project } = await owner();
    const name = freshName();
    const attached = await attach(userId, project, name);
    await expectCode(asService(db, `public.mark_domain_verified($1, $2)`, [attached.id, 'f'.repeat(32)]), 'REQ_004');
    const rival = await owner();
    const squatted = await attach(rival.userId, rival.project, name);
    const verified = await asService(db, `public.mark_domain_verified($1, $2)`, [attached.id, attached.verification_token]);
    expect(verified).toMatchObject({ status: 'active' });
    expect(verified.verified_at).not.toBeNull();
    await expectCode(asService(db, `public.mark_domain_verified($1, $2)`, [squatted.id, squatted.verification_token]), 'DOM_004');
    const third = await owner();
    await expectCode(attach(third.userId, third.project, name), 'DOM_004');
    expect(await topics({ domainId: attached.id })).toEqual(['domain.status_changed:active']);
  });

  it('a pending purchase becomes the attachment, whose late payment is then flagged', async () => {
    const { userId, project, name, domainId, paymentId } = await pendingPurchase();
    const attached = await attach(userId, project, name);
    expect(attached).toMatchObject({ id: domainId, kind: 'attach', status: 'pending_verification' });
    expect(await apply(paymentId, 4_210)).toMatchObject({ status: 'needs_review', review_reason: 'domain_unavailable' });
  });
});

describe('project_domains', () => {
  it('lists the owner’s domains newest first with their latest payment; others get NOT_FOUND_002', async () => {
    const { userId, project, domainId, paymentId } = await pendingPurchase();
    const attached = await asUser(db, userId, `public.attach_domain($1, $2)`, [project, freshName('net')]);
    const listed = await asUser(db, userId, `public.project_domains($1)`, [project]);
    expect(listed.map((d: { id: string }) => d.id)).toEqual([attached.id, domainId]);
    expect(listed[0].payment).toBeNull();
    expect(listed[1].payment).toMatchObject({ id: paymentId, status: 'pending', provider: 'upayments' });
    await expectCode(asUser(db, await db.newUser(), `public.project_domains($1)`, [project]), 'NOT_FOUND_002');
    const empty = await owner();
    expect(await asUser(db, empty.userId, `public.project_domains($1)`, [empty.project])).toEqual([]);
  });
});

describe('quote_domain', () => {
  it('refuses names, display forms, prices and lifetimes that are not valid (REQ_004)', async () => {
    const name = freshName();
    for (const params of [
      ['Bad.com', 'Bad.com', false, 1128, 4210, 900],
      [name, 'other.com', false, 1128, 4210, 900],
      [name, name, false, 0, 4210, 900],
      [name, name, false, 1128, 4215, 900],
      [name, name, false, 1128, -10, 900],
      [name, name, null, 1128, 4210, 900],
      [name, name, false, 1128, 4210, 10],
    ]) {
      await expectCode(asService(db, `public.quote_domain($1, $2, $3, $4, $5, $6)`, params), 'REQ_004');
    }
    expect(await quote(name, 4_210)).toMatchObject({ name, price_fils: 4_210 });
  });

  it('removes quotes that expired more than a day ago when it writes one', async () => {
    const old = freshName();
    await quote(old, 4_210, T0);
    const quoted = async (name: string) => count(`select count(*)::int as n from private.domain_quotes where name = $1`, [name]);
    await quote(freshName(), 4_210, plus(24 * 60 * MINUTE));
    expect(await quoted(old)).toBe(1);
    await quote(freshName(), 4_210, plus(25 * 60 * MINUTE));
    expect(await quoted(old)).toBe(0);
  });
});
