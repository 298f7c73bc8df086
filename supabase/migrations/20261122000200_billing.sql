-- KWq8 billing: credit packs, checkout created with the user's token, provider references,
-- exactly-once settlement of provider outcomes (success, failure, cancellation, expiry, refund)
-- with their credit and plan effects, re-checks of pending UPayments payments, and the owner's
-- view of a payment.
--
-- RPC surface added or changed here (named arguments, as PostgREST passes them):
--   authenticated (the Worker with the user's token; anonymous sign-ins refused where noted):
--     create_checkout(p_purpose text, p_provider text, p_idempotency_key text, p_tier text default null,
--         p_pack text default null, p_method text default null) returns jsonb      -- paid users only
--     get_payment(p_payment_id uuid) returns jsonb                                  -- owner only
--   service_role:
--     set_payment_checkout(p_payment_id uuid, p_provider_ref text default null,
--         p_checkout_url text default null) returns jsonb
--     apply_payment(p_provider text, p_provider_ref text, p_status text, p_amount_fils bigint default null,
--         p_currency text default null, p_payment_id uuid default null, p_event_id text default null,
--         p_payload_sha256 text default null) returns jsonb
--     claim_payment_checks(p_limit integer default 20, p_lease_seconds integer default 120) returns table
--     record_payment_check(p_payment_id uuid, p_error text default null) returns jsonb
--     create_payment(...) keeps its signature; its purposes are now 'plan' and 'credits' (were
--         'subscription' and 'topup'), like everything else in billing.
--
-- Payment states (payments.status):
--   pending --succeeded--> succeeded                       effects applied once, event payment.succeeded
--   pending --failed|cancelled|expired--> that state        a held booking is released
--   failed|cancelled|expired --succeeded--> succeeded       a late capture is still honoured
--   pending|failed|cancelled|expired --succeeded, amount or currency differ--> needs_review
--   pending|... --succeeded, user deleted--> needs_review   (plan and credit purchases)
--   pending|... --succeeded, booking slot taken--> refund_required
--   any but refunded --refunded (full amount)--> refunded  what the payment granted is taken back
--   succeeded, needs_review, refunded, refund_required absorb succeeded/failed/cancelled/expired:
--   a terminal success is never undone by a late failure or expiry, and nothing is applied twice.
-- A person must look at a payment when review_reason is set (outbox payment.needs_review or
-- refund.needed); the state machine never loops on an exception for a verified provider event.
--
-- Plan rules (UPayments has no subscriptions, so a plan is bought one month at a time):
--   * No active plan: the plan starts now for one month (Asia/Kuwait calendar month) and the
--     monthly bucket is set to the tier's monthly credits, lapsing at the period end.
--   * Renewal of the active tier before its end: the period end moves one month from the current
--     end (not from now) and the month's credits are added to the monthly bucket; all of it lapses
--     at the new end.
--   * Another tier while a plan is active (up or down): a new one-month period starts now with the
--     new tier; the monthly bucket is replaced, not summed (what was left is written off with a
--     `plan_change` ledger row, then the new tier's credits are granted). The rest of the old
--     period is not carried over or prorated.
--   * Refund of the plan payment that set the current period: its credits are taken back from the
--     monthly bucket (never below zero; a shortfall is flagged), and the month it bought is
--     removed: a renewal's period ends where the renewal found it, otherwise the plan ends now.
--     Refund of an older plan payment whose period a later plan payment replaced or extended
--     changes nothing automatically and is flagged (plan_superseded).

/**
  * -------------------------------------------------------
  * Section - Credit packs
  * -------------------------------------------------------
 */

-- Why: the credit packs a user can buy; the database copy of shared/pricing.ts CREDIT_PACKS (a test
-- keeps them equal). Checkout takes its amounts from here, never from the caller.
create table public.credit_packs (
  id text primary key check (id ~ '^[a-z][a-z0-9_]*$'),
  -- Stripe accepts KWD amounts only in multiples of 10 fils.
  price_fils bigint not null check (price_fils > 0 and price_fils % 10 = 0),
  currency text not null default 'KWD' check (currency ~ '^[A-Z]{3}$'),
  credits numeric(12, 1) not null check (credits > 0),
  sort_order smallint not null unique
);
comment on table public.credit_packs is
  'Credit packs a user can buy: price in fils and the purchased (non-lapsing) credits they add. Public price list; mirrors shared/pricing.ts.';

insert into public.credit_packs (id, price_fils, credits, sort_order) values
  ('small', 12500, 50, 1),
  ('medium', 27000, 120, 2),
  ('large', 60000, 300, 3);

alter table public.credit_packs enable row level security;
revoke all on public.credit_packs from anon, authenticated, service_role;
grant select on public.credit_packs to anon, authenticated, service_role;
create policy "anyone can read the credit packs" on public.credit_packs
  for select to anon, authenticated using (true);

/**
  * -------------------------------------------------------
  * Section - Payments: checkout, review and re-check columns
  * -------------------------------------------------------
 */

-- The API's words for what is bought ('plan', 'credits') become the stored ones.
alter table public.payments
  drop constraint payments_purpose_check,
  drop constraint payments_status_check,
  drop constraint payments_check,
  drop constraint payments_check1;
update public.payments set purpose = case purpose when 'subscription' then 'plan' else 'credits' end
where purpose in ('subscription', 'topup');

alter table public.payments
  -- Unknown until the provider answers the checkout call (or its first notification).
  alter column provider_ref drop not null,
  add column method text check (method in ('knet', 'card')),
  add column pack text references public.credit_packs (id),
  add column idempotency_key text check (char_length(idempotency_key) between 1 and 200),
  add column checkout_url text check (char_length(checkout_url) <= 2000 and checkout_url ~ '^https?://'),
  add column expires_at timestamptz,
  add column period_start timestamptz,
  add column period_end timestamptz,
  add column review_reason text check (review_reason in (
    'amount_mismatch', 'currency_mismatch', 'user_deleted', 'slot_taken', 'duplicate_charge',
    'partial_refund', 'refund_mismatch', 'refund_shortfall', 'plan_superseded')),
  add column flagged_at timestamptz,
  add column refunded_at timestamptz,
  add column check_attempts integer not null default 0,
  add column next_check_at timestamptz,
  add column last_checked_at timestamptz,
  add column last_check_error text check (char_length(last_check_error) <= 500),
  add constraint payments_purpose_check check (purpose in ('plan', 'credits', 'booking', 'domain')),
  add constraint payments_status_check check (status in (
    'pending', 'succeeded', 'failed', 'cancelled', 'expired', 'refunded', 'refund_required', 'needs_review')),
  add constraint payments_tier_check check ((purpose = 'plan') = (tier is not null)),
  add constraint payments_credits_check check (credits > 0 and (purpose = 'credits') = (credits is not null)),
  add constraint payments_pack_check check (pack is null or purpose = 'credits'),
  add constraint payments_method_provider_check check (method is null or provider = 'upayments'),
  add constraint payments_needs_review_check check (status <> 'needs_review' or review_reason is not null);

comment on column public.payments.method is 'UPayments gateway chosen at checkout (knet or card); null for Stripe. Written at checkout only.';
comment on column public.payments.pack is 'The credit pack bought (purpose credits through checkout). Written at checkout only.';
comment on column public.payments.idempotency_key is 'The Idempotency-Key of the checkout request, unique per user. Written at checkout only.';
comment on column public.payments.checkout_url is 'Where the payer is sent (provider page). Written once by the service (set_payment_checkout).';
comment on column public.payments.expires_at is 'When the checkout stops being offered. Written at creation.';
comment on column public.payments.period_start is 'Plan payments: start of the month this payment bought. Written when it is applied.';
comment on column public.payments.period_end is 'Plan payments: end of the month this payment bought. Written when it is applied.';
comment on column public.payments.review_reason is 'Why a person must look at this payment; null when nothing is wrong. Written by apply_payment.';
comment on column public.payments.flagged_at is 'When review_reason was last set. Written by apply_payment.';
comment on column public.payments.refunded_at is 'When the provider reported the refund. Written by apply_payment.';
comment on column public.payments.check_attempts is 'UPayments status checks made by the cron job. Written by record_payment_check.';
comment on column public.payments.next_check_at is 'When the cron job may next check this pending UPayments payment (lease, then backoff). Written by the service.';
comment on column public.payments.last_checked_at is 'Last status check by the cron job. Written by record_payment_check.';
comment on column public.payments.last_check_error is 'Why the last status check failed, without personal data. Written by record_payment_check.';

create unique index payments_idempotency_key_idx on public.payments (user_id, idempotency_key)
  where idempotency_key is not null;
create index payments_due_checks_idx on public.payments (next_check_at, id)
  where status = 'pending' and provider = 'upayments';

-- A tier change writes off what was left of the monthly bucket under its own reason.
alter table public.credit_ledger drop constraint credit_ledger_reason_check;
alter table public.credit_ledger add constraint credit_ledger_reason_check
  check (reason in ('spend', 'daily_bonus', 'monthly_grant', 'topup', 'expiry', 'refund', 'plan_change'));

/**
  * -------------------------------------------------------
  * Section - Private helpers
  * -------------------------------------------------------
 */

-- Why: plan periods are calendar months in Asia/Kuwait (no daylight saving), whatever the
-- session time zone, so a period bought on the 31st ends on the last day of the next month.
create function private.add_month(p_at timestamptz)
  returns timestamptz
  language sql
  immutable
  set search_path = ''
as $$
  select ((p_at at time zone 'Asia/Kuwait') + interval '1 month') at time zone 'Asia/Kuwait'
$$;

-- Why: the one JSON shape of a payment shown to its owner (checkout answer, status polling):
-- no provider reference, idempotency key or review details.
create function private.payment_json(p_payment public.payments)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_payment.id, 'purpose', p_payment.purpose, 'provider', p_payment.provider,
    'method', p_payment.method, 'status', p_payment.status,
    'amount_fils', p_payment.amount_fils, 'currency', p_payment.currency,
    'tier', p_payment.tier, 'pack', p_payment.pack, 'credits', p_payment.credits,
    'checkout_url', p_payment.checkout_url, 'expires_at', p_payment.expires_at,
    'created_at', p_payment.created_at, 'applied_at', p_payment.applied_at)
$$;

-- Why: one insert for every way a payment is created (checkout, service), so expiry and the
-- first UPayments status check are set alike. Returns null when the user already used the
-- idempotency key (the caller reads the existing row).
create function private.insert_payment(
  p_user_id uuid,
  p_purpose text,
  p_provider text,
  p_method text,
  p_amount_fils bigint,
  p_currency text,
  p_tier text default null,
  p_pack text default null,
  p_credits numeric default null,
  p_booking_id uuid default null,
  p_domain_id uuid default null,
  p_provider_ref text default null,
  p_idempotency_key text default null
)
  returns public.payments
  language plpgsql
  set search_path = ''
as $$
declare
  v_now timestamptz := private.clock();
  v_payment public.payments;
begin
  insert into public.payments (
    user_id, purpose, provider, method, provider_ref, amount_fils, currency, tier, pack, credits,
    booking_id, domain_id, idempotency_key, created_at, expires_at, next_check_at)
  values (
    p_user_id, p_purpose, p_provider, p_method, p_provider_ref, p_amount_fils, p_currency, p_tier, p_pack, p_credits,
    p_booking_id, p_domain_id, p_idempotency_key, v_now, v_now + interval '1 hour',
    -- The notification usually comes within seconds; the cron job checks from a minute on.
    case when p_provider = 'upayments' then v_now + interval '1 minute' end)
  on conflict (user_id, idempotency_key) where idempotency_key is not null do nothing
  returning * into v_payment;
  return v_payment;
end;
$$;

-- Why: every payment transition tells Make (emails) and operators through the outbox, in the
-- transaction of the change. The payload carries ids and amounts, no personal data.
create function private.payment_event(p_topic text, p_payment public.payments)
  returns void
  language sql
  set search_path = ''
as $$
  insert into public.outbox (topic, payload, created_at, available_at)
  values (p_topic, jsonb_build_object(
    'payment_id', p_payment.id, 'user_id', p_payment.user_id, 'purpose', p_payment.purpose,
    'provider', p_payment.provider, 'status', p_payment.status,
    'amount_fils', p_payment.amount_fils, 'currency', p_payment.currency,
    'tier', p_payment.tier, 'pack', p_payment.pack, 'credits', p_payment.credits,
    'booking_id', p_payment.booking_id, 'domain_id', p_payment.domain_id,
    'review_reason', p_payment.review_reason), private.clock(), private.clock())
$$;

-- Why: marks a payment for a person (and optionally moves it to a state), with its outbox event:
-- refund.needed when money was taken that the product cannot deliver, else payment.needs_review.
create function private.flag_payment(p_payment public.payments, p_reason text, p_status text default null)
  returns public.payments
  language plpgsql
  set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  update public.payments
  set review_reason = p_reason, flagged_at = private.clock(), status = coalesce(p_status, status)
  where id = p_payment.id
  returning * into strict v_payment;
  perform private.payment_event(
    case when p_reason in ('user_deleted', 'slot_taken', 'duplicate_charge') then 'refund.needed' else 'payment.needs_review' end,
    v_payment);
  return v_payment;
end;
$$;

-- Why: a refunded renewal shortens the plan, and the monthly credits left must lapse with it.
-- Definer: balances are written by definer helpers only.
create function private.set_monthly_expiry(p_user_id uuid, p_expires_at timestamptz)
  returns void
  language sql
  security definer
  set search_path = ''
as $$
  update public.credit_balances set monthly_expires_at = p_expires_at where user_id = p_user_id
$$;

-- Why: the plan rules of this migration's header, applied for one verified plan payment; returns
-- the payment with the period it bought.
create function private.grant_plan(p_payment public.payments)
  returns public.payments
  language plpgsql
  set search_path = ''
as $$
declare
  v_now timestamptz := private.clock();
  v_balance public.credit_balances := private.lock_balance(p_payment.user_id);
  v_tier public.tiers;
  v_profile public.profiles;
  v_start timestamptz;
  v_end timestamptz;
  v_payment public.payments;
begin
  select * into strict v_tier from public.tiers where id = p_payment.tier;
  select * into strict v_profile from public.profiles where id = p_payment.user_id for update;

  if v_profile.tier = v_tier.id and v_profile.period_end > v_now then
    v_start := v_profile.period_end;
  else
    v_start := v_now;
    if v_balance.monthly > 0 then
      perform private.post_credits(p_payment.user_id, 'plan_change', 0, -v_balance.monthly, 0, p_payment_id => p_payment.id);
    end if;
  end if;
  v_end := private.add_month(v_start);

  update public.profiles set tier = v_tier.id, period_end = v_end where id = p_payment.user_id;
  perform private.post_credits(p_payment.user_id, 'monthly_grant', 0, v_tier.monthly_credits, 0,
    p_payment_id => p_payment.id, p_monthly_expires_at => v_end);

  update public.payments set period_start = v_start, period_end = v_end
  where id = p_payment.id
  returning * into strict v_payment;
  return v_payment;
end;
$$;

-- Why: what a verified, matching capture does, once: plan -> grant_plan, credits -> purchased
-- credits, booking -> confirmation (or refund_required when the slot is gone), domain -> paid.
-- A plan or credit purchase whose user was deleted is flagged instead of failing forever.
create function private.settle_success(p_payment public.payments, p_amount_fils bigint, p_currency text)
  returns public.payments
  language plpgsql
  set search_path = ''
as $$
declare
  v_payment public.payments := p_payment;
  v_status text := 'succeeded';
begin
  if p_amount_fils <> v_payment.amount_fils then
    return private.flag_payment(v_payment, 'amount_mismatch', 'needs_review');
  elsif p_currency <> v_payment.currency then
    return private.flag_payment(v_payment, 'currency_mismatch', 'needs_review');
  elsif v_payment.purpose in ('plan', 'credits') and v_payment.user_id is null then
    return private.flag_payment(v_payment, 'user_deleted', 'needs_review');
  end if;

  if v_payment.purpose = 'plan' then
    v_payment := private.grant_plan(v_payment);
  elsif v_payment.purpose = 'credits' then
    perform private.lock_balance(v_payment.user_id);
    perform private.post_credits(v_payment.user_id, 'topup', 0, 0, v_payment.credits, p_payment_id => v_payment.id);
  elsif v_payment.purpose = 'booking' then
    perform 1 from public.bookings where id = v_payment.booking_id and status = 'confirmed';
    if not found then
      begin
        perform private.confirm_booking_row(v_payment.booking_id);
      exception
        when exclusion_violation or no_data_found then
          v_status := 'refund_required';
      end;
    end if;
  elsif v_payment.purpose = 'domain' then
    update public.domains set status = 'paid' where id = v_payment.domain_id and status = 'pending_payment';
  end if;

  update public.payments set status = v_status, applied_at = private.clock()
  where id = v_payment.id
  returning * into strict v_payment;
  if v_status = 'refund_required' then
    return private.flag_payment(v_payment, 'slot_taken');
  end if;
  perform private.payment_event('payment.succeeded', v_payment);
  return v_payment;
end;
$$;

-- Why: a full refund takes back what the payment granted from the bucket it went to, never
-- below zero, and removes the month a plan payment bought (header: plan rules). What cannot be
-- taken back, and refunds of superseded plan payments, are flagged for a person.
create function private.settle_refund(p_payment public.payments)
  returns public.payments
  language plpgsql
  set search_path = ''
as $$
declare
  v_now timestamptz := private.clock();
  v_payment public.payments;
  v_balance public.credit_balances;
  v_profile public.profiles;
  v_granted numeric := 0;
  v_taken numeric := 0;
  v_flag text;
begin
  if p_payment.status = 'succeeded' and p_payment.purpose in ('plan', 'credits') and p_payment.user_id is not null then
    v_balance := private.lock_balance(p_payment.user_id);
    select coalesce(sum(case when p_payment.purpose = 'plan' then l.delta_monthly else l.delta_purchased end), 0)
      into v_granted
    from public.credit_ledger l
    where l.payment_id = p_payment.id and l.reason in ('monthly_grant', 'topup');

    if p_payment.purpose = 'credits' then
      v_taken := least(v_granted, v_balance.purchased);
      if v_taken > 0 then
        perform private.post_credits(p_payment.user_id, 'refund', 0, 0, -v_taken, p_payment_id => p_payment.id);
      end if;
    else
      select * into strict v_profile from public.profiles where id = p_payment.user_id for update;
      if v_profile.tier is distinct from p_payment.tier or v_profile.period_end is distinct from p_payment.period_end then
        v_flag := 'plan_superseded';
      else
        v_taken := least(v_granted, v_balance.monthly);
        if v_taken > 0 then
          perform private.post_credits(p_payment.user_id, 'refund', 0, -v_taken, 0, p_payment_id => p_payment.id);
        end if;
        if p_payment.period_start > p_payment.applied_at and p_payment.period_start > v_now then
          -- A renewal: the plan keeps the month it extended.
          update public.profiles set period_end = p_payment.period_start where id = p_payment.user_id;
          perform private.set_monthly_expiry(p_payment.user_id, p_payment.period_start);
        else
          update public.profiles set tier = null, period_end = null where id = p_payment.user_id;
          if v_balance.monthly - v_taken > 0 then
            perform private.post_credits(p_payment.user_id, 'expiry', 0, -(v_balance.monthly - v_taken), 0);
          end if;
        end if;
      end if;
    end if;
    if v_flag is null and v_taken < v_granted then
      v_flag := 'refund_shortfall';
    end if;
  end if;

  update public.payments set status = 'refunded', refunded_at = v_now
  where id = p_payment.id
  returning * into strict v_payment;
  perform private.payment_event('payment.refunded', v_payment);
  if v_flag is not null then
    v_payment := private.flag_payment(v_payment, v_flag);
  end if;
  return v_payment;
end;
$$;

grant execute on function private.add_month(timestamptz), private.insert_payment(uuid, text, text, text, bigint, text, text, text, numeric, uuid, uuid, text, text),
  private.payment_event(text, public.payments), private.flag_payment(public.payments, text, text),
  private.set_monthly_expiry(uuid, timestamptz), private.grant_plan(public.payments),
  private.settle_success(public.payments, bigint, text), private.settle_refund(public.payments)
  to service_role;
grant execute on function private.payment_json(public.payments) to authenticated, service_role;

/**
  * -------------------------------------------------------
  * Section - Checkout (the user's token)
  * -------------------------------------------------------
 */

-- Why: the pending payment a checkout redirects to, created before the redirect. The price comes
-- from tiers or credit_packs, never from the caller; anonymous sign-ins are refused (AUTH_005).
-- A repeated idempotency key returns the same row (replayed), REQ_006 when it was used for
-- another purchase, PAY_002 when that checkout expired unpaid. Definer: users cannot write payments.
create function private.create_checkout(
  p_purpose text,
  p_provider text,
  p_idempotency_key text,
  p_tier text,
  p_pack text,
  p_method text
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_amount bigint;
  v_currency text;
  v_credits numeric;
  v_payment public.payments;
begin
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.fail('REQ_004', 'idempotency key must be 1 to 200 characters');
  end if;
  if not coalesce((p_provider = 'upayments' and p_method in ('knet', 'card')) or (p_provider = 'stripe' and p_method is null), false) then
    perform private.fail('REQ_004', 'provider must be upayments with method knet or card, or stripe without a method');
  end if;
  -- Bookings and domains are paid through their own flows; they add their branch here when they
  -- take checkout with a user's token.
  if p_purpose = 'plan' and p_pack is null then
    select t.price_fils, t.currency into v_amount, v_currency from public.tiers t where t.id = p_tier;
  elsif p_purpose = 'credits' and p_tier is null then
    select c.price_fils, c.currency, c.credits into v_amount, v_currency, v_credits from public.credit_packs c where c.id = p_pack;
  end if;
  if v_amount is null then
    perform private.fail('REQ_004', 'purpose must be plan with a known tier or credits with a known pack');
  end if;

  v_payment := private.insert_payment(v_user_id, p_purpose, p_provider, p_method, v_amount, v_currency,
    p_tier => p_tier, p_pack => p_pack, p_credits => v_credits, p_idempotency_key => p_idempotency_key);
  if v_payment.id is not null then
    return private.payment_json(v_payment) || jsonb_build_object('replayed', false);
  end if;

  select * into strict v_payment from public.payments where user_id = v_user_id and idempotency_key = p_idempotency_key;
  if v_payment.purpose is distinct from p_purpose or v_payment.tier is distinct from p_tier or v_payment.pack is distinct from p_pack
    or v_payment.provider is distinct from p_provider or v_payment.method is distinct from p_method then
    perform private.fail('REQ_006', 'idempotency key already used for another checkout');
  end if;
  if v_payment.status = 'pending' and v_payment.expires_at <= private.clock() then
    perform private.fail('PAY_002', 'checkout expired unpaid');
  end if;
  return private.payment_json(v_payment) || jsonb_build_object('replayed', true);
end;
$$;
grant execute on function private.create_checkout(text, text, text, text, text, text) to authenticated;

-- Why: the API entry point for checkout (PostgREST exposes public only); see private.create_checkout.
create function public.create_checkout(
  p_purpose text,
  p_provider text,
  p_idempotency_key text,
  p_tier text default null,
  p_pack text default null,
  p_method text default null
)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.create_checkout(p_purpose, p_provider, p_idempotency_key, p_tier, p_pack, p_method)
$$;

-- Why: the owner's view of one payment, for the page that polls after the provider's return;
-- anyone else gets NOT_FOUND_002, as for a payment that does not exist.
create function public.get_payment(p_payment_id uuid)
  returns jsonb
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_payment public.payments;
begin
  select * into v_payment from public.payments where id = p_payment_id and user_id = v_user_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'payment not found');
  end if;
  return private.payment_json(v_payment);
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Service functions: checkout, settlement, re-checks
  * -------------------------------------------------------
 */

-- Why: records the provider's reference (UPayments track id, Stripe Checkout Session id) and the
-- page to send the payer to. The first values stay: a later call returns the stored ones, so two
-- racing requests with one idempotency key both send the payer to the same page. REQ_006 when the
-- reference belongs to another payment.
create function public.set_payment_checkout(p_payment_id uuid, p_provider_ref text default null, p_checkout_url text default null)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  if p_provider_ref is null and p_checkout_url is null then
    perform private.fail('REQ_004', 'provider reference or checkout url required');
  end if;
  update public.payments
  set provider_ref = coalesce(provider_ref, p_provider_ref), checkout_url = coalesce(checkout_url, p_checkout_url)
  where id = p_payment_id
  returning * into v_payment;
  if not found then
    perform private.fail('NOT_FOUND_002', 'payment not found');
  end if;
  return to_jsonb(v_payment);
exception
  when unique_violation then
    perform private.fail('REQ_006', 'provider reference already recorded for another payment');
  when check_violation then
    perform private.fail('REQ_004', 'invalid provider reference or checkout url');
end;
$$;

-- The old five-argument form gains optional arguments; callers passing the first five by name are unchanged.
drop function public.apply_payment(text, text, text, bigint, text);

-- Why: applies a provider-verified outcome exactly once (states in this migration's header). The
-- payment is found by p_payment_id when given (our id, echoed by both providers), else by the
-- provider reference; it is locked, so repeats and races serialise and see the state the first
-- one left. With p_event_id the provider event is recorded in the same transaction (a redelivery
-- returns replayed without touching the payment; the same id with another payload is REQ_006).
-- succeeded and refunded need the amount in fils and the currency: a success must match the row
-- (else needs_review); a refund is applied only for the full amount (a partial one is flagged).
-- Answers every column of the payment plus replayed (true when this call changed nothing).
create function public.apply_payment(
  p_provider text,
  p_provider_ref text,
  p_status text,
  p_amount_fils bigint default null,
  p_currency text default null,
  p_payment_id uuid default null,
  p_event_id text default null,
  p_payload_sha256 text default null
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_payment public.payments;
  v_before public.payments;
  v_same_ref boolean;
begin
  if p_status is null or p_status not in ('succeeded', 'failed', 'cancelled', 'expired', 'refunded') then
    perform private.fail('REQ_004', 'status must be succeeded, failed, cancelled, expired or refunded');
  end if;
  if p_status in ('succeeded', 'refunded') and (p_amount_fils is null or p_amount_fils < 0 or p_currency is null) then
    perform private.fail('REQ_004', 'amount and currency required');
  end if;
  if p_provider_ref is null and p_payment_id is null then
    perform private.fail('REQ_004', 'provider reference or payment id required');
  end if;

  if p_event_id is not null and not public.record_webhook_event(p_provider, p_event_id, p_payload_sha256) then
    select * into v_payment from public.payments
    where provider = p_provider and ((p_payment_id is not null and id = p_payment_id) or (p_payment_id is null and provider_ref = p_provider_ref));
    if not found then
      perform private.fail('NOT_FOUND_002', 'payment not found');
    end if;
    return to_jsonb(v_payment) || jsonb_build_object('replayed', true);
  end if;

  if p_payment_id is not null then
    select * into v_payment from public.payments where id = p_payment_id and provider = p_provider for update;
  else
    select * into v_payment from public.payments where provider = p_provider and provider_ref = p_provider_ref for update;
  end if;
  if not found then
    perform private.fail('NOT_FOUND_002', 'payment not found');
  end if;
  v_before := v_payment;
  v_same_ref := p_provider_ref is null or v_payment.provider_ref is null or v_payment.provider_ref = p_provider_ref;

  if p_status = 'succeeded' then
    if v_payment.status in ('pending', 'failed', 'cancelled', 'expired') then
      -- A capture verified for this order under another attempt's reference is still this
      -- payment's money: the reference follows the capture.
      if p_provider_ref is not null and v_payment.provider_ref is distinct from p_provider_ref then
        update public.payments set provider_ref = p_provider_ref where id = v_payment.id returning * into strict v_payment;
      end if;
      v_payment := private.settle_success(v_payment, p_amount_fils, p_currency);
    elsif v_payment.status = 'succeeded' and not v_same_ref and v_payment.review_reason is distinct from 'duplicate_charge' then
      v_payment := private.flag_payment(v_payment, 'duplicate_charge');
    end if;
  elsif p_status in ('failed', 'cancelled', 'expired') then
    -- Only the attempt the payment knows can close it; a later success still can.
    if v_payment.status = 'pending' and v_same_ref then
      update public.payments
      set status = p_status, applied_at = private.clock(), provider_ref = coalesce(provider_ref, p_provider_ref)
      where id = v_payment.id
      returning * into strict v_payment;
      if v_payment.purpose = 'booking' then
        update public.bookings set status = 'cancelled' where id = v_payment.booking_id and status = 'held';
      end if;
      perform private.payment_event('payment.' || p_status, v_payment);
    end if;
  elsif v_payment.status <> 'refunded' then
    if not v_same_ref or p_currency <> v_payment.currency or p_amount_fils > v_payment.amount_fils or p_amount_fils = 0 then
      if v_payment.review_reason is distinct from 'refund_mismatch' then
        v_payment := private.flag_payment(v_payment, 'refund_mismatch');
      end if;
    elsif p_amount_fils < v_payment.amount_fils then
      if v_payment.review_reason is distinct from 'partial_refund' then
        v_payment := private.flag_payment(v_payment, 'partial_refund');
      end if;
    else
      v_payment := private.settle_refund(v_payment);
    end if;
  end if;

  return to_jsonb(v_payment) || jsonb_build_object('replayed', to_jsonb(v_payment) = to_jsonb(v_before));
exception
  when unique_violation then
    perform private.fail('REQ_006', 'provider reference already recorded for another payment');
end;
$$;

-- Why: hands the cron job pending UPayments payments whose next check is due, oldest first, under
-- a lease (the next check moves p_lease_seconds ahead, 30 to 3600), so overlapping runs never check
-- one payment twice and the status API sees at most p_limit (1 to 100) calls per run. provider_ref
-- is null when no track id is known yet.
create function public.claim_payment_checks(p_limit integer default 20, p_lease_seconds integer default 120)
  returns table (
    id uuid,
    provider_ref text,
    amount_fils bigint,
    currency text,
    expires_at timestamptz,
    check_attempts integer,
    created_at timestamptz
  )
  language sql
  set search_path = ''
as $$
  with due as (
    select p.id from public.payments p
    where p.status = 'pending' and p.provider = 'upayments' and p.next_check_at <= private.clock()
    order by p.next_check_at, p.id
    limit greatest(1, least(coalesce(p_limit, 20), 100))
    for update skip locked
  )
  update public.payments p
  set next_check_at = private.clock() + make_interval(secs => greatest(30, least(coalesce(p_lease_seconds, 120), 3600)))
  from due
  where p.id = due.id
  returning p.id, p.provider_ref, p.amount_fils, p.currency, p.expires_at, p.check_attempts, p.created_at
$$;

-- Why: records one status check (p_error when the status API failed or timed out) and schedules
-- the next with exponential backoff: 2, 4, 8, 16, 32 minutes, then hourly, while it stays pending.
create function public.record_payment_check(p_payment_id uuid, p_error text default null)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  update public.payments
  set check_attempts = check_attempts + 1,
      last_checked_at = private.clock(),
      last_check_error = left(p_error, 500),
      next_check_at = case when status = 'pending'
        then private.clock() + least(interval '1 hour', interval '1 minute' * power(2, least(check_attempts + 1, 20))) end
  where id = p_payment_id and provider = 'upayments'
  returning * into v_payment;
  if not found then
    perform private.fail('NOT_FOUND_002', 'upayments payment not found');
  end if;
  return jsonb_build_object('id', v_payment.id, 'status', v_payment.status, 'check_attempts', v_payment.check_attempts,
    'last_checked_at', v_payment.last_checked_at, 'next_check_at', v_payment.next_check_at);
end;
$$;

-- Why: records a checkout the service creates itself (bookings, domains; tests). Same rules as
-- before with the purposes renamed: a plan's amount must be the tier's price; a reused provider
-- reference is REQ_006.
create or replace function public.create_payment(
  p_purpose text,
  p_provider text,
  p_provider_ref text,
  p_amount_fils bigint,
  p_currency text,
  p_user_id uuid default null,
  p_tier text default null,
  p_credits numeric default null,
  p_booking_id uuid default null,
  p_domain_id uuid default null
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_user_id uuid := p_user_id;
begin
  if p_purpose = 'booking' then
    select p.owner_id into v_user_id from public.bookings b join public.projects p on p.id = b.project_id where b.id = p_booking_id;
  elsif p_purpose = 'domain' then
    select p.owner_id into v_user_id from public.domains d join public.projects p on p.id = d.project_id where d.id = p_domain_id;
  elsif p_purpose = 'plan'
    and p_amount_fils is distinct from (select t.price_fils from public.tiers t where t.id = p_tier) then
    perform private.fail('REQ_004', 'amount differs from the plan price');
  end if;
  if v_user_id is null then
    perform private.fail('NOT_FOUND_002', 'user, booking or domain not found');
  end if;
  if p_credits = 'NaN' or p_credits in ('Infinity', '-Infinity') then
    perform private.fail('REQ_004', 'credits must be a finite number');
  end if;

  return to_jsonb(private.insert_payment(v_user_id, p_purpose, p_provider, null, p_amount_fils, p_currency,
    p_tier => p_tier, p_credits => p_credits, p_booking_id => p_booking_id, p_domain_id => p_domain_id,
    p_provider_ref => p_provider_ref));
exception
  when unique_violation then
    perform private.fail('REQ_006', 'provider reference already recorded');
  when check_violation or not_null_violation or foreign_key_violation or numeric_value_out_of_range then
    perform private.fail('REQ_004', 'invalid payment fields');
end;
$$;

revoke execute on function
  public.create_checkout(text, text, text, text, text, text),
  public.get_payment(uuid)
from public, anon, service_role;
grant execute on function
  public.create_checkout(text, text, text, text, text, text),
  public.get_payment(uuid)
to authenticated;

revoke execute on function
  public.set_payment_checkout(uuid, text, text),
  public.apply_payment(text, text, text, bigint, text, uuid, text, text),
  public.claim_payment_checks(integer, integer),
  public.record_payment_check(uuid, text)
from public, anon, authenticated;
grant execute on function
  public.set_payment_checkout(uuid, text, text),
  public.apply_payment(text, text, text, bigint, text, uuid, text, text),
  public.claim_payment_checks(integer, integer),
  public.record_payment_check(uuid, text)
to service_role;

revoke execute on all functions in schema private from public;
