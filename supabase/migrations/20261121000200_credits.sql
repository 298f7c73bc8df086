-- KWq8 credits: balances by bucket, the append-only ledger, and the functions that move credits
-- (spend, daily bonus) or report them (get_me, credit_ledger). Grants of credits from payments
-- (monthly allowance, top-ups) are in the payments migration; they use the same private helpers.
--
-- Buckets: `daily` lapses at the end of its Asia/Kuwait day, `monthly` at the end of the paid
-- period, `purchased` never. Spend order: daily, monthly, purchased. Every change of a balance is
-- one ledger row (delta per bucket + balance after), written by private.post_credits only, so the
-- sum of a user's ledger always equals their stored balance. A lapsed bucket is written off by an
-- `expiry` row at the user's next credit operation; readers (get_me) count it as 0 meanwhile.

/**
  * -------------------------------------------------------
  * Section - Tables
  * -------------------------------------------------------
 */

-- Why: the current balance per bucket, locked row-wise to serialise a user's credit operations.
create table public.credit_balances (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  daily numeric(12, 1) not null default 0 check (daily >= 0),
  daily_expires_at timestamptz,
  monthly numeric(12, 1) not null default 0 check (monthly >= 0),
  monthly_expires_at timestamptz,
  purchased numeric(12, 1) not null default 0 check (purchased >= 0),
  -- The Asia/Kuwait calendar day of the last daily bonus claimed.
  last_bonus_day date,
  updated_at timestamptz not null default now()
);
comment on table public.credit_balances is
  'A user''s credits per bucket (daily bonus, monthly allowance, purchased) and when each lapses. Changed only with a ledger row, by private.post_credits.';

-- Why: the history of every credit change; the audit trail and the idempotency record of spends.
create table public.credit_ledger (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  reason text not null check (reason in ('spend', 'daily_bonus', 'monthly_grant', 'topup', 'expiry', 'refund')),
  action text references public.credit_costs (action),
  -- No foreign key: the history keeps the project id after the project is deleted.
  project_id uuid,
  payment_id uuid,
  idempotency_key text check (char_length(idempotency_key) between 1 and 200),
  delta_daily numeric(12, 1) not null default 0,
  delta_monthly numeric(12, 1) not null default 0,
  delta_purchased numeric(12, 1) not null default 0,
  delta_total numeric(12, 1) generated always as (delta_daily + delta_monthly + delta_purchased) stored,
  balance_daily numeric(12, 1) not null check (balance_daily >= 0),
  balance_monthly numeric(12, 1) not null check (balance_monthly >= 0),
  balance_purchased numeric(12, 1) not null check (balance_purchased >= 0),
  balance_after numeric(12, 1) generated always as (balance_daily + balance_monthly + balance_purchased) stored,
  check (delta_daily <> 0 or delta_monthly <> 0 or delta_purchased <> 0),
  check ((reason = 'spend') = (action is not null) and (reason = 'spend') = (idempotency_key is not null))
);
comment on table public.credit_ledger is
  'Append-only credit history: one row per change with the delta per bucket and the balances after. The sum of a user''s deltas equals their credit_balances row. Spends carry the caller''s idempotency key.';

create index credit_ledger_user_id_idx on public.credit_ledger (user_id, id desc);
create unique index credit_ledger_idempotency_key_idx on public.credit_ledger (user_id, idempotency_key)
  where idempotency_key is not null;

create trigger credit_balances_set_updated_at before update on public.credit_balances
  for each row execute function private.set_updated_at();

alter table public.credit_balances enable row level security;
alter table public.credit_ledger enable row level security;

-- Read-only for users and for the service alike: writes go through private.post_credits.
revoke all on public.credit_balances, public.credit_ledger from anon, authenticated, service_role;
grant select on public.credit_balances, public.credit_ledger to authenticated, service_role;

create policy "users can read their own credit balance" on public.credit_balances
  for select to authenticated using (user_id = (select auth.uid()));
create policy "users can read their own credit ledger" on public.credit_ledger
  for select to authenticated using (user_id = (select auth.uid()));

/**
  * -------------------------------------------------------
  * Section - Private helpers
  * -------------------------------------------------------
 */

-- Why: the one writer of balances and ledger, so both always agree. The caller holds the balance
-- row lock (private.lock_balance). Definer: nobody else may write either table.
create function private.post_credits(
  p_user_id uuid,
  p_reason text,
  p_daily numeric,
  p_monthly numeric,
  p_purchased numeric,
  p_action text default null,
  p_project_id uuid default null,
  p_idempotency_key text default null,
  p_payment_id uuid default null,
  p_daily_expires_at timestamptz default null,
  p_monthly_expires_at timestamptz default null
)
  returns public.credit_ledger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_balance public.credit_balances;
  v_entry public.credit_ledger;
begin
  update public.credit_balances
  set daily = daily + p_daily,
      daily_expires_at = coalesce(p_daily_expires_at, daily_expires_at),
      monthly = monthly + p_monthly,
      monthly_expires_at = coalesce(p_monthly_expires_at, monthly_expires_at),
      purchased = purchased + p_purchased
  where user_id = p_user_id
  returning * into strict v_balance;

  insert into public.credit_ledger (
    user_id, created_at, reason, action, project_id, payment_id, idempotency_key,
    delta_daily, delta_monthly, delta_purchased, balance_daily, balance_monthly, balance_purchased)
  values (
    p_user_id, private.clock(), p_reason, p_action, p_project_id, p_payment_id, p_idempotency_key,
    p_daily, p_monthly, p_purchased, v_balance.daily, v_balance.monthly, v_balance.purchased)
  returning * into v_entry;
  return v_entry;
end;
$$;

-- Why: every credit operation starts here: it creates the balance row on first use, locks it (so a
-- user's operations run one at a time), and writes off buckets whose time has passed.
create function private.lock_balance(p_user_id uuid)
  returns public.credit_balances
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_balance public.credit_balances;
  v_now timestamptz := private.clock();
  v_daily numeric;
  v_monthly numeric;
begin
  insert into public.credit_balances (user_id) values (p_user_id) on conflict (user_id) do nothing;
  select * into strict v_balance from public.credit_balances where user_id = p_user_id for update;

  v_daily := case when v_balance.daily_expires_at <= v_now then v_balance.daily else 0 end;
  v_monthly := case when v_balance.monthly_expires_at <= v_now then v_balance.monthly else 0 end;
  if v_daily > 0 or v_monthly > 0 then
    perform private.post_credits(p_user_id, 'expiry', -v_daily, -v_monthly, 0);
    select * into strict v_balance from public.credit_balances where user_id = p_user_id;
  end if;
  return v_balance;
end;
$$;

-- Why: the one JSON shape of a balance in API answers.
create function private.balance_json(p_daily numeric, p_monthly numeric, p_purchased numeric)
  returns jsonb
  language sql
  immutable
  set search_path = ''
as $$
  select jsonb_build_object('daily', p_daily, 'monthly', p_monthly, 'purchased', p_purchased,
    'total', p_daily + p_monthly + p_purchased)
$$;

-- Why: the tier whose plan is active for the user now, or null.
create function private.active_tier(p_user_id uuid)
  returns public.tiers
  language sql
  stable
  set search_path = ''
as $$
  select t.* from public.profiles p join public.tiers t on t.id = p.tier
  where p.id = p_user_id and p.period_end > private.clock()
$$;

grant execute on function private.balance_json(numeric, numeric, numeric) to authenticated, service_role;
grant execute on function private.post_credits(uuid, text, numeric, numeric, numeric, text, uuid, text, uuid, timestamptz, timestamptz),
  private.lock_balance(uuid) to service_role;

/**
  * -------------------------------------------------------
  * Section - Spending and the daily bonus
  * -------------------------------------------------------
 */

-- Why: charges an action's cost (credit_costs) to the caller, daily then monthly then purchased,
-- in one locked path. Short balance: CREDIT_001 and nothing changes. A repeated idempotency key
-- returns the first result (replayed) and charges nothing; the same key for another action or
-- project is REQ_006. Definer: the ledger is not writable by users.
create function private.spend_credits(p_action text, p_idempotency_key text, p_project_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_balance public.credit_balances;
  v_entry public.credit_ledger;
  v_cost public.credit_costs;
  v_tier text;
  v_daily numeric;
  v_monthly numeric;
  v_replayed boolean;
begin
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.fail('REQ_004', 'idempotency key must be 1 to 200 characters');
  end if;

  v_balance := private.lock_balance(v_user_id);

  select * into v_entry from public.credit_ledger
  where user_id = v_user_id and idempotency_key = p_idempotency_key;
  v_replayed := found;
  if v_replayed then
    if v_entry.action is distinct from p_action or v_entry.project_id is distinct from p_project_id then
      perform private.fail('REQ_006', 'idempotency key already used for another spend');
    end if;
  else
    select * into v_cost from public.credit_costs where action = p_action;
    if not found then
      perform private.fail('CREDIT_004', 'unknown credit action');
    end if;
    if p_project_id is not null
      and not exists (select 1 from public.projects where id = p_project_id and owner_id = v_user_id) then
      perform private.fail('NOT_FOUND_002', 'project not found');
    end if;
    if v_cost.allowed_tiers is not null then
      v_tier := (private.active_tier(v_user_id)).id;
      if v_tier is null or not v_tier = any (v_cost.allowed_tiers) then
        perform private.fail('CREDIT_003', 'action not included in the current plan');
      end if;
    end if;
    if v_balance.daily + v_balance.monthly + v_balance.purchased < v_cost.credits then
      perform private.fail('CREDIT_001', 'balance lower than the action cost');
    end if;

    v_daily := least(v_balance.daily, v_cost.credits);
    v_monthly := least(v_balance.monthly, v_cost.credits - v_daily);
    v_entry := private.post_credits(v_user_id, 'spend', -v_daily, -v_monthly, -(v_cost.credits - v_daily - v_monthly),
      p_action => p_action, p_project_id => p_project_id, p_idempotency_key => p_idempotency_key);
  end if;

  return jsonb_build_object(
    'ledger_id', v_entry.id,
    'action', v_entry.action,
    'cost', -v_entry.delta_total,
    'balance', private.balance_json(v_entry.balance_daily, v_entry.balance_monthly, v_entry.balance_purchased),
    'replayed', v_replayed);
end;
$$;

-- Why: the plan's daily bonus, once per Asia/Kuwait calendar day (CREDIT_002 on a second claim),
-- lapsing at the end of that day; CREDIT_003 without an active plan. Definer: writes the ledger.
create function private.claim_daily_bonus()
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_balance public.credit_balances := private.lock_balance(v_user_id);
  v_tier public.tiers := private.active_tier(v_user_id);
  v_today date := (private.clock() at time zone 'Asia/Kuwait')::date;
  v_expires_at timestamptz := (v_today + 1)::timestamp at time zone 'Asia/Kuwait';
  v_entry public.credit_ledger;
begin
  if v_tier.id is null then
    perform private.fail('CREDIT_003', 'no active plan');
  end if;
  if v_balance.last_bonus_day = v_today then
    perform private.fail('CREDIT_002', 'daily bonus already claimed today');
  end if;

  v_entry := private.post_credits(v_user_id, 'daily_bonus', v_tier.daily_bonus, 0, 0, p_daily_expires_at => v_expires_at);
  update public.credit_balances set last_bonus_day = v_today where user_id = v_user_id;

  return jsonb_build_object(
    'ledger_id', v_entry.id,
    'amount', v_entry.delta_daily,
    'expires_at', v_expires_at,
    'balance', private.balance_json(v_entry.balance_daily, v_entry.balance_monthly, v_entry.balance_purchased));
end;
$$;

grant execute on function private.spend_credits(text, text, uuid), private.claim_daily_bonus() to authenticated;

-- Why: the API entry point for spending (PostgREST exposes public only); see private.spend_credits.
create function public.spend_credits(p_action text, p_idempotency_key text, p_project_id uuid default null)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.spend_credits(p_action, p_idempotency_key, p_project_id)
$$;

-- Why: the API entry point for the daily bonus; see private.claim_daily_bonus.
create function public.claim_daily_bonus()
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.claim_daily_bonus()
$$;

/**
  * -------------------------------------------------------
  * Section - Reading credits
  * -------------------------------------------------------
 */

-- Why: what the dashboard shows on load: the caller's locale and active plan, and their credits
-- per bucket (lapsed buckets as 0) with when each lapses and when the next bonus can be claimed.
create function public.get_me()
  returns jsonb
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(false);
  v_now timestamptz := private.clock();
  v_today date := (v_now at time zone 'Asia/Kuwait')::date;
  v_profile public.profiles;
  v_balance public.credit_balances;
  v_active boolean;
  v_daily numeric;
  v_monthly numeric;
  v_bonus_available boolean;
begin
  select * into v_profile from public.profiles where id = v_user_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'profile not found');
  end if;
  select * into v_balance from public.credit_balances where user_id = v_user_id;

  v_active := coalesce(v_profile.period_end > v_now, false);
  v_daily := case when v_balance.daily_expires_at > v_now then v_balance.daily else 0 end;
  v_monthly := case when v_balance.monthly_expires_at > v_now then v_balance.monthly else 0 end;
  v_bonus_available := v_active and v_balance.last_bonus_day is distinct from v_today;

  return jsonb_build_object(
    'profile', jsonb_build_object(
      'locale', v_profile.locale,
      'tier', case when v_active then v_profile.tier end,
      'period_end', v_profile.period_end),
    'credits', private.balance_json(v_daily, v_monthly, coalesce(v_balance.purchased, 0)) || jsonb_build_object(
      'daily_expires_at', case when v_daily > 0 then v_balance.daily_expires_at end,
      'monthly_expires_at', case when v_monthly > 0 then v_balance.monthly_expires_at end,
      'next_bonus_at', case
        when v_bonus_available then v_now
        when v_active then (v_today + 1)::timestamp at time zone 'Asia/Kuwait'
      end,
      'bonus_available', v_bonus_available));
end;
$$;

-- Why: the caller's credit history, newest first, one keyset page at a time (id < p_before_id).
create function public.credit_ledger(p_limit integer default 20, p_before_id bigint default null)
  returns table (
    id bigint,
    created_at timestamptz,
    reason text,
    action text,
    project_id uuid,
    delta_daily numeric,
    delta_monthly numeric,
    delta_purchased numeric,
    delta_total numeric,
    balance_after numeric
  )
  language sql
  stable
  set search_path = ''
as $$
  select l.id, l.created_at, l.reason, l.action, l.project_id,
    l.delta_daily, l.delta_monthly, l.delta_purchased, l.delta_total, l.balance_after
  from public.credit_ledger l
  where l.user_id = private.require_user(false)
    and (p_before_id is null or l.id < p_before_id)
  order by l.id desc
  limit greatest(1, least(coalesce(p_limit, 20), 100))
$$;

revoke execute on function public.spend_credits(text, text, uuid), public.claim_daily_bonus(), public.get_me(),
  public.credit_ledger(integer, bigint) from public, anon, service_role;
grant execute on function public.spend_credits(text, text, uuid), public.claim_daily_bonus(), public.get_me(),
  public.credit_ledger(integer, bigint) to authenticated;

revoke execute on all functions in schema private from public;
