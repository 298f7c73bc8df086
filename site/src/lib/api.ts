/**
 * Browser side of the API: the Supabase Auth client (sign-in and sessions only; business data
 * always goes through the Worker) and a fetch wrapper that sends the access token and turns the
 * API's error body into a message in the page's language.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { ErrorBody } from '../../../shared/errors';

let client: Promise<SupabaseClient> | undefined;

export function supabase(): Promise<SupabaseClient> {
  client ??= fetch('/api/config')
    .then((response) => {
      if (!response.ok) throw new Error('config unavailable');
      return response.json() as Promise<{ supabaseUrl: string; supabaseAnonKey: string }>;
    })
    .then(({ supabaseUrl, supabaseAnonKey }) =>
      createClient(supabaseUrl, supabaseAnonKey, { auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: true } }),
    );
  return client;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const { data } = await (await supabase()).auth.getSession();
  const headers = new Headers(init.headers);
  headers.set('Accept-Language', document.documentElement.lang || 'ar');
  if (data.session) headers.set('Authorization', `Bearer ${data.session.access_token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(
      'NETWORK',
      document.documentElement.lang === 'en'
        ? 'No connection. Check your network and try again.'
        : 'لا يوجد اتصال. تحقق من الشبكة وحاول مرة أخرى.',
    );
  }
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
  if (!response.ok || !body) {
    throw new ApiError(body?.error?.code ?? 'SRV_001', body?.error?.message ?? 'حدث خطأ غير متوقع، حاول مرة أخرى');
  }
  return body;
}
