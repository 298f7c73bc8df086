/**
 * Middleware-overhead benchmark apps: the same JSON handler as a bare Hono route and behind the
 * product's real middleware, added one layer at a time (request context + body guard, requireUser
 * with an HS256 token, rateLimit on an in-memory KV, validate('json')). Runs inside
 * workerd (scripts/bench/middleware-worker.ts); the caller does the timing.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { spendCreditsBody } from '../../shared/schemas';
import { requireUser } from '../../worker/auth/middleware';
import type { AppEnv, Bindings } from '../../worker/env';
import { onError, onNotFound } from '../../worker/errors/handler';
import { validate } from '../../worker/middleware/validate';
import { limitBodySize, requireJsonBody } from '../../worker/middleware/body-guard';
import { requestContext } from '../../worker/middleware/request-context';
import { rateLimit } from '../../worker/rate-limit/middleware';
import { LOCAL_ANON_KEY, LOCAL_JWT_SECRET, LOCAL_SERVICE_ROLE_KEY } from '../../supabase/local/keys';
import { accessClaims, signHs256 } from '../../tests/support/tokens';
import { MemoryKv } from './memory-kv';

export const VARIANTS = ['bare', 'context', 'auth', 'rateLimit', 'full'] as const;
export type Variant = (typeof VARIANTS)[number];

const SUPABASE_URL = 'http://127.0.0.1:54321';
const USER_ID = '00000000-0000-4000-8000-0000000000be';
const BODY = JSON.stringify({ action: 'chat_message', projectId: '00000000-0000-4000-8000-00000000b0d1' });

const handler = async (c: Context) => c.json({ received: await c.req.json() });

/** The product's wiring of createApp(), with one route whose route middleware is `chain`. */
function productApp(chain: MiddlewareHandler<AppEnv>[]) {
  // Route middleware then the handler, as a route lists them (`.post(path, auth, limit, valid, handler)`).
  const handlers: MiddlewareHandler<AppEnv>[] = [...chain, handler];
  const api = new Hono<AppEnv>().use(limitBodySize, requireJsonBody).post('/bench', ...(handlers as [MiddlewareHandler<AppEnv>]));
  const app = new Hono<AppEnv>().use(requestContext).route('/api', api);
  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

export interface MiddlewareBench {
  /** Sends `n` sequential requests through the variant's app; throws on any non-200 answer. */
  run(variant: Variant, n: number): Promise<void>;
}

export async function createMiddlewareBench(): Promise<MiddlewareBench> {
  const auth = requireUser({ paid: true });
  const limit = rateLimit('api') as MiddlewareHandler<AppEnv>;
  const valid = validate('json', spendCreditsBody) as MiddlewareHandler<AppEnv>;
  const apps: Record<Variant, Hono<AppEnv>> = {
    bare: new Hono<AppEnv>().post('/api/bench', handler),
    context: productApp([]),
    auth: productApp([auth]),
    rateLimit: productApp([auth, limit]),
    full: productApp([auth, limit, valid]),
  };
  const env = {
    SUPABASE_URL,
    SUPABASE_ANON_KEY: LOCAL_ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: LOCAL_SERVICE_ROLE_KEY,
    SUPABASE_JWT_SECRET: LOCAL_JWT_SECRET,
    RATE_LIMIT_KV: new MemoryKv().asNamespace(),
    // The product's own override: room for every request of a run inside one window.
    RATE_LIMITS: JSON.stringify({ api: { limit: 100_000 } }),
  } as Partial<Bindings> as Bindings;
  // Deferred KV writes are fire-and-forget here; the limiter catches their errors itself.
  const executionCtx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  const headers = {
    Authorization: `Bearer ${await signHs256(accessClaims(SUPABASE_URL, USER_ID))}`,
    'Content-Type': 'application/json',
    // As a browser's fetch sends it; without it bodyLimit has to count the streamed body.
    'Content-Length': String(new TextEncoder().encode(BODY).length),
  };

  return {
    async run(variant, n) {
      const app = apps[variant];
      for (let i = 0; i < n; i += 1) {
        const response = await app.request('/api/bench', { method: 'POST', headers, body: BODY }, env, executionCtx);
        if (response.status !== 200) throw new Error(`${variant}: HTTP ${response.status} ${await response.text()}`);
      }
    },
  };
}
