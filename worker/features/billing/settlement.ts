/**
 * What settling a provider outcome came to, for every path that settles (return, webhooks, cron),
 * and the one call that applies an outcome: an outcome about a payment the database does not
 * know (or an event id reused with another payload) is ignored, not retried forever.
 */
import { uuid } from '../../../shared/schemas';
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import { applyPayment, type AppliedPayment } from './db';

export type Settlement =
  /** apply_payment ran; `payment.replayed` says whether it changed anything. */
  | { state: 'applied'; payment: AppliedPayment }
  /** Verified with the provider, which has no final result yet. */
  | { state: 'pending'; paymentId: string }
  /** Nothing to apply (another payment's order, an unknown payment, an event we do not act on). */
  | { state: 'ignored'; reason: string };

export const ignored = (reason: string): Settlement => ({ state: 'ignored', reason });

/** Our payment ids are UUIDs; anything else a provider echoes back is not one of ours. */
export const asPaymentId = (value: string | undefined | null): string | null => (value && uuid().safeParse(value).success ? value : null);

const NOT_OURS = new Set(['NOT_FOUND_002', 'REQ_004', 'REQ_006']);

export async function settle(env: Bindings, input: Parameters<typeof applyPayment>[1]): Promise<Settlement> {
  try {
    return { state: 'applied', payment: await applyPayment(env, input) };
  } catch (error) {
    if (error instanceof AppError && NOT_OURS.has(error.code)) return ignored(error.code);
    throw error;
  }
}
