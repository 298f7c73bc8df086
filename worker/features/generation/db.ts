/**
 * Typed calls to the generation functions in SQL (supabase/migrations/*_generations.sql): the
 * charge before the model is called, the finish that stores the version in the same transaction,
 * the refund on any failure, the heartbeat. All service-only, for the user id the Worker verified;
 * the owner reads a generation's outcome with their own token.
 */
import type { SiteDocument } from '../../../shared/site/document';
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';
import type { DbBalance } from '../credits/db';

export type GenerationStatus = 'running' | 'succeeded' | 'refunded';

export interface Generation {
  id: string;
  projectId: string;
  action: string;
  status: GenerationStatus;
  cost: number;
  errorCode: string | null;
  baseVersionId: string | null;
  versionId: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface Usage {
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
}

export function startGeneration(
  env: Bindings,
  user: AuthUser,
  input: { projectId: string; action: string; idempotencyKey: string; baseVersionId: string | null },
) {
  return rpc<{ generation: Generation; cost: number; balance: DbBalance; replayed: boolean }>(
    env,
    'start_generation',
    {
      p_user_id: user.id,
      p_project_id: input.projectId,
      p_action: input.action,
      p_idempotency_key: input.idempotencyKey,
      p_base_version_id: input.baseVersionId,
    },
    'service',
  );
}

export function finishGeneration(env: Bindings, generationId: string, document: SiteDocument | null, summary: string, usage: Usage) {
  return rpc<{ generation: Generation; version: { id: string } | null }>(
    env,
    'finish_generation',
    {
      p_generation_id: generationId,
      p_document: document,
      p_summary: summary.slice(0, 200),
      p_model: usage.model,
      p_input_tokens: usage.inputTokens,
      p_output_tokens: usage.outputTokens,
      p_latency_ms: usage.latencyMs,
    },
    'service',
  );
}

export function failGeneration(env: Bindings, generationId: string, reason: string, usage: Partial<Usage> = {}) {
  return rpc<{ generation: Generation; refunded: boolean; balance: DbBalance }>(
    env,
    'fail_generation',
    {
      p_generation_id: generationId,
      p_error_code: reason,
      p_model: usage.model ?? null,
      p_input_tokens: usage.inputTokens ?? null,
      p_output_tokens: usage.outputTokens ?? null,
      p_latency_ms: usage.latencyMs ?? null,
    },
    'service',
  );
}

/** The heartbeat; answers the generation as it is now (refunded when the cron or a cancel ended it). */
export function touchGeneration(env: Bindings, generationId: string) {
  return rpc<Generation>(env, 'touch_generation', { p_generation_id: generationId }, 'service');
}

export function refundStaleGenerations(env: Bindings) {
  return rpc<{ refunded: number }>(env, 'refund_stale_generations', {}, 'service');
}

export function ownerGeneration(env: Bindings, user: AuthUser, projectId: string, generationId: string) {
  return rpc<Generation>(env, 'owner_generation', { p_project_id: projectId, p_generation_id: generationId }, user);
}
