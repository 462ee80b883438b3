-- Availability (issue 11), step 2: outages. An outage makes a service unavailable or degraded from a start to an
-- end (open while it lasts), comes from an incident or is entered directly, and may carry one of its agreement's
-- exclusion reasons (ROR-IKT §6.2). Availability is computed by vakt from these and the maintenance calendar.
-- Operators record and end outages; everyone reads them. Follows the schema's pattern (docs/architecture.md).

CREATE TABLE public.outages (
    id          bigserial PRIMARY KEY,
    service_id  bigint NOT NULL REFERENCES public.services (id),
    incident_id bigint REFERENCES public.incidents (id),
    starts_at   timestamptz NOT NULL CHECK (starts_at >= '1900-01-01' AND starts_at < '2200-01-01'),
    ends_at     timestamptz CHECK (ends_at IS NULL OR (ends_at > starts_at AND ends_at < '2200-01-01')),
    impact      text NOT NULL DEFAULT 'unavailable' CHECK (impact IN ('unavailable', 'degraded')),
    exclusion   text CHECK (exclusion IS NULL OR (btrim(exclusion) <> '' AND length(exclusion) <= 200)),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    created_by  text NOT NULL DEFAULT current_user,
    created_at  timestamptz NOT NULL DEFAULT now() CHECK (created_at >= '1900-01-01' AND created_at < '2200-01-01'),
    version     integer NOT NULL DEFAULT 1
);
CREATE INDEX outages_service_idx ON public.outages (service_id, starts_at);
CREATE INDEX outages_incident_idx ON public.outages (incident_id);

-- An exclusion is one of the reasons the service's agreement names, in any of its versions.
CREATE FUNCTION public.vakt_outage_exclusion_known() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.exclusion IS NOT NULL AND NOT EXISTS (
        SELECT 1
        FROM public.services s
        JOIN public.agreement_versions v ON v.agreement_id = s.agreement_id
        CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(coalesce(v.document -> 'availability', '[]')) t
        CROSS JOIN LATERAL pg_catalog.jsonb_array_elements_text(coalesce(t -> 'exclusion_reasons', '[]')) r
        WHERE s.id = NEW.service_id AND r = NEW.exclusion) THEN
        RAISE EXCEPTION 'the agreement of this service names no exclusion reason %', pg_catalog.quote_literal(NEW.exclusion)
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER outages_exclusion_known BEFORE INSERT OR UPDATE OF exclusion, service_id ON public.outages
    FOR EACH ROW EXECUTE FUNCTION public.vakt_outage_exclusion_known();
CREATE TRIGGER outages_created_by BEFORE INSERT ON public.outages
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');
CREATE TRIGGER outages_version BEFORE UPDATE ON public.outages
    FOR EACH ROW EXECUTE FUNCTION public.vakt_bump_version();
CREATE TRIGGER outages_changed AFTER INSERT OR UPDATE OR DELETE ON public.outages
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

GRANT SELECT ON public.outages TO vakt_viewer;
GRANT INSERT ON public.outages TO vakt_operator;
GRANT UPDATE (ends_at, impact, exclusion, note) ON public.outages TO vakt_operator;
GRANT USAGE ON SEQUENCE public.outages_id_seq TO vakt_operator;
