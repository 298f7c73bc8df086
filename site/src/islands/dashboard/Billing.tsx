/**
 * Buying a plan month or a credit pack: choose what and how to pay (K-Net, card, or Stripe), go to
 * the provider's page, and come back to a message about what happened. The message comes from the
 * return route's `?payment=&outcome=`; a pending payment is polled until it settles, then the
 * balance and plan are reloaded. The Idempotency-Key is kept per choice, so trying again after a
 * failure reuses the same pending payment instead of starting another one.
 */
import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import { CREDIT_PACK_IDS, CREDIT_PACKS, TIER_IDS, TIERS, type CreditPackId, type TierId } from '../../../../shared/pricing';
import type { CheckoutBody } from '../../../../shared/schemas';
import { formatFils } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { useApi } from './data';

type Outcome = 'succeeded' | 'failed' | 'cancelled' | 'pending' | 'slow';
type Method = 'knet' | 'card' | 'stripe';

const OUTCOMES = ['succeeded', 'failed', 'cancelled', 'pending'] as const;
const POLL_MS = 3000;
const POLLS = 20;

type Product = { purpose: 'plan'; tier: TierId } | { purpose: 'credits'; pack: CreditPackId };

const PRODUCTS: Product[] = [
  ...TIER_IDS.map((tier) => ({ purpose: 'plan' as const, tier })),
  ...CREDIT_PACK_IDS.map((pack) => ({ purpose: 'credits' as const, pack })),
];

const keyOf = (product: Product) => (product.purpose === 'plan' ? `plan:${product.tier}` : `credits:${product.pack}`);
const priceOf = (product: Product) => (product.purpose === 'plan' ? TIERS[product.tier] : CREDIT_PACKS[product.pack]).priceFils;

function checkoutBody(product: Product, method: Method): CheckoutBody {
  return method === 'stripe' ? { ...product, provider: 'stripe' } : { ...product, provider: 'upayments', method };
}

/** The outcome the return route put in the URL, read once and removed so a reload does not repeat it. */
function takeReturn(): { paymentId: string; outcome: Outcome } | null {
  const query = new URLSearchParams(location.search);
  const paymentId = query.get('payment');
  const outcome = OUTCOMES.find((known) => known === query.get('outcome'));
  if (!paymentId || !outcome) return null;
  history.replaceState(null, '', location.pathname);
  return { paymentId, outcome };
}

export function Billing({ onSettled }: { onSettled: () => Promise<unknown> }) {
  const { t, plural, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [product, setProduct] = useState<Product>({ purpose: 'plan', tier: 'pro' });
  const [method, setMethod] = useState<Method>('knet');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Outcome>();
  const keys = useRef(new Map<string, string>());

  const [back, setBack] = useState<{ paymentId: string; outcome: Outcome } | null>(null);

  useEffect(() => {
    const taken = takeReturn();
    setBack(taken);
    if (taken) setNotice(taken.outcome);
  }, []);

  // A payment the provider has not confirmed yet: ask until it settles (the webhook or the cron settles it).
  useEffect(() => {
    if (back?.outcome !== 'pending') return;
    let stopped = false;
    void (async () => {
      for (let poll = 0; poll < POLLS; poll++) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (stopped) return;
        const response = await api.api.billing.payments[':id'].$get({ param: { id: back.paymentId } }).catch(() => undefined);
        const status = response ? (await response.json()).payment.status : 'pending';
        if (stopped) return;
        if (status === 'pending' || status === 'needs_review' || status === 'refund_required') continue;
        setNotice(status === 'succeeded' ? 'succeeded' : status === 'cancelled' ? 'cancelled' : 'failed');
        if (status === 'succeeded') await onSettled();
        return;
      }
      if (!stopped) setNotice('slow');
    })();
    return () => void (stopped = true);
  }, [api, back, onSettled]);

  async function pay(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const choice = `${keyOf(product)}|${method}`;
    const key = keys.current.get(choice) ?? crypto.randomUUID();
    keys.current.set(choice, key);
    setBusy(true);
    const checkout = await calm(async () =>
      (await api.api.billing.checkout.$post({ json: checkoutBody(product, method) }, { headers: { 'Idempotency-Key': key } })).json(),
    );
    if (checkout) location.assign(checkout.url);
    else setBusy(false);
  }

  const label = (item: Product) => {
    if (item.purpose === 'plan') {
      const tier = TIERS[item.tier];
      const credits = plural('unit.credits', tier.monthlyCredits);
      return t('billing.plan', { plan: t(`tier.${tier.id}`), price: formatFils(locale, tier.priceFils), credits });
    }
    const pack = CREDIT_PACKS[item.pack];
    return t('billing.pack', {
      pack: t(`pack.${pack.id}`),
      price: formatFils(locale, pack.priceFils),
      credits: plural('unit.credits', pack.credits),
    });
  };

  return (
    <section className="card billing" id="billing" aria-labelledby="billing-title">
      <h2 id="billing-title">{t('billing.heading')}</h2>
      {notice && (
        <p role="status" className={`notice ${notice}`} data-testid="payment-outcome">
          {t(`billing.outcome.${notice}`)}
        </p>
      )}
      <form onSubmit={(event) => void pay(event)}>
        <fieldset>
          <legend>{t('billing.what')}</legend>
          {PRODUCTS.map((item) => (
            <label key={keyOf(item)} className="choice">
              <input
                type="radio"
                name="product"
                value={keyOf(item)}
                checked={keyOf(product) === keyOf(item)}
                onChange={() => setProduct(item)}
              />
              <span>{label(item)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('billing.method')}</legend>
          {(['knet', 'card', 'stripe'] as const).map((item) => (
            <label key={item} className="choice">
              <input type="radio" name="method" value={item} checked={method === item} onChange={() => setMethod(item)} />
              <span>{t(`billing.method.${item}`)}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={busy}>
          {busy ? t('billing.redirecting') : t('billing.pay', { price: formatFils(locale, priceOf(product)) })}
        </button>
      </form>
    </section>
  );
}
