-- KWq8 domains: a project's domains, bought through Namecheap (register) or owned elsewhere
-- (attach), with the payment that buys one and the registration the Worker drives afterwards.
--
-- Domain states (domains.status); every change writes `domain.status_changed` to the outbox:
--   register: pending_payment --payment succeeded--> registering --Namecheap created it--> active
--                                                                  --registration failed--> failed
--             (failed after payment: the payment becomes refund_required, outbox refund.needed)
--   attach:   pending_verification --TXT _kwq8-verify.<name> = token seen over DNS--> active
-- Entering `registering` also writes `domain.register` (the work item: registerDomain in the
-- Worker), in the transaction of the payment that caused it. Names are stored in ASCII (punycode
-- for Arabic names) with the Unicode form beside them for display.
--
-- Payments: apply_payment (billing) is not redefined. A trigger on payments reacts to a domain
-- payment becoming `succeeded`: before the row is written it checks the domain can still be
-- registered (else the payment ends `needs_review` with reason domain_unavailable, or
-- duplicate_charge when this domain was already paid, and refund.needed); after, it moves the
-- domain to registering once. apply_payment locks the payment row, so a confirmation that arrives
-- twice or concurrently registers once.
--
-- RPC surface (named arguments, as PostgREST passes them):
--   authenticated (registered users, owner of the project only):
--     request_domain_registration(p_project_id uuid, p_name text, p_provider text,
--         p_idempotency_key text, p_method text default null, p_contacts jsonb default null) returns jsonb
--         -- {domain, payment, replayed}; price from the service's quote (DOM_007 without one)
--     attach_domain(p_project_id uuid, p_name text, p_display_name text default null) returns jsonb
--     project_domains(p_project_id uuid) returns jsonb                 -- array, newest first
--   service_role:
--     quote_domain(p_name text, p_display_name text, p_premium boolean, p_provider_price_usd_cents integer,
--         p_price_fils bigint, p_ttl_seconds integer default 900) returns jsonb
--     claim_domain_registrations(p_limit integer default 5, p_lease_seconds integer default 300,
--         p_domain_id uuid default null) returns table
--     complete_domain_registration(p_domain_id uuid, p_namecheap_domain_id text default null,
--         p_order_id text default null, p_transaction_id text default null,
--         p_charged_usd_cents integer default null) returns jsonb
--     record_domain_attempt(p_domain_id uuid, p_error text, p_uncertain boolean default true) returns jsonb
--     fail_domain_registration(p_domain_id uuid, p_reason text) returns jsonb
--     mark_domain_verified(p_domain_id uuid, p_token text) returns jsonb
-- Verification is service-only: the proof is a DNS answer the Worker reads, which SQL cannot.

/**
  * -------------------------------------------------------
  * Section - Domains table
  * -------------------------------------------------------
 */

-- Billing's settle_success still writes the old 'paid' status; see private.domain_keep_status.
alter table public.domains
  drop constraint domains_status_check,
  drop constraint domains_name_key,
  add column display_name text check (char_length(display_name) between 1 and 253),
  add column kind text not null default 'register' check (kind in ('register', 'attach')),
  add column verification_token text check (verification_token ~ '^[0-9a-f]{32}$'),
  add column verified_at timestamptz,
  add column contacts jsonb,
  add column premium boolean not null default false,
  add column provider_price_usd_cents integer check (provider_price_usd_cents > 0),
  add column price_fils bigint check (price_fils > 0),
  add column years smallint not null default 1 check (years between 1 and 10),
  add column namecheap_domain_id text check (char_length(namecheap_domain_id) <= 50),
  add column namecheap_order_id text check (char_length(namecheap_order_id) <= 50),
  add column namecheap_transaction_id text check (char_length(namecheap_transaction_id) <= 50),
  add column charged_usd_cents integer check (charged_usd_cents >= 0),
  add column registration_attempts integer not null default 0,
  add column next_attempt_at timestamptz,
  add column attempt_open boolean not null default false,
  add column create_uncertain boolean not null default false,
  add column last_error text check (char_length(last_error) <= 500),
  add column failure_reason text check (failure_reason ~ '^[a-z_]{1,40}$'),
  add column refund_required boolean not null default false,
  add column activated_at timestamptz,
  add constraint domains_status_check
    check (status in ('pending_payment', 'registering', 'active', 'failed', 'pending_verification')),
  add constraint domains_label_length_check check (name !~ '[^.]{64}'),
  add constraint domains_kind_status_check check (
    (kind = 'register' and status <> 'pending_verification') or (kind = 'attach' and status in ('pending_verification', 'active'))),
  add constraint domains_token_check check ((kind = 'attach') = (verification_token is not null));

comment on column public.domains.name is 'The name in ASCII, lower case; Arabic and other IDN labels in punycode (xn--…). Written by the domain functions.';
comment on column public.domains.display_name is 'The name as people read it (Unicode); null means the same as name. Written by the domain functions.';
comment on column public.domains.kind is 'register: bought through us from Namecheap; attach: owned elsewhere, proven by a DNS TXT record.';
comment on column public.domains.verification_token is 'Attach only: the value of the TXT record _kwq8-verify.<name> that proves control. Readable by the owner.';
comment on column public.domains.verified_at is 'Attach only: when the TXT record was seen. Written by mark_domain_verified.';
comment on column public.domains.contacts is 'Register only: the registrant, tech, admin and billing contacts sent to Namecheap (personal data; owner and service only).';
comment on column public.domains.premium is 'Namecheap prices this name as premium; registration must repeat the quoted price.';
comment on column public.domains.provider_price_usd_cents is 'What Namecheap quoted for one year, in US cents. Written from the quote.';
comment on column public.domains.price_fils is 'What the owner pays, in fils (KWD). Written from the quote.';
comment on column public.domains.registration_attempts is 'namecheap.domains.create attempts claimed by the Worker.';
comment on column public.domains.next_attempt_at is 'When the Worker may next try to register this domain (lease, then backoff); null unless registering.';
comment on column public.domains.attempt_open is 'An attempt was claimed and has not reported back yet.';
comment on column public.domains.create_uncertain is 'An earlier attempt may have reached Namecheap without us learning the outcome (timeout, crash), so "already registered" can be ours.';
comment on column public.domains.failure_reason is 'Why registration failed (a short code, no personal data).';
comment on column public.domains.refund_required is 'Registration failed after the owner paid: the payment is flagged for a refund.';

-- One site per live name; several owners may hold pending requests until one of them pays.
create unique index domains_live_name_idx on public.domains (name) where status in ('registering', 'active');
-- A project has a name once, failed attempts aside.
create unique index domains_project_name_idx on public.domains (project_id, name) where status <> 'failed';
create index domains_due_registrations_idx on public.domains (next_attempt_at, id) where status = 'registering';

-- Why: prices that the service (the Worker, after asking Namecheap) quoted a short while ago. The
-- owner's request takes its price from here, never from the caller. One row per name, replaced by
-- the newest quote.
create table private.domain_quotes (
  name text primary key,
  display_name text not null,
  premium boolean not null,
  provider_price_usd_cents integer not null check (provider_price_usd_cents > 0),
  -- Stripe takes KWD only in multiples of 10 fils.
  price_fils bigint not null check (price_fils > 0 and price_fils % 10 = 0),
  expires_at timestamptz not null
);
comment on table private.domain_quotes is
  'Recent prices of domain names (Namecheap''s in US cents, ours in fils), written by the service, read by request_domain_registration.';
create index domain_quotes_expires_at_idx on private.domain_quotes (expires_at);
alter table private.domain_quotes enable row level security;
revoke all on private.domain_quotes from public, anon, authenticated, service_role;
grant select, insert, update, delete on private.domain_quotes to service_role;

-- Payments flagged for domain reasons (beside the billing and booking ones).
alter table public.payments drop constraint payments_review_reason_check;
alter table public.payments add constraint payments_review_reason_check check (review_reason in (
  'amount_mismatch', 'currency_mismatch', 'user_deleted', 'slot_taken', 'duplicate_charge',
  'partial_refund', 'refund_mismatch', 'refund_shortfall', 'plan_superseded', 'booking_cancelled',
  'domain_unavailable', 'domain_failed'));

/**
  * -------------------------------------------------------
  * Section - Rules and shapes
  * -------------------------------------------------------
 */

-- Why: the ASCII form the Worker sends (shared/domain-name.ts): lower-case LDH labels of 1 to 63,
-- at least two, a letter TLD, 253 characters at most.
create function private.is_domain_name(p_name text)
  returns boolean
  language sql
  immutable
  set search_path = ''
as $$
  select coalesce(char_length(p_name) <= 253
    and p_name ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$', false)
$$;

-- Why: the Unicode form must be the same name: label for label, equal to the ASCII label, or a
-- non-ASCII label where the ASCII one is punycode; no spaces, controls or bidi overrides.
create function private.is_domain_display(p_name text, p_display text)
  returns boolean
  language sql
  immutable
  set search_path = ''
as $$
  select coalesce(
    char_length(p_display) <= 253
    and p_display !~ '[[:space:][:cntrl:]\u200e\u200f\u202a-\u202e\u2066-\u2069]'
    and cardinality(string_to_array(p_name, '.')) = cardinality(string_to_array(p_display, '.'))
    and not exists (
      select 1
      from unnest(string_to_array(p_name, '.'), string_to_array(p_display, '.')) as l(ascii, shown)
      where not (l.shown = l.ascii or (l.ascii like 'xn--%' and l.shown ~ '[^\x01-\x7f]' and char_length(l.shown) <= 63))
    ), false)
$$;

-- Why: the four contacts Namecheap needs (registrant, tech, admin, auxBilling), each with the
-- fields and formats worker/providers/namecheap/client.ts sends, in printable ASCII (what
-- registrars accept in WHOIS), and nothing else. Checked before any payment is created.
create function private.is_domain_contacts(p_contacts jsonb)
  returns boolean
  language plpgsql
  immutable
  set search_path = ''
as $$
declare
  v_role text;
  v_contact jsonb;
  v_field record;
  v_value text;
begin
  if jsonb_typeof(p_contacts) is distinct from 'object' or (select count(*) from jsonb_object_keys(p_contacts)) <> 4 then
    return false;
  end if;
  foreach v_role in array array['registrant', 'tech', 'admin', 'auxBilling'] loop
    v_contact := p_contacts -> v_role;
    if jsonb_typeof(v_contact) is distinct from 'object' then
      return false;
    end if;
    if exists (
      select 1 from jsonb_object_keys(v_contact) k
      where k not in ('firstName', 'lastName', 'organizationName', 'jobTitle', 'address1', 'address2', 'city',
        'stateProvince', 'postalCode', 'country', 'phone', 'email')
    ) then
      return false;
    end if;
    for v_field in
      select * from (values
        ('firstName', true, '^[ -~]{1,255}$'), ('lastName', true, '^[ -~]{1,255}$'),
        ('organizationName', false, '^[ -~]{0,255}$'), ('jobTitle', false, '^[ -~]{0,255}$'),
        ('address1', true, '^[ -~]{1,255}$'), ('address2', false, '^[ -~]{0,255}$'),
        ('city', true, '^[ -~]{1,50}$'), ('stateProvince', true, '^[ -~]{1,50}$'), ('postalCode', true, '^[ -~]{1,50}$'),
        ('country', true, '^[A-Z]{2}$'), ('phone', true, '^\+[0-9]{1,3}\.[0-9]{4,14}$'),
        ('email', true, '^[!-?A-~]{1,64}@[!-?A-~]{1,190}\.[!-?A-~]{2,63}$')
      ) as f(name, required, pattern)
    loop
      if v_contact ? v_field.name and jsonb_typeof(v_contact -> v_field.name) <> 'string' then
        return false;
      end if;
      v_value := v_contact ->> v_field.name;
      if v_value is null then
        if v_field.required then
          return false;
        end if;
      elsif v_value !~ v_field.pattern or (v_field.required and btrim(v_value) = '') then
        return false;
      end if;
    end loop;
  end loop;
  return true;
end;
$$;

-- Why: the one JSON shape of a domain for its owner: no contacts, Namecheap ids or attempt details.
create function private.domain_json(p_domain public.domains)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_domain.id, 'project_id', p_domain.project_id,
    'name', p_domain.name, 'display_name', coalesce(p_domain.display_name, p_domain.name),
    'kind', p_domain.kind, 'status', p_domain.status, 'premium', p_domain.premium,
    'price_fils', p_domain.price_fils, 'currency', case when p_domain.price_fils is not null then 'KWD' end,
    'verification_token', p_domain.verification_token, 'verified_at', p_domain.verified_at,
    'expires_at', p_domain.expires_at, 'activated_at', p_domain.activated_at,
    'failure_reason', p_domain.failure_reason, 'refund_required', p_domain.refund_required,
    'created_at', p_domain.created_at, 'updated_at', p_domain.updated_at)
$$;

-- Why: serialises what can put a name live (payments confirming, verification, requests), so two
-- projects never both hold one name and a request sees a payment that just confirmed.
create function private.lock_domain_name(p_name text)
  returns void
  language sql
  set search_path = ''
as $$
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('domain:' || coalesce(p_name, ''), 0))
$$;

-- Why: requests and attachments of one project one at a time, so the per-project limit holds.
create function private.lock_project_domains(p_project_id uuid)
  returns void
  language sql
  set search_path = ''
as $$
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('domains:' || p_project_id::text, 0))
$$;

-- Why: the owner may hold a few domains per project (failed ones aside); DOM_006 beyond.
create function private.check_domain_limit(p_project_id uuid)
  returns void
  language plpgsql
  stable
  set search_path = ''
as $$
begin
  if (select count(*) from public.domains where project_id = p_project_id and status <> 'failed') >= 5 then
    perform private.fail('DOM_006', 'domain limit per project reached');
  end if;
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Triggers: status events, payments, deletion
  * -------------------------------------------------------
 */

-- Why: every status change of a domain tells Make (emails to the owner) through the outbox, in
-- the transaction of the change. Ids, names and statuses only: no contacts.
create function private.domain_status_event()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  insert into public.outbox (topic, payload, created_at, available_at)
  select 'domain.status_changed', jsonb_build_object(
      'domain_id', new.id, 'project_id', new.project_id, 'owner_id', p.owner_id,
      'name', new.name, 'display_name', coalesce(new.display_name, new.name), 'kind', new.kind,
      'status', new.status, 'previous_status', old.status,
      'failure_reason', new.failure_reason, 'refund_required', new.refund_required),
    private.clock(), private.clock()
  from public.projects p where p.id = new.project_id;
  return null;
end;
$$;

create trigger domains_status_changed after update of status on public.domains
  for each row when (old.status is distinct from new.status) execute function private.domain_status_event();

-- Why: billing's settle_success marks a paid domain 'paid', a status this migration replaces; the
-- payments trigger below moves the domain on instead, so that write keeps the old status.
create function private.domain_keep_status()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.status := old.status;
  return new;
end;
$$;

create trigger domains_keep_status before update of status on public.domains
  for each row when (new.status = 'paid') execute function private.domain_keep_status();

-- Why: a registration in progress has been paid for and may already exist at Namecheap; deleting
-- its row (or its project) would lose the only record of it. DOM_005 until it ends.
create function private.domain_delete_guard()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  perform private.fail('DOM_005', 'domain registration in progress');
  return old;
end;
$$;

create trigger domains_delete_guard before delete on public.domains
  for each row when (old.status = 'registering') execute function private.domain_delete_guard();

-- Why: a domain payment may succeed only for a domain that can still be registered: its row
-- exists, awaits payment, and no other site holds the name. Otherwise the money is flagged for a
-- person before the row is written (needs_review; duplicate_charge when this domain was already
-- paid, else domain_unavailable), with refund.needed.
create function private.domain_payment_guard()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_domain public.domains;
  v_reason text;
begin
  select * into v_domain from public.domains where id = new.domain_id for update;
  if found then
    perform private.lock_domain_name(v_domain.name);
  end if;
  if v_domain.id is null then
    v_reason := 'domain_unavailable';
  elsif v_domain.status in ('registering', 'active') and v_domain.kind = 'register' then
    v_reason := 'duplicate_charge';
  elsif v_domain.status <> 'pending_payment'
    or exists (select 1 from public.domains d where d.name = v_domain.name and d.id <> v_domain.id and d.status in ('registering', 'active')) then
    v_reason := 'domain_unavailable';
  end if;
  if v_reason is not null then
    new.status := 'needs_review';
    new.review_reason := v_reason;
    new.flagged_at := private.clock();
    perform private.payment_event('refund.needed', new);
  end if;
  return new;
end;
$$;

create trigger payments_domain_guard before update of status on public.payments
  for each row when (new.purpose = 'domain' and new.status = 'succeeded' and old.status <> 'succeeded')
  execute function private.domain_payment_guard();

-- Why: a confirmed domain payment starts the registration once: the domain moves to registering
-- and the work item domain.register is written in the same transaction (the guard above has
-- checked the domain, and apply_payment's row lock makes repeats see `succeeded`).
create function private.domain_payment_succeeded()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_domain public.domains;
begin
  update public.domains
  set status = 'registering', next_attempt_at = private.clock(), registration_attempts = 0,
      attempt_open = false, create_uncertain = false, last_error = null
  where id = new.domain_id and status = 'pending_payment'
  returning * into v_domain;
  if found then
    insert into public.outbox (topic, payload, created_at, available_at)
    values ('domain.register', jsonb_build_object('domain_id', v_domain.id, 'payment_id', new.id, 'name', v_domain.name),
      private.clock(), private.clock());
  end if;
  return null;
end;
$$;

create trigger payments_domain_succeeded after update of status on public.payments
  for each row when (new.purpose = 'domain' and new.status = 'succeeded' and old.status <> 'succeeded')
  execute function private.domain_payment_succeeded();

/**
  * -------------------------------------------------------
  * Section - Owner functions
  * -------------------------------------------------------
 */

-- Why: starts buying a domain for one of the caller's projects: the domain row (pending_payment)
-- and its pending payment at the price the service quoted for the name (DOM_007 when there is no
-- fresh quote), in one transaction. Contacts are checked first (REQ_004): given, or the ones of
-- the caller's most recent registration. A name another site holds is DOM_001. A repeated
-- idempotency key returns the first answer (replayed), REQ_006 when it was used for something
-- else, PAY_002 when that checkout expired unpaid. Definer: users cannot write domains or payments.
create function private.request_domain_registration(
  p_project_id uuid,
  p_name text,
  p_provider text,
  p_idempotency_key text,
  p_method text,
  p_contacts jsonb
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_contacts jsonb := p_contacts;
  v_quote private.domain_quotes;
  v_domain public.domains;
  v_payment public.payments;
begin
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.fail('REQ_004', 'idempotency key must be 1 to 200 characters');
  end if;
  if not coalesce((p_provider = 'upayments' and p_method in ('knet', 'card')) or (p_provider = 'stripe' and p_method is null), false) then
    perform private.fail('REQ_004', 'provider must be upayments with method knet or card, or stripe without a method');
  end if;
  if not private.is_domain_name(p_name) then
    perform private.fail('REQ_004', 'invalid domain name');
  end if;
  if not exists (select 1 from public.projects where id = p_project_id and owner_id = v_user_id) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  -- Locks in the order every path takes: project, the domain row, then the name.
  perform private.lock_project_domains(p_project_id);
  perform 1 from public.domains where project_id = p_project_id and name = p_name and status <> 'failed' for update;
  perform private.lock_domain_name(p_name);

  select * into v_payment from public.payments where user_id = v_user_id and idempotency_key = p_idempotency_key;
  if found then
    select * into v_domain from public.domains where id = v_payment.domain_id;
    if v_payment.purpose <> 'domain' or v_domain.project_id is distinct from p_project_id or v_domain.name is distinct from p_name
      or v_payment.provider is distinct from p_provider or v_payment.method is distinct from p_method then
      perform private.fail('REQ_006', 'idempotency key already used for another request');
    end if;
    if v_payment.status = 'pending' and v_payment.expires_at <= private.clock() then
      perform private.fail('PAY_002', 'checkout expired unpaid');
    end if;
    return jsonb_build_object('domain', private.domain_json(v_domain), 'payment', private.payment_json(v_payment), 'replayed', true);
  end if;

  if v_contacts is null then
    select d.contacts into v_contacts
    from public.domains d join public.projects p on p.id = d.project_id
    where p.owner_id = v_user_id and d.contacts is not null
    order by d.created_at desc
    limit 1;
  end if;
  if not coalesce(private.is_domain_contacts(v_contacts), false) then
    perform private.fail('REQ_004', 'registrant contacts missing or invalid');
  end if;
  select * into v_quote from private.domain_quotes where name = p_name and expires_at > private.clock();
  if not found then
    perform private.fail('DOM_007', 'no fresh price quote for this name');
  end if;
  if exists (select 1 from public.domains where name = p_name and status in ('registering', 'active')) then
    perform private.fail('DOM_001', 'name held by a site');
  end if;

  -- A pending request or attachment of this name in this project becomes this purchase.
  update public.domains
  set kind = 'register', status = 'pending_payment', display_name = v_quote.display_name, contacts = v_contacts,
      premium = v_quote.premium, provider_price_usd_cents = v_quote.provider_price_usd_cents,
      price_fils = v_quote.price_fils, verification_token = null
  where project_id = p_project_id and name = p_name and status in ('pending_payment', 'pending_verification')
  returning * into v_domain;
  if not found then
    perform private.check_domain_limit(p_project_id);
    insert into public.domains (project_id, name, display_name, kind, status, contacts, premium, provider_price_usd_cents, price_fils)
    values (p_project_id, p_name, v_quote.display_name, 'register', 'pending_payment', v_contacts, v_quote.premium,
      v_quote.provider_price_usd_cents, v_quote.price_fils)
    returning * into v_domain;
  end if;

  v_payment := private.insert_payment(v_user_id, 'domain', p_provider, p_method, v_quote.price_fils, 'KWD',
    p_domain_id => v_domain.id, p_idempotency_key => p_idempotency_key);
  if v_payment.id is null then
    perform private.fail('REQ_006', 'idempotency key used concurrently for another request');
  end if;
  return jsonb_build_object('domain', private.domain_json(v_domain), 'payment', private.payment_json(v_payment), 'replayed', false);
exception
  when unique_violation then
    perform private.fail('DOM_004', 'the project already has this domain');
end;
$$;

-- Why: the API entry point; see private.request_domain_registration.
create function public.request_domain_registration(
  p_project_id uuid,
  p_name text,
  p_provider text,
  p_idempotency_key text,
  p_method text default null,
  p_contacts jsonb default null
)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.request_domain_registration(p_project_id, p_name, p_provider, p_idempotency_key, p_method, p_contacts)
$$;

-- Why: connects a domain the owner already has to one of their projects: a row awaiting proof
-- (pending_verification) with a fresh token for the TXT record. Asking again returns the row; a
-- pending purchase of the name in this project becomes the attachment. A name another site holds
-- is DOM_004. Definer: users cannot write domains.
create function private.attach_domain(p_project_id uuid, p_name text, p_display_name text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
  v_display text := coalesce(p_display_name, p_name);
  v_domain public.domains;
begin
  if not private.is_domain_name(p_name) or not private.is_domain_display(p_name, v_display) then
    perform private.fail('REQ_004', 'invalid domain name');
  end if;
  if not exists (select 1 from public.projects where id = p_project_id and owner_id = v_user_id) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  perform private.lock_project_domains(p_project_id);
  select * into v_domain from public.domains where project_id = p_project_id and name = p_name and status <> 'failed' for update;
  perform private.lock_domain_name(p_name);
  if v_domain.id is not null and v_domain.status <> 'pending_payment' then
    return private.domain_json(v_domain);
  end if;
  if exists (select 1 from public.domains where name = p_name and status in ('registering', 'active')) then
    perform private.fail('DOM_004', 'name held by a site');
  end if;
  if v_domain.id is not null then
    update public.domains
    set kind = 'attach', status = 'pending_verification', display_name = v_display, contacts = null,
        verification_token = replace(gen_random_uuid()::text, '-', '')
    where id = v_domain.id
    returning * into v_domain;
  else
    perform private.check_domain_limit(p_project_id);
    insert into public.domains (project_id, name, display_name, kind, status, verification_token)
    values (p_project_id, p_name, v_display, 'attach', 'pending_verification', replace(gen_random_uuid()::text, '-', ''))
    returning * into v_domain;
  end if;
  return private.domain_json(v_domain);
end;
$$;

-- Why: the API entry point; see private.attach_domain.
create function public.attach_domain(p_project_id uuid, p_name text, p_display_name text default null)
  returns jsonb
  language sql
  set search_path = ''
as $$
  select private.attach_domain(p_project_id, p_name, p_display_name)
$$;

-- Why: a registered owner's domains of one project, newest first, each with its latest payment
-- (to resume an unpaid checkout or show a refund); NOT_FOUND_002 when the project is not theirs.
create function public.project_domains(p_project_id uuid)
  returns jsonb
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
begin
  if not exists (select 1 from public.projects where id = p_project_id and owner_id = v_user_id) then
    perform private.fail('NOT_FOUND_002', 'project not found');
  end if;
  return coalesce((
    select jsonb_agg(private.domain_json(d) || jsonb_build_object('payment', (
        select jsonb_build_object('id', pay.id, 'status', pay.status, 'provider', pay.provider,
          'checkout_url', pay.checkout_url, 'expires_at', pay.expires_at)
        from public.payments pay where pay.domain_id = d.id
        order by pay.created_at desc, pay.id desc limit 1))
      order by d.created_at desc, d.id desc)
    from public.domains d where d.project_id = p_project_id), '[]'::jsonb);
end;
$$;

/**
  * -------------------------------------------------------
  * Section - Service functions
  * -------------------------------------------------------
 */

-- Why: records the price the Worker computed from Namecheap's answer (our margin and exchange
-- rate over Namecheap's price), valid for p_ttl_seconds (60 to 3600), for the owner's request.
-- Quotes that expired a day ago are removed on the way, so searches do not pile up rows.
create function public.quote_domain(
  p_name text,
  p_display_name text,
  p_premium boolean,
  p_provider_price_usd_cents integer,
  p_price_fils bigint,
  p_ttl_seconds integer default 900
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_quote private.domain_quotes;
begin
  if not private.is_domain_name(p_name) or not private.is_domain_display(p_name, p_display_name) or p_premium is null
    or p_ttl_seconds is null or p_ttl_seconds not between 60 and 3600 then
    perform private.fail('REQ_004', 'invalid quote');
  end if;
  delete from private.domain_quotes where expires_at < private.clock() - interval '1 day';
  insert into private.domain_quotes as q (name, display_name, premium, provider_price_usd_cents, price_fils, expires_at)
  values (p_name, p_display_name, p_premium, p_provider_price_usd_cents, p_price_fils, private.clock() + make_interval(secs => p_ttl_seconds))
  on conflict (name) do update
  set display_name = excluded.display_name, premium = excluded.premium,
      provider_price_usd_cents = excluded.provider_price_usd_cents, price_fils = excluded.price_fils, expires_at = excluded.expires_at
  returning * into v_quote;
  return to_jsonb(v_quote);
exception
  when check_violation or not_null_violation then
    perform private.fail('REQ_004', 'invalid quote prices');
end;
$$;

-- Why: hands the Worker registrations that are due, oldest first, under a lease (5 to 3600 s), so
-- overlapping cron runs never send one name to Namecheap twice at once. A claim that finds the
-- previous attempt still open (the Worker died mid-call) marks the outcome uncertain. With
-- p_domain_id, only that domain (when due).
create function public.claim_domain_registrations(
  p_limit integer default 5,
  p_lease_seconds integer default 300,
  p_domain_id uuid default null
)
  returns table (
    id uuid,
    name text,
    contacts jsonb,
    years smallint,
    premium boolean,
    provider_price_usd_cents integer,
    registration_attempts integer,
    create_uncertain boolean
  )
  language sql
  set search_path = ''
as $$
  with due as (
    select d.id from public.domains d
    where d.status = 'registering' and d.next_attempt_at <= private.clock() and (p_domain_id is null or d.id = p_domain_id)
    order by d.next_attempt_at, d.id
    limit greatest(1, least(coalesce(p_limit, 5), 50))
    for update skip locked
  )
  update public.domains d
  set registration_attempts = d.registration_attempts + 1,
      create_uncertain = d.create_uncertain or d.attempt_open,
      attempt_open = true,
      next_attempt_at = private.clock() + make_interval(secs => greatest(5, least(coalesce(p_lease_seconds, 300), 3600)))
  from due
  where d.id = due.id
  returning d.id, d.name, d.contacts, d.years, d.premium, d.provider_price_usd_cents, d.registration_attempts, d.create_uncertain
$$;

-- Why: Namecheap registered the name: the domain becomes active for its years. Repeats return the
-- row as it is; a domain that is not registering is returned unchanged (the caller checks status).
create function public.complete_domain_registration(
  p_domain_id uuid,
  p_namecheap_domain_id text default null,
  p_order_id text default null,
  p_transaction_id text default null,
  p_charged_usd_cents integer default null
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_domain public.domains;
begin
  update public.domains
  set status = 'active', activated_at = private.clock(), expires_at = private.clock() + make_interval(years => years),
      namecheap_domain_id = p_namecheap_domain_id, namecheap_order_id = p_order_id,
      namecheap_transaction_id = p_transaction_id, charged_usd_cents = p_charged_usd_cents,
      attempt_open = false, next_attempt_at = null, last_error = null
  where id = p_domain_id and status = 'registering'
  returning * into v_domain;
  if not found then
    select * into v_domain from public.domains where id = p_domain_id;
    if not found then
      perform private.fail('NOT_FOUND_002', 'domain not found');
    end if;
  end if;
  return private.domain_json(v_domain);
exception
  when check_violation then
    perform private.fail('REQ_004', 'invalid registration details');
end;
$$;

-- Why: an attempt that did not register the name but may be retried (Namecheap down, slow or
-- answering nonsense): the next one waits 2, 4, 8 … minutes (at most an hour). p_uncertain when
-- the request may have reached Namecheap (a timeout), so "already registered" later can be ours.
create function public.record_domain_attempt(p_domain_id uuid, p_error text, p_uncertain boolean default true)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_domain public.domains;
begin
  update public.domains
  set attempt_open = false, create_uncertain = create_uncertain or coalesce(p_uncertain, true), last_error = left(p_error, 500),
      next_attempt_at = private.clock() + least(interval '1 hour', interval '1 minute' * power(2, least(registration_attempts, 20)))
  where id = p_domain_id and status = 'registering'
  returning * into v_domain;
  if not found then
    perform private.fail('NOT_FOUND_002', 'no registration in progress for this domain');
  end if;
  return private.domain_json(v_domain) || jsonb_build_object('registration_attempts', v_domain.registration_attempts,
    'next_attempt_at', v_domain.next_attempt_at);
end;
$$;

-- Why: the registration failed for good after the owner paid: the domain becomes failed and its
-- confirmed payment refund_required (review reason domain_failed) with refund.needed, once.
-- A domain that is not registering is returned unchanged.
create function public.fail_domain_registration(p_domain_id uuid, p_reason text)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_domain public.domains;
  v_payment public.payments;
  v_flagged boolean := false;
begin
  if p_reason is null or p_reason !~ '^[a-z_]{1,40}$' then
    perform private.fail('REQ_004', 'reason must be a short code');
  end if;
  -- Payments before the domain, the order apply_payment takes them in.
  perform 1 from public.payments where domain_id = p_domain_id and purpose = 'domain' and status = 'succeeded' for update;
  select * into v_domain from public.domains where id = p_domain_id for update;
  if not found then
    perform private.fail('NOT_FOUND_002', 'domain not found');
  end if;
  if v_domain.status <> 'registering' then
    return private.domain_json(v_domain);
  end if;
  for v_payment in
    update public.payments
    set status = 'refund_required', review_reason = 'domain_failed', flagged_at = private.clock()
    where domain_id = p_domain_id and purpose = 'domain' and status = 'succeeded'
    returning *
  loop
    perform private.payment_event('refund.needed', v_payment);
    v_flagged := true;
  end loop;
  update public.domains
  set status = 'failed', failure_reason = p_reason, refund_required = v_flagged,
      attempt_open = false, next_attempt_at = null
  where id = p_domain_id
  returning * into v_domain;
  return private.domain_json(v_domain);
end;
$$;

-- Why: the Worker saw the TXT record with the token: the attached domain becomes active. REQ_004
-- when the token is not this domain's; DOM_004 when another site holds the name by now.
create function public.mark_domain_verified(p_domain_id uuid, p_token text)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_domain public.domains;
begin
  select * into v_domain from public.domains where id = p_domain_id for update;
  if not found then
    perform private.fail('NOT_FOUND_002', 'domain not found');
  end if;
  perform private.lock_domain_name(v_domain.name);
  if v_domain.kind <> 'attach' or v_domain.verification_token is distinct from p_token then
    perform private.fail('REQ_004', 'token does not match this domain');
  end if;
  if v_domain.status = 'active' then
    return private.domain_json(v_domain);
  end if;
  if exists (select 1 from public.domains where name = v_domain.name and id <> v_domain.id and status in ('registering', 'active')) then
    perform private.fail('DOM_004', 'name held by another site');
  end if;
  update public.domains set status = 'active', verified_at = private.clock(), activated_at = private.clock()
  where id = p_domain_id
  returning * into v_domain;
  return private.domain_json(v_domain);
end;
$$;

grant execute on function private.is_domain_name(text), private.is_domain_display(text, text), private.is_domain_contacts(jsonb),
  private.domain_json(public.domains), private.lock_domain_name(text), private.lock_project_domains(uuid),
  private.check_domain_limit(uuid), private.request_domain_registration(uuid, text, text, text, text, jsonb),
  private.attach_domain(uuid, text, text)
  to authenticated;
grant execute on function private.is_domain_name(text), private.is_domain_display(text, text),
  private.domain_json(public.domains), private.lock_domain_name(text)
  to service_role;

revoke execute on function
  public.request_domain_registration(uuid, text, text, text, text, jsonb),
  public.attach_domain(uuid, text, text),
  public.project_domains(uuid)
from public, anon, service_role;
grant execute on function
  public.request_domain_registration(uuid, text, text, text, text, jsonb),
  public.attach_domain(uuid, text, text),
  public.project_domains(uuid)
to authenticated;

revoke execute on function
  public.quote_domain(text, text, boolean, integer, bigint, integer),
  public.claim_domain_registrations(integer, integer, uuid),
  public.complete_domain_registration(uuid, text, text, text, integer),
  public.record_domain_attempt(uuid, text, boolean),
  public.fail_domain_registration(uuid, text),
  public.mark_domain_verified(uuid, text)
from public, anon, authenticated;
grant execute on function
  public.quote_domain(text, text, boolean, integer, bigint, integer),
  public.claim_domain_registrations(integer, integer, uuid),
  public.complete_domain_registration(uuid, text, text, text, integer),
  public.record_domain_attempt(uuid, text, boolean),
  public.fail_domain_registration(uuid, text),
  public.mark_domain_verified(uuid, text)
to service_role;

revoke execute on all functions in schema private from public;
