-- Client errors: what went wrong in visitors' browsers (POST /api/client-errors), kept in
-- public.error_log beside the Worker's own errors, for diagnosis without a log service.
-- The Worker scrubs personal data before calling; the function bounds what one call and one
-- minute can store, so a flood cannot grow the table without limit.

-- Why: tells browser reports from the Worker's own errors.
alter table public.error_log add column source text not null default 'server' check (source in ('server', 'client'));
comment on column public.error_log.source is 'Who reported the error: the Worker (server) or a browser through POST /api/client-errors (client). Written by service functions only.';

-- Why: the one way a browser report is stored. Service only (the Worker calls it after its rate
-- limit and scrubbing); at most 600 client reports a minute are kept, the rest are dropped.
create function public.record_client_error(p_message text, p_route text, p_detail text default null)
  returns boolean
  language plpgsql
  set search_path = ''
as $$
begin
  if p_message is null or btrim(p_message) = '' then
    perform private.fail('REQ_004', 'message is required');
  end if;
  if (select count(*) from public.error_log
      where source = 'client' and created_at > private.clock() - interval '1 minute') >= 600 then
    return false;
  end if;
  insert into public.error_log (code, route, detail, source)
  values ('CLIENT', left(p_route, 300), left(p_message || coalesce(E'\n' || p_detail, ''), 2000), 'client');
  return true;
end;
$$;

revoke execute on function public.record_client_error(text, text, text) from public, anon, authenticated;
grant execute on function public.record_client_error(text, text, text) to service_role;
