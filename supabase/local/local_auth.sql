-- State of the local stack's Auth endpoint (what GoTrue keeps for itself on a real Supabase):
-- one-time sign-in tokens, sessions, refresh tokens, PKCE flows and OAuth identities. Loaded after the platform layer and only by
-- the local stack; it is not a migration, because a real project has GoTrue instead. It runs on every
-- start, so every statement is idempotent: a database made by an older stack gets what was added
-- since (the stack's data directory outlives upgrades). Users live in
-- auth.users as GoTrue keeps them, so triggers on that table fire as they do on Supabase.
-- Only the stack's superuser connection touches this schema; the API roles get nothing.

create schema if not exists local_auth;
revoke all on schema local_auth from public;

-- The live email code of a user (GoTrue keeps one confirmation/recovery token per user).
-- Only the hash is stored: sha224 hex of email || code, GoTrue's token_hash, which is also the
-- magic link's token, so the code and the link are the same single-use record.
create table if not exists local_auth.one_time_tokens (
  user_id uuid primary key references auth.users (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

-- A signed-in device; access tokens carry its id as `session_id`, and sign-out deletes it.
create table if not exists local_auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  aal text not null default 'aal1',
  amr jsonb not null,
  created_at timestamptz not null default now(),
  refreshed_at timestamptz
);
create index if not exists sessions_user_id_idx on local_auth.sessions (user_id);

-- Refresh tokens rotate: each use revokes the token and issues its child. Presenting a revoked
-- token is treated as theft and ends the session. Stored as sha256 hex, never in clear.
create table if not exists local_auth.refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references local_auth.sessions (id) on delete cascade,
  parent_hash text,
  revoked boolean not null default false,
  created_at timestamptz not null default now()
);
create index if not exists refresh_tokens_session_id_idx on local_auth.refresh_tokens (session_id);

-- A PKCE sign-in under way (GoTrue's auth.flow_state): created by /authorize (OAuth) or by /otp
-- when the client sent a code_challenge (the email link then redirects with ?code=). The auth
-- code is issued once the user is known (the provider's callback, or the opened link) and is
-- exchanged once, with the verifier, at /token?grant_type=pkce. Stored as sha256 hex.
create table if not exists local_auth.flow_states (
  id uuid primary key,
  provider_type text not null,
  authentication_method text not null,
  code_challenge text not null,
  code_challenge_method text not null check (code_challenge_method in ('s256', 'plain')),
  redirect_to text,
  user_id uuid references auth.users (id) on delete cascade,
  auth_code_hash text unique,
  auth_code_issued_at timestamptz,
  created_at timestamptz not null default now()
);
create index if not exists flow_states_user_id_idx on local_auth.flow_states (user_id);

-- Identities from OAuth providers (GoTrue keeps these, and the email identity, in auth.identities);
-- the email identity is derived from the user row. One account per provider subject.
create table if not exists local_auth.identities (
  id uuid not null unique default gen_random_uuid(),
  provider text not null,
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  last_sign_in_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (provider, provider_id)
);
create index if not exists identities_user_id_idx on local_auth.identities (user_id);
