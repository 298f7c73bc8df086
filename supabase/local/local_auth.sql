-- State of the local stack's Auth endpoint (what GoTrue keeps for itself on a real Supabase):
-- one-time sign-in tokens, sessions and refresh tokens. Loaded after the platform layer and only by
-- the local stack; it is not a migration, because a real project has GoTrue instead. Users live in
-- auth.users as GoTrue keeps them, so triggers on that table fire as they do on Supabase.
-- Only the stack's superuser connection touches this schema; the API roles get nothing.

create schema local_auth;
revoke all on schema local_auth from public;

-- The live email code of a user (GoTrue keeps one confirmation/recovery token per user).
-- Only the hash is stored: sha224 hex of email || code, GoTrue's token_hash, which is also the
-- magic link's token, so the code and the link are the same single-use record.
create table local_auth.one_time_tokens (
  user_id uuid primary key references auth.users (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

-- A signed-in device; access tokens carry its id as `session_id`, and sign-out deletes it.
create table local_auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  aal text not null default 'aal1',
  amr jsonb not null,
  created_at timestamptz not null default now(),
  refreshed_at timestamptz
);
create index sessions_user_id_idx on local_auth.sessions (user_id);

-- Refresh tokens rotate: each use revokes the token and issues its child. Presenting a revoked
-- token is treated as theft and ends the session. Stored as sha256 hex, never in clear.
create table local_auth.refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references local_auth.sessions (id) on delete cascade,
  parent_hash text,
  revoked boolean not null default false,
  created_at timestamptz not null default now()
);
create index refresh_tokens_session_id_idx on local_auth.refresh_tokens (session_id);
