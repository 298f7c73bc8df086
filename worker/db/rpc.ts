/**
 * The Worker's only way to the database: PostgREST RPC (`POST /rest/v1/rpc/<fn>`) with plain
 * fetch, a few hundred bytes instead of a client library. The user's token is forwarded so RLS
 * applies; the service key is used only where a function is service-only. PostgREST errors map
 * one to one to the catalogue (see supabase/migrations: functions raise P0001 with the code as
 * the message); an unreachable or slow database becomes SRV_002.
 */
import { isErrorCode } from '../../shared/errors';
import { appConfig, type Bindings } from '../env';
import { AppError } from '../errors/app-error';

const TIMEOUT_MS = 8000;

/** Whose rights the call runs with: a user's (RLS applies), the public anon key, or the service. */
export type Caller = { token: string } | 'anon' | 'service';

interface PostgrestError {
  code?: string;
  message?: string;
  details?: string | null;
  hint?: string | null;
}

function errorFromPostgrest(status: number, body: PostgrestError): AppError {
  const cause = { status, code: body.code, message: body.message };
  if (body.code === 'P0001' && isErrorCode(body.message)) return new AppError(body.message, { cause });
  if (body.code === 'PGRST301' || body.code === 'PGRST303') return new AppError('AUTH_003', { cause });
  if (status === 401 && body.code?.startsWith('PGRST')) return new AppError('AUTH_004', { cause });
  if (body.code === '42501') return new AppError('AUTH_006', { cause });
  if (status === 503 || status === 502 || status === 504 || body.code === 'PGRST000' || body.code === 'PGRST001') {
    return new AppError('SRV_002', { cause });
  }
  return new AppError('SRV_001', { cause });
}

export async function rpc<T>(env: Bindings, fn: string, args: Record<string, unknown>, caller: Caller): Promise<T> {
  const { supabaseUrl, anonKey, serviceRoleKey } = appConfig(env);
  const key = caller === 'service' ? serviceRoleKey : anonKey;
  const bearer = typeof caller === 'object' ? caller.token : key;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${supabaseUrl}/rest/v1/rpc/${fn}`, {
      method: 'POST',
      headers: { apikey: key, Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    text = await response.text();
  } catch (cause) {
    throw new AppError('SRV_002', { cause: { fn, error: cause } });
  }
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError(response.ok ? 'SRV_001' : 'SRV_002', { cause: { fn, status: response.status } });
    }
  }
  if (!response.ok) throw errorFromPostgrest(response.status, (body ?? {}) as PostgrestError);
  return body as T;
}
