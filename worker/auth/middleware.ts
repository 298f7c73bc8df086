/**
 * `requireUser()`: the route needs a signed-in user. Reads `Authorization: Bearer <access token>`,
 * verifies it in the Worker (auth/jwt.ts) and puts the user on the context. `paid` routes also
 * refuse anonymous-sign-in users (AUTH_005): they have no plan and no credits of their own.
 */
import { createMiddleware } from 'hono/factory';
import { appConfig, type AppEnv, type Bindings } from '../env';
import { AppError } from '../errors/app-error';
import { TokenVerifier } from './jwt';

export interface AuthUser {
  id: string;
  isAnonymous: boolean;
  /** The raw access token, forwarded to PostgREST so RLS sees the same user. */
  token: string;
}

// One verifier per project configuration, kept for the isolate's lifetime.
const verifiers = new Map<string, TokenVerifier>();

function verifierFor(env: Bindings): TokenVerifier {
  const { supabaseUrl, jwtSecret } = appConfig(env);
  const cacheKey = `${supabaseUrl}\n${jwtSecret ?? ''}`;
  let verifier = verifiers.get(cacheKey);
  if (!verifier) {
    verifier = new TokenVerifier({ supabaseUrl, hsSecret: jwtSecret });
    verifiers.set(cacheKey, verifier);
  }
  return verifier;
}

export function requireUser({ paid }: { paid: boolean }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(c.req.header('Authorization') ?? '');
    if (!match) throw new AppError('AUTH_004');
    const claims = await verifierFor(c.env).verify(match[1]!, { waitUntil: (promise) => c.executionCtx.waitUntil(promise) });
    const user: AuthUser = { id: claims.sub, isAnonymous: claims.is_anonymous === true, token: match[1]! };
    if (paid && user.isAnonymous) throw new AppError('AUTH_005');
    c.set('user', user);
    await next();
  });
}
