/**
 * Plans, credit packs and credit costs: the one TypeScript copy of docs/ARCHITECTURE.md section 3. The database holds the
 * same rows (supabase/migrations seed them); tests/db proves the two copies agree.
 * Money is integer fils (1 KWD = 1000 fils). Credits have at most one decimal place.
 */

export const CURRENCY = 'KWD' as const;
export const FILS_PER_KWD = 1000;

export const TIER_IDS = ['basic', 'pro', 'premium', 'enterprise'] as const;
export type TierId = (typeof TIER_IDS)[number];

export interface Tier {
  id: TierId;
  priceFils: number;
  monthlyCredits: number;
  dailyBonus: number;
}

export const TIERS: Record<TierId, Tier> = {
  basic: { id: 'basic', priceFils: 23_000, monthlyCredits: 100, dailyBonus: 5 },
  pro: { id: 'pro', priceFils: 38_000, monthlyCredits: 200, dailyBonus: 8 },
  premium: { id: 'premium', priceFils: 59_000, monthlyCredits: 350, dailyBonus: 12 },
  enterprise: { id: 'enterprise', priceFils: 75_000, monthlyCredits: 500, dailyBonus: 15 },
};

export const CREDIT_PACK_IDS = ['small', 'medium', 'large'] as const;
export type CreditPackId = (typeof CREDIT_PACK_IDS)[number];

/** Purchased credits: they never lapse and are spent last, so a pack costs more per credit than a plan. */
export interface CreditPack {
  id: CreditPackId;
  priceFils: number;
  credits: number;
}

export const CREDIT_PACKS: Record<CreditPackId, CreditPack> = {
  small: { id: 'small', priceFils: 12_500, credits: 50 },
  medium: { id: 'medium', priceFils: 27_000, credits: 120 },
  large: { id: 'large', priceFils: 60_000, credits: 300 },
};

export const CREDIT_ACTIONS = [
  'chat_message',
  'simple_edit',
  'component_generation',
  'page_generation',
  'template_customization',
  'complex_feature',
  'banana_image',
  'database_setup',
  'deployment',
] as const;
export type CreditAction = (typeof CREDIT_ACTIONS)[number];

export interface CreditCost {
  action: CreditAction;
  credits: number;
  /** Tiers allowed to use the action; null means every tier. */
  tiers: readonly TierId[] | null;
}

export const CREDIT_COSTS: Record<CreditAction, CreditCost> = {
  chat_message: { action: 'chat_message', credits: 1, tiers: null },
  simple_edit: { action: 'simple_edit', credits: 0.5, tiers: null },
  component_generation: { action: 'component_generation', credits: 2, tiers: null },
  page_generation: { action: 'page_generation', credits: 3, tiers: null },
  template_customization: { action: 'template_customization', credits: 2, tiers: null },
  complex_feature: { action: 'complex_feature', credits: 4, tiers: null },
  banana_image: { action: 'banana_image', credits: 2.5, tiers: ['premium', 'enterprise'] },
  database_setup: { action: 'database_setup', credits: 2.5, tiers: null },
  deployment: { action: 'deployment', credits: 1, tiers: null },
};

/**
 * Integer fils as the three-decimal KWD string providers take ("23.000"): the one place money
 * becomes a decimal. Refuses anything but a non-negative safe integer, so a float never gets here.
 */
export function filsToKwdString(fils: number): string {
  if (!Number.isSafeInteger(fils) || fils < 0) throw new RangeError('fils must be a non-negative safe integer');
  return `${Math.floor(fils / FILS_PER_KWD)}.${String(fils % FILS_PER_KWD).padStart(3, '0')}`;
}

/**
 * A KWD amount as a provider reports it ("23.000", "23.5", "23", or the JSON number 23.5) back to
 * integer fils, by digits rather than float arithmetic. Returns null for anything that is not an
 * exact, non-negative number of fils (more than three significant decimals, exponents, signs).
 */
export function kwdToFils(amount: string | number): number | null {
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const [, whole = '', decimals = ''] = match;
  if (/[^0]/.test(decimals.slice(3))) return null;
  const fils = Number(whole) * FILS_PER_KWD + Number(decimals.slice(0, 3).padEnd(3, '0'));
  return Number.isSafeInteger(fils) ? fils : null;
}
