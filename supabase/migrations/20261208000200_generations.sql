-- KWq8 AI generations: charged before the model is called, refunded exactly on any failure (the
-- builder's "charge once, refund on failure"; credit buckets as in docs/ARCHITECTURE.md section 3).
--
-- A generation is one AI action of a project's builder (the credit actions of public.credit_costs
-- but `deployment`, which is publishing). Its life: start_generation charges the action's cost
-- through the one spend path (private.charge_credits, which private.spend_credits now uses too)
-- and records the generation `running`; then exactly one of
--   * finish_generation: stores the new draft version (private.save_site_version, made_by 'ai',
--     the generation's action and id) and marks it `succeeded`, in one transaction;
--   * fail_generation (the Worker, on any failure) or refund_stale_generations (the cron, for a
--     generation whose heartbeat stopped): returns exactly what the spend took, once, and marks
--     it `refunded` with the failure reason.
-- Prompts and model outputs are never stored here; only the outcome, the model and token usage.
--
-- Refunds go back to the buckets the spend took them from (its ledger row's deltas), except that
-- credits whose bucket has lapsed or been replaced since the spend come back as purchased
-- credits, which never lapse: a daily bonus whose Kuwait day ended, and (our choice) monthly
-- credits whose paid period ended or was replaced by a new one. The generation records the
-- expiry of both buckets right after its spend; a bucket counts as the same one when its expiry
-- is unchanged and still ahead. So a refund never revives a lapsed bucket and never loses credits.
--
-- RPC surface (named arguments, as PostgREST passes them):
--   service_role (the Worker, for the user id it verified; every function checks it again):
--     start_generation(p_user_id uuid, p_project_id uuid, p_action text, p_idempotency_key text,
--         p_base_version_id uuid default null) returns jsonb     -- {generation, cost, balance, replayed}
--         -- AUTH_004/AUTH_005/AUTH_007 for the user, NOT_FOUND_002 unless they own the project,
--         -- CREDIT_004 for an unknown action, REQ_004 for `deployment` or a bad key, SITE_002 when
--         -- p_base_version_id is given and is not the draft (null: the draft as it is now),
--         -- GEN_002 when the plan does not include the action (banana_image: Premium, Enterprise),
--         -- GEN_004 with too many running, GEN_005 past the user's daily cap, GEN_006 past the
--         -- platform's daily cap, CREDIT_001 when short; each of these charges and records nothing.
--         -- A repeated (user, key) returns the first generation as it is now, replayed, charging
--         -- nothing (REQ_006 when the key was used for another action or project).
--     finish_generation(p_generation_id uuid, p_document jsonb, p_summary text, p_model text,
--         p_input_tokens integer, p_output_tokens integer, p_latency_ms integer) returns jsonb
--         -- {generation, version, site}; p_document null stores no version (a chat answer, an
--         -- image); GEN_003 unless running; SITE_002 when the draft moved since the start, and
--         -- SITE_003/REQ_004 for a document the save refuses: the generation stays running and the
--         -- Worker calls fail_generation (nothing of the finish is kept).
--     fail_generation(p_generation_id uuid, p_error_code text, p_model text default null,
--         p_input_tokens integer default null, p_output_tokens integer default null,
--         p_latency_ms integer default null) returns jsonb      -- {generation, refunded, balance}
--         -- refunds once: repeats answer refunded false with the refund's balance; GEN_003 for a
--         -- succeeded generation; p_error_code is the reason for the issue trail (e.g.
--         -- PROVIDER_429, STREAM_CUT, INVALID_OUTPUT, CANCELLED), not shown to the owner, who
--         -- gets GEN_001.
--     refund_stale_generations(p_older_than_seconds integer default 300, p_limit integer default 50)
--         returns jsonb                                             -- {refunded: n}
--         -- for the cron: running generations whose heartbeat is older, reason GEN_TIMEOUT;
--         -- concurrent runs never take the same generation (skip locked).
--     touch_generation(p_generation_id uuid) returns jsonb        -- the generation
--         -- the heartbeat of a running generation (a no-op otherwise: its status tells the
--         -- Worker the cron refunded it); NOT_FOUND_002 when unknown.
--   authenticated, the project's owner only (AUTH_005 for anonymous sign-ins, NOT_FOUND_002 for
--   anyone else):
--     owner_generation(p_project_id uuid, p_generation_id uuid) returns jsonb   -- the generation
--     project_generations(p_project_id uuid, p_limit integer default 20) returns jsonb
--         -- array, newest first
--
-- The generation JSON: {id, projectId, action, status, cost, errorCode, baseVersionId,
-- versionId, model, inputTokens, outputTokens, latencyMs, createdAt, heartbeatAt, finishedAt}.
--
-- A project deleted while one of its generations runs takes the generation with it, and that
-- spend stays charged (the owner removed what it was for).

/**
  * -------------------------------------------------------
  * Section - Limits
  * -------------------------------------------------------
 */

-- Why: how many generations one user may run at once and per Kuwait day, and the platform in
-- all per day, so one account (or a stolen key) cannot run up the AI provider's bill. Changeable
-- without a migration (`update private.generation_limits set ...`). One row.
create table private.generation_limits (
  id boolean primary key default true check (id),
  running_per_user integer not null default 3 check (running_per_user between 1 and 1000),
  per_user_per_day integer not null default 200 check (per_user_per_day between 1 and 1000000),
  platform_per_day integer not null default 20000 check (platform_per_day between 1 and 100000000)
);
comment on table private.generation_limits is
  'Generation caps: running at once per user, started per user per Asia/Kuwait day, started on the whole platform per day. One row, changed by operators with SQL.';
insert into private.generation_limits default values;

-- Why: the daily caps count generations started, not rows kept: deleting a project (and its
-- generations) must not give a day's starts back. One row per day and scope ('platform' or a
-- user id); refund_stale_generations prunes the days before yesterday.
create table private.generation_counts (
  day date not null,
  scope text not null,
  started integer not null check (started >= 0),
  primary key (day, scope)
);
comment on table private.generation_counts is
  'Generations started per Asia/Kuwait day, per user (scope = user id) and for the platform (scope = platform). Written by start_generation only.';

alter table private.generation_limits enable row level security;
alter table private.generation_counts enable row level security;
revoke all on private.generation_limits, private.generation_counts from public, anon, authenticated, service_role;

/**
  * -------------------------------------------------------
  * Section - The ledger: refunds name their action
  * -------------------------------------------------------
 */

-- A refund row of a generation carries the generation's action (and project), so the history
-- says what was refunded; only spends carry an idempotency key, as before. Replaces the
-- credits migration's unnamed check `(reason = 'spend') = (action is not null) and (reason =
-- 'spend') = (idempotency_key is not null)`.
alter table public.credit_ledger drop constraint credit_ledger_check1;
alter table public.credit_ledger add constraint credit_ledger_action_key_check check (
  (reason = 'spend') = (idempotency_key is not null)
  and (reason <> 'spend' or action is not null)
  and (action is null or reason in ('spend', 'refund')));

/**
  * -------------------------------------------------------
  * Section - Tables
  * -------------------------------------------------------
 */

-- Why: each AI action of a project's builder, from its charge to its outcome: what was spent
-- (and refunded), which draft it started from and which version it made, and the provider's
-- usage. The idempotency record of the Worker's generation requests.
create table public.site_generations (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  action text not null references public.credit_costs (action) check (action in (
    'chat_message', 'simple_edit', 'component_generation', 'page_generation', 'template_customization',
    'complex_feature', 'database_setup', 'banana_image')),
  idempotency_key text not null check (char_length(idempotency_key) between 1 and 200),
  status text not null default 'running' check (status in ('running', 'succeeded', 'refunded')),
  cost numeric(12, 1) not null check (cost > 0 and cost <> 'NaN'),
  -- No foreign keys to the ledger: both go with the account, in either order.
  spend_ledger_id bigint not null,
  refund_ledger_id bigint unique,
  daily_expires_at timestamptz,
  monthly_expires_at timestamptz,
  -- No foreign keys to versions: the quota's pruning may delete them later.
  base_version_id uuid,
  version_id uuid,
  error_code text check (error_code ~ '^[A-Z][A-Z0-9_]{0,63}$'),
  model text check (char_length(model) between 1 and 100),
  input_tokens integer check (input_tokens >= 0),
  output_tokens integer check (output_tokens >= 0),
  latency_ms integer check (latency_ms >= 0),
  created_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (user_id, idempotency_key),
  check ((status = 'running') = (finished_at is null)),
  check ((status = 'refunded') = (refund_ledger_id is not null)),
  check ((status = 'refunded') = (error_code is not null)),
  check (version_id is null or status = 'succeeded')
);
comment on table public.site_generations is
  'AI generations of a project''s site: the charge (credit_ledger spend), the outcome (running, succeeded with the version made, or refunded with the reason) and the provider''s usage. No prompts or outputs. Written by the generation functions only (the Worker); owners read their own.';
comment on column public.site_generations.project_id is 'The project whose site the generation works on. Written by start_generation.';
comment on column public.site_generations.user_id is 'The owner who started it and was charged. Written by start_generation.';
comment on column public.site_generations.action is 'The credit action charged (credit_costs), never deployment. Written by start_generation.';
comment on column public.site_generations.idempotency_key is 'The Idempotency-Key of the Worker''s request; a repeat returns this row. Written by start_generation.';
comment on column public.site_generations.status is 'running, then succeeded (finish_generation) or refunded (fail_generation, refund_stale_generations), once.';
comment on column public.site_generations.cost is 'Credits charged, from credit_costs at the start. Written by start_generation.';
comment on column public.site_generations.spend_ledger_id is 'The credit_ledger spend row (its deltas say which buckets paid). Written by start_generation.';
comment on column public.site_generations.refund_ledger_id is 'The credit_ledger refund row; null unless refunded. Written by the refund.';
comment on column public.site_generations.daily_expires_at is 'When the daily bucket lapsed as of the spend; the refund returns daily credits there only while it is unchanged. Written by start_generation.';
comment on column public.site_generations.monthly_expires_at is 'When the monthly bucket lapsed as of the spend; as daily_expires_at for monthly credits. Written by start_generation.';
comment on column public.site_generations.base_version_id is 'The draft the generation started from (null: no draft yet); finish stores on top of it only. Written by start_generation.';
comment on column public.site_generations.version_id is 'The version it produced; null for an action that changes no document. Written by finish_generation.';
comment on column public.site_generations.error_code is 'Why it failed (an upper-case reason such as GEN_TIMEOUT or PROVIDER_429); null unless refunded. Written by the refund.';
comment on column public.site_generations.model is 'The provider''s model name. Written by finish_generation or fail_generation.';
comment on column public.site_generations.input_tokens is 'Prompt tokens the provider reported. Written by finish_generation or fail_generation.';
comment on column public.site_generations.output_tokens is 'Output tokens the provider reported. Written by finish_generation or fail_generation.';
comment on column public.site_generations.latency_ms is 'How long the provider call took. Written by finish_generation or fail_generation.';
comment on column public.site_generations.heartbeat_at is 'Last sign of life of a running generation (start, then touch_generation); the cron refunds it when too old.';
comment on column public.site_generations.finished_at is 'When it succeeded or was refunded; null while running.';

create index site_generations_user_id_idx on public.site_generations (user_id, created_at desc);
create index site_generations_project_id_idx on public.site_generations (project_id, created_at desc, id desc);
create index site_generations_running_idx on public.site_generations (heartbeat_at) where status = 'running';

alter table public.site_generations enable row level security;

-- Read-only for every API role, the service included: writes go through the functions below.
revoke all on public.site_generations from anon, authenticated, service_role;
grant select on public.site_generations to authenticated, service_role;

create policy "users can read their own generations" on public.site_generations
  for select to authenticated using (user_id = (select auth.uid()));

/**
  * -------------------------------------------------------
  * Section - The one spend path
  * -------------------------------------------------------
 */

-- Why: private.spend_credits's body for a user id given by the caller, so the Worker's service
-- calls (start_generation) spend through exactly the path the users' spends take: the balance
-- lock, the idempotency replay (REQ_006 for a key reused otherwise), CREDIT_004, the project's
-- owner (NOT_FOUND_002), the plan (CREDIT_003), CREDIT_001 when short, daily then monthly then
-- purchased. Callers must have checked the user (private.require_user or require_paid_user).
-- Definer: the ledger is not writable by API roles. Granted to no API role.
create function private.charge_credits(p_user_id uuid, p_action text, p_idempotency_key text, p_project_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
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

  v_balance := private.lock_balance(p_user_id);

  select * into v_entry from public.credit_ledger
  where user_id = p_user_id and idempotency_key = p_idempotency_key;
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
      and not exists (select 1 from public.projects where id = p_project_id and owner_id = p_user_id) then
      perform private.fail('NOT_FOUND_002', 'project not found');
    end if;
    if v_cost.allowed_tiers is not null then
      v_tier := (private.active_tier(p_user_id)).id;
      if v_tier is null or not v_tier = any (v_cost.allowed_tiers) then
        perform private.fail('CREDIT_003', 'action not included in the current plan');
      end if;
    end if;
    if v_balance.daily + v_balance.monthly + v_balance.purchased < v_cost.credits then
      perform private.fail('CREDIT_001', 'balance lower than the action cost');
    end if;

    v_daily := least(v_balance.daily, v_cost.credits);
    v_monthly := least(v_balance.monthly, v_cost.credits - v_daily);
    v_entry := private.post_credits(p_user_id, 'spend', -v_daily, -v_monthly, -(v_cost.credits - v_daily - v_monthly),
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

-- Why: charges an action's cost to the caller (see private.charge_credits, its one path since
-- this migration). Definer: the ledger is not writable by users.
create or replace function private.spend_credits(p_action text, p_idempotency_key text, p_project_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  return private.charge_credits(private.require_user(true), p_action, p_idempotency_key, p_project_id);
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Private helpers
  * -------------------------------------------------------
 */

-- Why: the one JSON shape of a generation, for the Worker and the owner alike (no ledger ids,
-- idempotency key or bucket expiries).
create function private.generation_json(p_generation public.site_generations)
  returns jsonb
  language sql
  immutable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_generation.id, 'projectId', p_generation.project_id, 'action', p_generation.action,
    'status', p_generation.status, 'cost', p_generation.cost, 'errorCode', p_generation.error_code,
    'baseVersionId', p_generation.base_version_id, 'versionId', p_generation.version_id,
    'model', p_generation.model, 'inputTokens', p_generation.input_tokens,
    'outputTokens', p_generation.output_tokens, 'latencyMs', p_generation.latency_ms,
    'createdAt', p_generation.created_at, 'heartbeatAt', p_generation.heartbeat_at,
    'finishedAt', p_generation.finished_at)
$$;

-- Why: the provider's usage as the Worker reports it: a model name of 1 to 100 characters and
-- counts from 0 to 100 million (tokens) or a day (milliseconds); REQ_004 otherwise.
create function private.check_generation_usage(p_model text, p_input_tokens integer, p_output_tokens integer, p_latency_ms integer)
  returns void
  language plpgsql
  immutable
  set search_path = ''
as $$
begin
  if (p_model is not null and char_length(p_model) not between 1 and 100)
    or p_input_tokens not between 0 and 100000000
    or p_output_tokens not between 0 and 100000000
    or p_latency_ms not between 0 and 86400000 then
    perform private.fail('REQ_004', 'model must be 1 to 100 characters, token counts and latency non-negative and bounded');
  end if;
end;
$$;

-- Why: the one refund of a generation: the caller holds the generation's row lock and has seen
-- it running. Returns exactly the spend's amount, bucket by bucket, under the balance lock: daily
-- and monthly credits go back to their bucket while it is the same one (expiry unchanged since
-- the spend, and still ahead), else they come back as purchased credits; one ledger row
-- ('refund', the generation's action and project). Marks the generation refunded.
create function private.refund_generation(
  p_generation public.site_generations,
  p_error_code text,
  p_model text,
  p_input_tokens integer,
  p_output_tokens integer,
  p_latency_ms integer
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_now timestamptz := private.clock();
  v_balance public.credit_balances := private.lock_balance(p_generation.user_id);
  v_spend public.credit_ledger;
  v_daily numeric := 0;
  v_monthly numeric := 0;
  v_entry public.credit_ledger;
  v_generation public.site_generations;
begin
  select * into strict v_spend from public.credit_ledger where id = p_generation.spend_ledger_id;

  if v_spend.delta_daily < 0
    and v_balance.daily_expires_at is not distinct from p_generation.daily_expires_at
    and (v_balance.daily_expires_at is null or v_balance.daily_expires_at > v_now) then
    v_daily := -v_spend.delta_daily;
  end if;
  if v_spend.delta_monthly < 0
    and v_balance.monthly_expires_at is not distinct from p_generation.monthly_expires_at
    and (v_balance.monthly_expires_at is null or v_balance.monthly_expires_at > v_now) then
    v_monthly := -v_spend.delta_monthly;
  end if;

  v_entry := private.post_credits(p_generation.user_id, 'refund', v_daily, v_monthly, -v_spend.delta_total - v_daily - v_monthly,
    p_action => p_generation.action, p_project_id => p_generation.project_id);

  update public.site_generations
  set status = 'refunded', error_code = p_error_code, refund_ledger_id = v_entry.id, finished_at = v_now,
      model = coalesce(p_model, model), input_tokens = coalesce(p_input_tokens, input_tokens),
      output_tokens = coalesce(p_output_tokens, output_tokens), latency_ms = coalesce(p_latency_ms, latency_ms)
  where id = p_generation.id
  returning * into strict v_generation;

  return jsonb_build_object(
    'generation', private.generation_json(v_generation),
    'refunded', true,
    'balance', private.balance_json(v_entry.balance_daily, v_entry.balance_monthly, v_entry.balance_purchased));
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Service functions
  * -------------------------------------------------------
 */

-- Why: charges a generation before the model is called and records it running, for a registered
-- user who owns the project, within the plan and the caps; a repeated key returns the first
-- generation and charges nothing. The user's balance lock serialises their starts, so the caps
-- and the replay hold under concurrency; the platform's day counter row serialises the platform
-- cap, taken last so it is held briefly. Definer: generations and the ledger are not writable by
-- API roles.
create function private.start_generation(
  p_user_id uuid,
  p_project_id uuid,
  p_action text,
  p_idempotency_key text,
  p_base_version_id uuid
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_paid_user(p_user_id);
  v_now timestamptz := private.clock();
  v_today date := (v_now at time zone 'Asia/Kuwait')::date;
  v_id uuid := gen_random_uuid();
  v_limits private.generation_limits;
  v_generation public.site_generations;
  v_cost public.credit_costs;
  v_entry public.credit_ledger;
  v_balance public.credit_balances;
  v_base uuid;
  v_tier text;
  v_spend jsonb;
begin
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.fail('REQ_004', 'idempotency key must be 1 to 200 characters');
  end if;
  perform private.lock_balance(v_user_id);

  select * into v_generation from public.site_generations where user_id = v_user_id and idempotency_key = p_idempotency_key;
  if found then
    if v_generation.action is distinct from p_action or v_generation.project_id is distinct from p_project_id then
      perform private.fail('REQ_006', 'idempotency key already used for another generation');
    end if;
    select * into strict v_entry from public.credit_ledger where id = v_generation.spend_ledger_id;
    return jsonb_build_object(
      'generation', private.generation_json(v_generation),
      'cost', v_generation.cost,
      'balance', private.balance_json(v_entry.balance_daily, v_entry.balance_monthly, v_entry.balance_purchased),
      'replayed', true);
  end if;

  select * into v_cost from public.credit_costs where action = p_action;
  if not found then
    perform private.fail('CREDIT_004', 'unknown credit action');
  end if;
  if p_action = 'deployment' then
    perform private.fail('REQ_004', 'deployment is publishing, not a generation');
  end if;
  if not exists (select 1 from public.projects where id = p_project_id and owner_id = v_user_id) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  v_base := (select s.draft_version_id from public.sites s where s.project_id = p_project_id);
  if p_base_version_id is not null and p_base_version_id is distinct from v_base then
    perform private.fail('SITE_002', 'the draft changed meanwhile');
  end if;
  if v_cost.allowed_tiers is not null then
    v_tier := (private.active_tier(v_user_id)).id;
    if v_tier is null or not v_tier = any (v_cost.allowed_tiers) then
      perform private.fail('GEN_002', 'this action needs the Premium or Enterprise plan');
    end if;
  end if;

  select * into strict v_limits from private.generation_limits;
  if (select count(*) from public.site_generations g where g.user_id = v_user_id and g.status = 'running')
    >= v_limits.running_per_user then
    perform private.fail('GEN_004', 'too many generations running');
  end if;
  insert into private.generation_counts as c (day, scope, started) values (v_today, v_user_id::text, 1)
  on conflict (day, scope) do update set started = c.started + 1;
  if (select c.started from private.generation_counts c where c.day = v_today and c.scope = v_user_id::text)
    > v_limits.per_user_per_day then
    perform private.fail('GEN_005', 'daily generation cap of the user reached');
  end if;

  v_spend := private.charge_credits(v_user_id, p_action, 'generation:' || v_id::text, p_project_id);
  select * into strict v_balance from public.credit_balances where user_id = v_user_id;

  insert into private.generation_counts as c (day, scope, started) values (v_today, 'platform', 1)
  on conflict (day, scope) do update set started = c.started + 1;
  if (select c.started from private.generation_counts c where c.day = v_today and c.scope = 'platform')
    > v_limits.platform_per_day then
    perform private.fail('GEN_006', 'daily generation cap of the platform reached');
  end if;

  insert into public.site_generations (
    id, project_id, user_id, action, idempotency_key, cost, spend_ledger_id,
    daily_expires_at, monthly_expires_at, base_version_id, created_at, heartbeat_at)
  values (
    v_id, p_project_id, v_user_id, p_action, p_idempotency_key, (v_spend ->> 'cost')::numeric, (v_spend ->> 'ledger_id')::bigint,
    v_balance.daily_expires_at, v_balance.monthly_expires_at, v_base, v_now, v_now)
  returning * into v_generation;

  return jsonb_build_object(
    'generation', private.generation_json(v_generation),
    'cost', v_generation.cost,
    'balance', v_spend -> 'balance',
    'replayed', false);
end;
$$;

-- Why: a generation's success in one transaction: the new draft version (private.save_site_version
-- with made_by 'ai', the generation's action and id, on top of the draft it started from) and the
-- generation marked succeeded. Any refusal of the save (SITE_002 when the draft moved, SITE_003,
-- REQ_004) undoes the whole call and leaves the generation running for fail_generation. Definer:
-- generations are not writable by API roles.
create function private.finish_generation(
  p_generation_id uuid,
  p_document jsonb,
  p_summary text,
  p_model text,
  p_input_tokens integer,
  p_output_tokens integer,
  p_latency_ms integer
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_generation public.site_generations;
  v_saved jsonb;
  v_site public.sites;
  v_slug text;
begin
  select * into v_generation from public.site_generations where id = p_generation_id for update;
  if not found then
    perform private.fail('NOT_FOUND_002', 'generation not found');
  end if;
  if v_generation.status <> 'running' then
    perform private.fail('GEN_003', 'the generation is ' || v_generation.status);
  end if;
  perform private.check_generation_usage(p_model, p_input_tokens, p_output_tokens, p_latency_ms);

  if p_document is not null then
    v_saved := private.save_site_version(v_generation.user_id, v_generation.project_id, v_generation.base_version_id,
      p_document, 'ai', p_summary, v_generation.action, v_generation.id);
  else
    select * into strict v_site from public.sites where project_id = v_generation.project_id;
    select p.slug into strict v_slug from public.projects p where p.id = v_generation.project_id;
    v_saved := jsonb_build_object('version', null, 'site', private.site_json(v_site, v_slug));
  end if;

  update public.site_generations
  set status = 'succeeded', version_id = (v_saved -> 'version' ->> 'id')::uuid, finished_at = private.clock(),
      model = p_model, input_tokens = p_input_tokens, output_tokens = p_output_tokens, latency_ms = p_latency_ms
  where id = v_generation.id
  returning * into strict v_generation;

  return jsonb_build_object(
    'generation', private.generation_json(v_generation),
    'version', v_saved -> 'version',
    'site', v_saved -> 'site');
end;
$$;

-- Why: the Worker's refund of a failed generation, exactly once: the row lock makes concurrent
-- calls wait, and the ones after the refund answer refunded false with the refund's balance. A
-- succeeded generation cannot be refunded (GEN_003). Definer: generations and the ledger are not
-- writable by API roles.
create function private.fail_generation(
  p_generation_id uuid,
  p_error_code text,
  p_model text,
  p_input_tokens integer,
  p_output_tokens integer,
  p_latency_ms integer
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_generation public.site_generations;
  v_entry public.credit_ledger;
begin
  select * into v_generation from public.site_generations where id = p_generation_id for update;
  if not found then
    perform private.fail('NOT_FOUND_002', 'generation not found');
  end if;
  if v_generation.status = 'succeeded' then
    perform private.fail('GEN_003', 'a succeeded generation cannot be refunded');
  end if;
  if v_generation.status = 'refunded' then
    select * into strict v_entry from public.credit_ledger where id = v_generation.refund_ledger_id;
    return jsonb_build_object(
      'generation', private.generation_json(v_generation),
      'refunded', false,
      'balance', private.balance_json(v_entry.balance_daily, v_entry.balance_monthly, v_entry.balance_purchased));
  end if;
  if p_error_code is null or p_error_code !~ '^[A-Z][A-Z0-9_]{0,63}$' then
    perform private.fail('REQ_004', 'error code must be 1 to 64 upper-case letters, digits or underscores');
  end if;
  perform private.check_generation_usage(p_model, p_input_tokens, p_output_tokens, p_latency_ms);
  return private.refund_generation(v_generation, p_error_code, p_model, p_input_tokens, p_output_tokens, p_latency_ms);
end;
$$;

-- Why: the cron's refund of generations whose Worker stopped (an isolate gone mid-stream): the
-- running ones whose heartbeat is older than the threshold, oldest first, at most p_limit per
-- call, reason GEN_TIMEOUT. Skip locked: a generation another run or a fail_generation holds is
-- theirs. Balances are locked in user order, so concurrent runs cannot deadlock. Also prunes the
-- day counters before yesterday. Definer: generations and the ledger are not writable by API roles.
create function private.refund_stale_generations(p_older_than_seconds integer, p_limit integer)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_generation public.site_generations;
  v_refunded integer := 0;
begin
  if p_older_than_seconds is null or p_older_than_seconds not between 60 and 604800 then
    perform private.fail('REQ_004', 'the threshold must be 60 seconds to 7 days');
  end if;
  for v_generation in
    select stale.* from (
      select g.* from public.site_generations g
      where g.status = 'running'
        and g.heartbeat_at < private.clock() - make_interval(secs => p_older_than_seconds)
      order by g.heartbeat_at
      limit greatest(1, least(coalesce(p_limit, 50), 500))
      for update skip locked
    ) stale
    order by stale.user_id, stale.id
  loop
    perform private.refund_generation(v_generation, 'GEN_TIMEOUT', null, null, null, null);
    v_refunded := v_refunded + 1;
  end loop;
  delete from private.generation_counts c where c.day < (private.clock() at time zone 'Asia/Kuwait')::date - 1;
  return jsonb_build_object('refunded', v_refunded);
end;
$$;

-- Why: the heartbeat of a long stream, so the cron does not refund a generation still at work.
-- A generation no longer running is returned unchanged: its status tells the Worker to stop.
-- Definer: generations are not writable by API roles.
create function private.touch_generation(p_generation_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_generation public.site_generations;
begin
  update public.site_generations set heartbeat_at = greatest(heartbeat_at, private.clock())
  where id = p_generation_id and status = 'running'
  returning * into v_generation;
  if not found then
    select * into v_generation from public.site_generations where id = p_generation_id;
    if not found then
      perform private.fail('NOT_FOUND_002', 'generation not found');
    end if;
  end if;
  return private.generation_json(v_generation);
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Owner functions
  * -------------------------------------------------------
 */

-- Why: one generation of the owner's project, so the dashboard picks up its outcome when the
-- owner comes back (the work finishes after the tab closed).
create function private.owner_generation(p_project_id uuid, p_generation_id uuid)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
  v_generation public.site_generations;
begin
  select * into v_generation from public.site_generations
  where id = p_generation_id and project_id = v_project.id and user_id = v_project.owner_id;
  if not found then
    perform private.fail('NOT_FOUND_002', 'generation not found');
  end if;
  return private.generation_json(v_generation);
end;
$$;

-- Why: the owner's recent generations of a project, newest first (at most 100).
create function private.project_generations(p_project_id uuid, p_limit integer)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.owned_project(p_project_id);
begin
  return (
    select coalesce(jsonb_agg(private.generation_json(page) order by page.created_at desc, page.id desc), '[]'::jsonb)
    from (
      select g.* from public.site_generations g
      where g.project_id = v_project.id and g.user_id = v_project.owner_id
      order by g.created_at desc, g.id desc
      limit greatest(1, least(coalesce(p_limit, 20), 100))
    ) page);
end;
$$;

grant execute on function
  private.start_generation(uuid, uuid, text, text, uuid),
  private.finish_generation(uuid, jsonb, text, text, integer, integer, integer),
  private.fail_generation(uuid, text, text, integer, integer, integer),
  private.refund_stale_generations(integer, integer),
  private.touch_generation(uuid)
to service_role;
grant execute on function private.owner_generation(uuid, uuid), private.project_generations(uuid, integer) to authenticated;

/**
  * -------------------------------------------------------
  * Section - API entry points
  * -------------------------------------------------------
 */

-- Why: the API entry point for starting a generation (see private.start_generation); a
-- constraint the spend trips on becomes a catalogue code, as public.spend_credits maps them.
create function public.start_generation(
  p_user_id uuid,
  p_project_id uuid,
  p_action text,
  p_idempotency_key text,
  p_base_version_id uuid default null
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  return private.start_generation(p_user_id, p_project_id, p_action, p_idempotency_key, p_base_version_id);
exception
  when foreign_key_violation then
    perform private.fail('AUTH_007', 'the account or project was deleted');
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid generation');
end;
$$;

-- Why: the API entry point for a generation's success; see private.finish_generation.
create function public.finish_generation(
  p_generation_id uuid,
  p_document jsonb,
  p_summary text,
  p_model text,
  p_input_tokens integer,
  p_output_tokens integer,
  p_latency_ms integer
)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.finish_generation(p_generation_id, p_document, p_summary, p_model, p_input_tokens, p_output_tokens, p_latency_ms)
$$;

-- Why: the API entry point for a generation's failure and refund; see private.fail_generation.
create function public.fail_generation(
  p_generation_id uuid,
  p_error_code text,
  p_model text default null,
  p_input_tokens integer default null,
  p_output_tokens integer default null,
  p_latency_ms integer default null
)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.fail_generation(p_generation_id, p_error_code, p_model, p_input_tokens, p_output_tokens, p_latency_ms)
$$;

-- Why: the API entry point for the cron's refunds; see private.refund_stale_generations.
create function public.refund_stale_generations(p_older_than_seconds integer default 300, p_limit integer default 50)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.refund_stale_generations(p_older_than_seconds, p_limit)
$$;

-- Why: the API entry point for a generation's heartbeat; see private.touch_generation.
create function public.touch_generation(p_generation_id uuid)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.touch_generation(p_generation_id)
$$;

-- Why: the API entry point for one of the owner's generations; see private.owner_generation.
create function public.owner_generation(p_project_id uuid, p_generation_id uuid)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.owner_generation(p_project_id, p_generation_id)
$$;

-- Why: the API entry point for the owner's list of generations; see private.project_generations.
create function public.project_generations(p_project_id uuid, p_limit integer default 20)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select private.project_generations(p_project_id, p_limit)
$$;

revoke execute on function
  public.start_generation(uuid, uuid, text, text, uuid),
  public.finish_generation(uuid, jsonb, text, text, integer, integer, integer),
  public.fail_generation(uuid, text, text, integer, integer, integer),
  public.refund_stale_generations(integer, integer),
  public.touch_generation(uuid),
  public.owner_generation(uuid, uuid),
  public.project_generations(uuid, integer)
from public, anon, authenticated, service_role;
grant execute on function
  public.start_generation(uuid, uuid, text, text, uuid),
  public.finish_generation(uuid, jsonb, text, text, integer, integer, integer),
  public.fail_generation(uuid, text, text, integer, integer, integer),
  public.refund_stale_generations(integer, integer),
  public.touch_generation(uuid)
to service_role;
grant execute on function public.owner_generation(uuid, uuid), public.project_generations(uuid, integer) to authenticated;

revoke execute on all functions in schema private from public;
