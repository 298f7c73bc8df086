-- The owner's registrant details from their latest registration, so the dashboard's buy form
-- starts filled in and stays editable (a registration sent without contacts already reuses
-- them, see private.request_domain_registration).

-- Why: the registrant of the caller's most recent registration, or null. Invoker rights: RLS on
-- domains keeps the rows to the caller's own projects; anonymous users are refused (AUTH_005).
create function public.my_domain_contacts()
  returns jsonb
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user(true);
begin
  return (
    select d.contacts -> 'registrant'
    from public.domains d
    join public.projects p on p.id = d.project_id
    where p.owner_id = v_user_id and d.contacts is not null
    order by d.created_at desc
    limit 1
  );
end;
$$;
revoke execute on function public.my_domain_contacts() from public, anon, service_role;
grant execute on function public.my_domain_contacts() to authenticated;
