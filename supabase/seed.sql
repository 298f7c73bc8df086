-- Local demo data, loaded after the migrations (`supabase db reset`, `npm run dev`): a demo owner
-- on the Premium plan with credits, one project with two services, opening hours and two
-- bookings, so its booking page (/book/demo-studio/) works on the first run. Price lists come from the
-- migrations. Sign in as demo@kwq8.local / demo-password-1234.

/**
  * -------------------------------------------------------
  * Section - Demo owner
  * -------------------------------------------------------
 */

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values (
  '00000000-0000-0000-0000-000000000000', 'd0d0d0d0-0000-4000-8000-000000000001', 'authenticated', 'authenticated',
  'demo@kwq8.local', extensions.crypt('demo-password-1234', extensions.gen_salt('bf')), now(),
  '{"provider": "email", "providers": ["email"]}', '{"locale": "ar"}', now(), now());

-- GoTrue on a real Supabase stack also needs an identity row and empty (not null) token columns;
-- the local platform layer has neither, so this runs only where they exist.
do $$
begin
  if to_regclass('auth.identities') is not null then
    execute $sql$
      update auth.users set confirmation_token = '', recovery_token = '', email_change_token_new = '', email_change = ''
      where id = 'd0d0d0d0-0000-4000-8000-000000000001';
      insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
      values ('d0d0d0d0-0000-4000-8000-000000000001', 'd0d0d0d0-0000-4000-8000-000000000001',
        '{"sub": "d0d0d0d0-0000-4000-8000-000000000001", "email": "demo@kwq8.local", "email_verified": true}',
        'email', now(), now(), now());
    $sql$;
  end if;
end
$$;

-- The profile exists (sign-up trigger); give it an active Premium period and its allowance.
update public.profiles set tier = 'premium', period_end = now() + interval '1 month'
where id = 'd0d0d0d0-0000-4000-8000-000000000001';

select private.lock_balance('d0d0d0d0-0000-4000-8000-000000000001');
select private.post_credits('d0d0d0d0-0000-4000-8000-000000000001', 'monthly_grant', 0, monthly_credits, 0,
  p_monthly_expires_at => now() + interval '1 month')
from public.tiers where id = 'premium';
select private.post_credits('d0d0d0d0-0000-4000-8000-000000000001', 'topup', 0, 0, 25);

/**
  * -------------------------------------------------------
  * Section - Demo project and bookings
  * -------------------------------------------------------
 */

insert into public.projects (id, owner_id, name, slug)
values ('d0d0d0d0-0000-4000-8000-0000000000a1', 'd0d0d0d0-0000-4000-8000-000000000001', 'استوديو التجربة', 'demo-studio');

-- Two services; Sunday to Thursday 09:00-17:00 and Saturday 10:00-14:00 (Asia/Kuwait), Friday closed.
insert into public.services (id, project_id, name_ar, name_en, duration_minutes, price_fils, buffer_minutes) values
  ('d0d0d0d0-0000-4000-8000-0000000000b1', 'd0d0d0d0-0000-4000-8000-0000000000a1', 'جلسة تصوير', 'Photo session', 60, 15000, 15),
  ('d0d0d0d0-0000-4000-8000-0000000000b2', 'd0d0d0d0-0000-4000-8000-0000000000a1', 'استشارة قصيرة', 'Short consultation', 30, 5000, 0);

insert into public.opening_hours (project_id, weekday, opens_at, closes_at)
select 'd0d0d0d0-0000-4000-8000-0000000000a1', weekday, '09:00', '17:00' from generate_series(0, 4) weekday;
insert into public.opening_hours (project_id, weekday, opens_at, closes_at)
values ('d0d0d0d0-0000-4000-8000-0000000000a1', 6, '10:00', '14:00');

-- Tomorrow at 10:00 and 11:00 Kuwait time: one confirmed session, one held while its visitor pays.
insert into public.bookings (project_id, service_id, slot, status, hold_expires_at, confirmed_at, client_name, client_email, client_phone)
select 'd0d0d0d0-0000-4000-8000-0000000000a1', 'd0d0d0d0-0000-4000-8000-0000000000b1',
  tstzrange(day + make_interval(hours => 10 + n), day + make_interval(hours => 11 + n)),
  case n when 0 then 'confirmed' else 'held' end,
  now() + interval '15 minutes',
  case n when 0 then now() end,
  case n when 0 then 'سارة الكندري' else 'Omar Demo' end,
  case n when 0 then 'sara@example.test' else 'omar@example.test' end,
  case n when 0 then '+965 5000 0001' else '+965 5000 0002' end
from (select (((now() at time zone 'Asia/Kuwait')::date + 1)::timestamp at time zone 'Asia/Kuwait') as day) d,
  generate_series(0, 1) n;
