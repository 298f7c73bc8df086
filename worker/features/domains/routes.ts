/**
 * Domains: search (`GET /api/domains/check`), the owner's last registrant details to start a
 * purchase form with (`GET /api/domains/contacts`), buy or attach one for a project
 * (`POST /api/projects/:id/domain`), prove an attached one (`POST /api/projects/:id/domain/verify`)
 * and list a project's domains (`GET /api/projects/:id/domains`).
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { completeContacts, domainContacts } from '../../../shared/domain-contacts';
import { lazy } from '../../../shared/lazy';
import { projectIdParam } from '../../../shared/schemas';
import { requireUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { AppError } from '../../errors/app-error';
import { requireIdempotencyKey } from '../../middleware/idempotency';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { checkDomain, requestedName } from './check';
import { startDomainCheckout } from './checkout';
import { attachDomain, ownerDomainContacts, projectDomains as listProjectDomains, requestRegistration, toOwnerDomain } from './db';
import { domainSettings } from './settings';
import { verifyDomain } from './verify';

const typedName = lazy(() => z.string().check(z.minLength(1), z.maxLength(300)));

const checkQuery = lazy(() => z.strictObject({ name: typedName() }));

const addDomainBody = lazy(() =>
  z.discriminatedUnion('register', [
    z.strictObject({
      name: typedName(),
      register: z.literal(true),
      /** Optional after a first registration: the owner's last contacts are used. */
      contacts: z.optional(domainContacts()),
      provider: z._default(z.enum(['upayments', 'stripe']), 'upayments'),
      /** UPayments only; default K-Net. */
      method: z.optional(z.enum(['knet', 'card'])),
    }),
    z.strictObject({ name: typedName(), register: z.literal(false) }),
  ]),
);

const verifyBody = lazy(() => z.strictObject({ name: typedName() }));

export const domains = new Hono<AppEnv>()
  .get('/check', requireUser({ paid: true }), rateLimit('api'), validate('query', checkQuery), async (c) => {
    return c.json(await checkDomain(c.env, c.req.valid('query').name));
  })
  .get('/contacts', requireUser({ paid: true }), rateLimit('api'), async (c) => {
    return c.json({ registrant: await ownerDomainContacts(c.env, c.get('user')) });
  });

export const projectDomains = new Hono<AppEnv>()
  .post(
    '/:id/domain',
    requireUser({ paid: true }),
    rateLimit('api', { failClosed: true }),
    validate('param', projectIdParam),
    validate('json', addDomainBody),
    requireIdempotencyKey,
    async (c) => {
      const body = c.req.valid('json');
      const projectId = c.req.valid('param').id;
      const settings = domainSettings(c.env);
      const name = requestedName(body.name);
      if (!body.register) {
        const domain = await attachDomain(c.env, c.get('user'), { projectId, name: name.ascii, displayName: name.display });
        return c.json({ domain: toOwnerDomain(domain, settings.cnameTarget) }, 201);
      }
      if (!settings.pricesUsdCents.has(name.tld)) throw new AppError('DOM_003');
      if (body.provider === 'stripe' && body.method) throw new AppError('REQ_004', { fields: ['method'] });
      const result = await requestRegistration(c.env, c.get('user'), {
        projectId,
        name: name.ascii,
        provider: body.provider,
        method: body.provider === 'upayments' ? (body.method ?? 'knet') : null,
        idempotencyKey: c.get('idempotencyKey'),
        contacts: body.contacts ? completeContacts(body.contacts) : null,
      });
      const checkout = await startDomainCheckout(c.env, {
        payment: result.payment,
        description: c.get('locale') === 'en' ? `Domain ${name.display}` : `نطاق ${name.display}`,
        locale: c.get('locale'),
        origin: new URL(c.req.url).origin,
      });
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      c.get('log').info('domains.requested', { domainId: result.domain.id, paymentId: result.payment.id, replayed: result.replayed });
      return c.json({ domain: toOwnerDomain(result.domain, settings.cnameTarget), checkout }, result.replayed ? 200 : 201);
    },
  )
  .post(
    '/:id/domain/verify',
    requireUser({ paid: true }),
    rateLimit('api'),
    validate('param', projectIdParam),
    validate('json', verifyBody),
    async (c) => {
      const domain = await verifyDomain(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('json').name);
      return c.json({ domain: toOwnerDomain(domain, domainSettings(c.env).cnameTarget) });
    },
  )
  .get('/:id/domains', requireUser({ paid: true }), rateLimit('api'), validate('param', projectIdParam), async (c) => {
    const rows = await listProjectDomains(c.env, c.get('user'), c.req.valid('param').id);
    const { cnameTarget } = domainSettings(c.env);
    return c.json({ domains: rows.map((row) => toOwnerDomain(row, cnameTarget)) });
  });
