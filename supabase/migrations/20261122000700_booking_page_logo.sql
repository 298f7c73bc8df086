-- The booking page shows the project's logo: public_booking_page says whether the project has one
-- (the `logo` object of the public bucket, supabase/migrations/*_project_assets.sql) and when it
-- last changed, so the page never probes for a missing image and a replaced logo is not served
-- from a stale cache. Only the public bucket is looked at: nothing of the private one leaves here.

-- Why: what a booking page needs: the project's name, its logo (null when it has none), active
-- services, weekly hours and upcoming closed dates. Definer: visitors cannot read these tables
-- nor storage.objects.
create or replace function private.public_booking_page(p_slug text)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
declare
  v_project public.projects := private.project_by_slug(p_slug);
  v_today date := (private.clock() at time zone v_project.time_zone)::date;
begin
  return jsonb_build_object(
    'project', jsonb_build_object('slug', v_project.slug, 'name', v_project.name, 'time_zone', v_project.time_zone,
      'hold_minutes', v_project.booking_hold_minutes),
    'logo', (select jsonb_build_object('project_id', v_project.id, 'updated_at', coalesce(o.updated_at, o.created_at))
      from storage.objects o where o.bucket_id = 'project-public' and o.name = v_project.id::text || '/logo'),
    'today', v_today,
    'booking_window_days', private.booking_window_days(),
    'services', (select coalesce(jsonb_agg(private.service_json(s) - 'active' - 'buffer_minutes' order by s.created_at, s.id), '[]'::jsonb)
      from public.services s where s.project_id = v_project.id and s.active),
    'hours', private.opening_hours_json(v_project.id),
    'closed_dates', (select coalesce(jsonb_agg(c.day order by c.day), '[]'::jsonb) from public.closed_dates c
      where c.project_id = v_project.id and c.day between v_today and v_today + private.booking_window_days()));
end;
$$;
