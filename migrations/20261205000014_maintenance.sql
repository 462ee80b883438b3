-- Maintenance calendar (issue 10): series of service windows, planned downtime, releases, changes, freezes and
-- high-volume or critical periods. A series is a start in a named zone, a length and optionally an RFC 5545
-- rule; its occurrences are expanded by vakt (never with timestamp casts here). A secondary window follows its
-- primary (`follows`, `follow_days`): its occurrences are the primary's, days later, at its own time.
-- Only admins write; everyone reads. Follows the schema's pattern (docs/architecture.md): functions pin their
-- search_path, who and when are stamped, instants are bounded.

CREATE TABLE public.maintenance_series (
    id              bigserial PRIMARY KEY,
    services        text[] NOT NULL CHECK (cardinality(services) BETWEEN 1 AND 500),
    kind            text NOT NULL CHECK (kind IN ('primary_window', 'secondary_window', 'planned_downtime', 'release',
                                                  'change', 'freeze', 'high_volume', 'critical_period')),
    state           text NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'proposed', 'approved', 'announced', 'in_progress', 'done', 'cancelled')),
    impact          text NOT NULL DEFAULT 'unavailable' CHECK (impact IN ('unavailable', 'degraded', 'none')),
    zone            text NOT NULL CHECK (zone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' AND length(zone) <= 64),
    -- The first start in the zone's wall-clock time.
    start_local     timestamp NOT NULL CHECK (start_local >= '1900-01-01' AND start_local < '2200-01-01'),
    length_seconds  bigint NOT NULL CHECK (length_seconds > 0 AND length_seconds <= 92 * 86400),
    rule            text CHECK (rule IS NULL OR (length(rule) <= 500 AND rule !~ '[[:cntrl:]]')),
    follows         bigint REFERENCES public.maintenance_series (id),
    follow_days     integer CHECK (follow_days BETWEEN 1 AND 31),
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 4000),
    -- Local start dates of occurrences that are cancelled (iCalendar EXDATE).
    cancelled_dates date[] NOT NULL DEFAULT '{}',
    created_by      text NOT NULL DEFAULT current_user,
    created_at      timestamptz NOT NULL DEFAULT now() CHECK (created_at >= '1900-01-01' AND created_at < '2200-01-01'),
    version         integer NOT NULL DEFAULT 1,
    CHECK ((follows IS NULL) = (follow_days IS NULL)),
    CHECK (follows IS NULL OR (kind = 'secondary_window' AND rule IS NULL)),
    CHECK (follows IS NULL OR follows <> id)
);
CREATE INDEX maintenance_series_follows_idx ON public.maintenance_series (follows);

-- Every service named must exist: an array cannot carry a foreign key.
CREATE FUNCTION public.vakt_maintenance_services_known() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    unknown text;
BEGIN
    SELECT s INTO unknown FROM pg_catalog.unnest(NEW.services) s
    WHERE NOT EXISTS (SELECT 1 FROM public.services v WHERE v.code = s) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown service %', pg_catalog.quote_literal(unknown) USING ERRCODE = '23503';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER maintenance_series_services_known BEFORE INSERT OR UPDATE OF services ON public.maintenance_series
    FOR EACH ROW EXECUTE FUNCTION public.vakt_maintenance_services_known();
CREATE TRIGGER maintenance_series_created_by BEFORE INSERT ON public.maintenance_series
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');
CREATE TRIGGER maintenance_series_version BEFORE UPDATE ON public.maintenance_series
    FOR EACH ROW EXECUTE FUNCTION public.vakt_bump_version();
CREATE TRIGGER maintenance_series_changed AFTER INSERT OR UPDATE OR DELETE ON public.maintenance_series
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

GRANT SELECT ON public.maintenance_series TO vakt_viewer;
GRANT INSERT, UPDATE ON public.maintenance_series TO vakt_admin;
GRANT USAGE ON SEQUENCE public.maintenance_series_id_seq TO vakt_admin;
