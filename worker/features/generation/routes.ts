/**
 * /api/projects/:id/site/generations and /site/images: the AI actions. Each is charged once per
 * Idempotency-Key before the model is called (start_generation; a repeat replays the recorded
 * outcome and never calls the model again), answers Server-Sent Events (`progress`, `section` as
 * each one completes, `done` or `error`, keep-alives), and ends in exactly one of: the new draft
 * version stored with the generation marked succeeded (one transaction), or a refund of exactly
 * what was spent with `error {code: GEN_001, refunded: true}`. The work runs under waitUntil, so
 * it finishes when the owner closes the tab; the dashboard reads the outcome afterwards. Cancel
 * refunds at once; the running call notices through its heartbeat and stops.
 */
import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import { errorMessage } from '../../../shared/errors';
import { lazy } from '../../../shared/lazy';
import { uuid } from '../../../shared/schemas';
import { parseSiteDocument } from '../../../shared/site/document';
import { requireUser, type AuthUser } from '../../auth/middleware';
import type { AppEnv } from '../../env';
import { AppError } from '../../errors/app-error';
import { requireIdempotencyKey } from '../../middleware/idempotency';
import { validate } from '../../middleware/validate';
import { rateLimit } from '../../rate-limit/middleware';
import { AiConfigError, textProviderFromEnv, type TextProvider } from '../../providers/ai';
import { toBalance } from '../credits/db';
import { getSite } from '../sites/db';
import { ActionError, planAction, TEXT_ACTIONS, type ActionPlan, type GenerationInput } from './actions';
import { failGeneration, finishGeneration, ownerGeneration, startGeneration, type Generation } from './db';
import { generateImage, imageBody } from './images';
import { runGeneration } from './run';

const KEEP_ALIVE_MS = 10_000;

const projectParam = lazy(() => z.strictObject({ id: uuid() }));
const generationParam = lazy(() => z.strictObject({ id: uuid(), generationId: uuid() }));
const generationBody = lazy(() =>
  z.strictObject({
    action: z.enum(TEXT_ACTIONS),
    prompt: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)),
    pageId: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/))),
    sectionId: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/))),
  }),
);

/** Server-Sent Events on a stream that outlives the client: writes after a disconnect are dropped. */
function eventStream() {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  let open = true;
  const write = (text: string) => {
    if (!open) return;
    writer.write(encoder.encode(text)).catch(() => (open = false));
  };
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  return {
    readable,
    send: (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    close() {
      clearInterval(keepAlive);
      if (open) writer.close().catch(() => {});
      open = false;
    },
  };
}

const SSE_HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' };

function failure(c: Context<AppEnv>, refunded: boolean) {
  return { code: 'GEN_001', message: errorMessage('GEN_001', c.get('locale') ?? 'ar'), refunded };
}

/** The outcome of a generation that already ran (a repeated key), as its stream would have ended. */
function replay(c: Context<AppEnv>, generation: Generation) {
  const stream = eventStream();
  stream.send('progress', { generationId: generation.id, stage: generation.status, cost: generation.cost });
  if (generation.status === 'succeeded') stream.send('done', { generationId: generation.id, versionId: generation.versionId, cost: generation.cost, replayed: true });
  else if (generation.status === 'refunded') stream.send('error', failure(c, true));
  stream.close();
  c.header('Idempotent-Replayed', 'true');
  return c.body(stream.readable, 200, SSE_HEADERS);
}

async function prepare(c: Context<AppEnv>, user: AuthUser, projectId: string, input: GenerationInput) {
  const site = await getSite(c.env, user, projectId);
  let draft = null;
  if (site.draft) {
    const parsed = parseSiteDocument(site.draft.document);
    if (!parsed.ok) throw new AppError('SITE_003');
    draft = parsed.document;
  }
  let plan: ActionPlan;
  try {
    plan = planAction(input, draft);
  } catch (error) {
    if (error instanceof ActionError) throw new AppError('REQ_004', { fields: input.sectionId ? ['sectionId'] : ['action'] });
    throw error;
  }
  let provider: TextProvider;
  try {
    provider = textProviderFromEnv(c.env);
  } catch (error) {
    if (!(error instanceof AiConfigError)) throw error;
    c.get('log').error('generation.unconfigured', { problems: error.problems });
    throw new AppError('SRV_004');
  }
  return { site, plan, provider };
}

export const projectGenerations = new Hono<AppEnv>()
  .post(
    '/:id/site/generations',
    requireUser({ paid: true }),
    rateLimit('api', { failClosed: true }),
    validate('param', projectParam),
    validate('json', generationBody),
    requireIdempotencyKey,
    async (c) => {
      const user = c.get('user');
      const projectId = c.req.valid('param').id;
      const input = c.req.valid('json');
      const { site, plan, provider } = await prepare(c, user, projectId, input);
      const started = await startGeneration(c.env, user, {
        projectId,
        action: input.action,
        idempotencyKey: c.get('idempotencyKey'),
        baseVersionId: site.draftVersionId,
      });
      if (started.replayed) return replay(c, started.generation);
      const generation = started.generation;
      const log = c.get('log');
      const stream = eventStream();
      stream.send('progress', { generationId: generation.id, stage: 'charged', cost: started.cost, balance: toBalance(started.balance) });

      const work = (async () => {
        let reason = 'WORKER_ERROR';
        let usage = {};
        try {
          const outcome = await runGeneration(c.env, { generationId: generation.id, request: input, plan, provider }, ({ path, section }) =>
            stream.send('section', { path, section }),
          );
          usage = outcome.usage;
          if (outcome.ok) {
            stream.send('progress', { generationId: generation.id, stage: 'saving' });
            const finished = await finishGeneration(c.env, generation.id, outcome.document, outcome.summary, outcome.usage);
            log.info('generation.succeeded', { generationId: generation.id, action: input.action, ...outcome.usage });
            stream.send('done', {
              generationId: generation.id,
              versionId: finished.version?.id ?? site.draftVersionId,
              cost: started.cost,
              balance: toBalance(started.balance),
              ...(outcome.answer !== undefined ? { answer: outcome.answer } : {}),
            });
            return;
          }
          reason = outcome.reason;
        } catch (error) {
          // A save the database refused (the draft moved meanwhile), or anything unexpected: refunded below.
          reason = error instanceof AppError ? `SAVE_${error.code}` : 'WORKER_ERROR';
          if (!(error instanceof AppError)) log.error('generation.crashed', { generationId: generation.id, error });
        }
        try {
          const refund = await failGeneration(c.env, generation.id, reason, usage);
          log.warn('generation.refunded', { generationId: generation.id, action: input.action, reason, refunded: refund.refunded });
          stream.send('error', { ...failure(c, true), balance: toBalance(refund.balance) });
        } catch (error) {
          // The cron refunds a generation left running (refund_stale_generations).
          log.error('generation.refund_failed', { generationId: generation.id, reason, error });
          stream.send('error', failure(c, false));
        }
      })().finally(() => stream.close());
      c.executionCtx.waitUntil(work);
      return c.body(stream.readable, 200, SSE_HEADERS);
    },
  )
  .get('/:id/site/generations/:generationId', requireUser({ paid: true }), rateLimit('api'), validate('param', generationParam), async (c) => {
    const { id, generationId } = c.req.valid('param');
    return c.json({ generation: await ownerGeneration(c.env, c.get('user'), id, generationId) });
  })
  .post('/:id/site/generations/:generationId/cancel', requireUser({ paid: true }), rateLimit('api'), validate('param', generationParam), async (c) => {
    const { id, generationId } = c.req.valid('param');
    const generation = await ownerGeneration(c.env, c.get('user'), id, generationId);
    if (generation.status !== 'running') return c.json({ generation, refunded: false });
    const refund = await failGeneration(c.env, generationId, 'CANCELLED');
    return c.json({ generation: refund.generation, refunded: refund.refunded, balance: toBalance(refund.balance) });
  })
  .post(
    '/:id/site/images',
    requireUser({ paid: true }),
    rateLimit('api', { failClosed: true }),
    validate('param', projectParam),
    validate('json', imageBody),
    requireIdempotencyKey,
    async (c) => {
      const result = await generateImage(c, c.req.valid('param').id, c.req.valid('json'));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result, result.replayed ? 200 : 201);
    },
  );
