/**
 * Cron job `billing.recheck_payments`: pending UPayments payments are asked about through the
 * status API, so a lost notification or an abandoned return still settles within minutes. The
 * database leases due payments (claim_payment_checks) and backs off after each check; the job
 * checks them one at a time and at most RECHECK_BATCH per run, well inside UPayments' limit of
 * about 30 status calls a minute (notifications and returns use the rest). A payment past its
 * expiry that UPayments never captured is expired; a check that fails (timeout, outage) leaves it
 * pending for a later run, since no one can say it was not paid.
 */
import type { Bindings } from '../../env';
import { ProviderError } from '../../providers/http';
import { readUpaymentsConfig } from './config';
import { applyPayment, claimPaymentChecks, recordPaymentCheck, type DbPaymentCheck } from './db';
import { settleUpaymentsPayment } from './upayments';

export const RECHECK_BATCH = 10;
/** Longer than a whole batch of checks at their deadline, so a lease never runs out mid-run. */
const LEASE_SECONDS = 180;
const CHECK_TIMEOUT_MS = 8000;

type CheckResult = 'settled' | 'expired' | 'pending' | 'failed';

/**
 * The reference is the checkout's session id until a capture's track id replaces it; UPayments'
 * track ids are all digits, its session ids are not.
 */
const lookupFor = (ref: string) => (/^\d+$/.test(ref) ? { trackId: ref } : { sessionId: ref });

async function checkOne(env: Bindings, payment: DbPaymentCheck): Promise<CheckResult> {
  let error: string | null = null;
  if (payment.provider_ref) {
    try {
      const settlement = await settleUpaymentsPayment(env, { ...lookupFor(payment.provider_ref), paymentId: payment.id }, CHECK_TIMEOUT_MS);
      if (settlement.state === 'applied') {
        await recordPaymentCheck(env, payment.id, null);
        return 'settled';
      }
      if (settlement.state === 'ignored') error = `status answer ignored: ${settlement.reason}`;
    } catch (caught) {
      // `rejected`: UPayments knows no transaction for the checkout (the payer never paid).
      if (!(caught instanceof ProviderError && caught.kind === 'rejected')) {
        error = caught instanceof Error ? caught.message : 'status check failed';
      }
    }
  }
  const expired = payment.expires_at !== null && Date.parse(payment.expires_at) <= Date.now();
  if (expired && error === null) {
    await applyPayment(env, { provider: 'upayments', status: 'expired', paymentId: payment.id });
  }
  await recordPaymentCheck(env, payment.id, error);
  return error ? 'failed' : expired ? 'expired' : 'pending';
}

export async function recheckPayments(env: Bindings): Promise<Record<CheckResult, number>> {
  const counts: Record<CheckResult, number> = { settled: 0, expired: 0, pending: 0, failed: 0 };
  if (!readUpaymentsConfig(env)) return counts;
  const due = await claimPaymentChecks(env, RECHECK_BATCH, LEASE_SECONDS);
  for (const payment of due) counts[await checkOne(env, payment)]++;
  return counts;
}
