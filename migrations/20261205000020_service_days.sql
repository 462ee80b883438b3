-- Availability (issue 11), step 3: the heat-map's rollup. Incidents received, SLA clocks breached and the worst
-- share of a budget used, per service, local day (on the wall clock of the incident's agreement) and priority, so
-- that 500 services × 52 weeks is read from about as many rows as cells instead of parsing every incident's
-- clocks on every key.
--
-- Kept current in the same transaction as each change by statement-level triggers on incidents: they gather the
-- keys a statement touched (from its transition tables) and recount those keys from the incidents. The keys'
-- services are locked (advisory, transaction-scoped, in one order) before they are recounted, so two writers on
-- one service-day never leave a count that misses the other's change. Nobody writes the rollup directly: the triggers run as
-- vakt_tallier, a role that logs in as nobody and holds only what the recount needs.

CREATE TABLE public.service_days (
    service_id bigint NOT NULL REFERENCES public.services (id),
    day        date NOT NULL,
    priority   text NOT NULL,
    received   integer NOT NULL CHECK (received > 0),
    breaches   integer NOT NULL CHECK (breaches >= 0),
    worst_used double precision,
    PRIMARY KEY (service_id, day, priority)
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vakt_tallier') THEN
        CREATE ROLE vakt_tallier NOLOGIN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE pg_catalog.format('GRANT vakt_tallier TO %I', current_user);
    END IF;
END
$$;

-- One incident's SLA figures: clocks breached and the worst share of a budget used, from its clocks as frozen at
-- resolution (else as of its last event). The one definition the recount, the backfill and the plain aggregation
-- (db::heatmap::service_days_recounted) share.
CREATE FUNCTION public.vakt_clock_figures(p_outcome jsonb, p_clocks jsonb,
                                          OUT breaches bigint, OUT worst_used double precision)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.count(*) FILTER (WHERE e ->> 'breached_at' IS NOT NULL),
           pg_catalog.max((e ->> 'elapsed_seconds')::float8 / NULLIF((e ->> 'budget_seconds')::float8, 0))
    FROM pg_catalog.jsonb_array_elements(CASE
        WHEN pg_catalog.jsonb_typeof(p_outcome) = 'array' THEN p_outcome
        WHEN pg_catalog.jsonb_typeof(p_clocks) = 'array' THEN p_clocks
        ELSE '[]'::jsonb END) e
$$;

-- Recounts the keys (service, local day, priority, zone) from the incidents.
CREATE FUNCTION public.vakt_service_days_recount(p_services bigint[], p_days date[], p_priorities text[],
                                                 p_zones text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k record;
BEGIN
    -- One lock per service, not per key: a bulk insert touches thousands of days, and the lock table holds only a
    -- few thousand locks in all.
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('vakt.service_days'), pg_catalog.hashtext(s::text))
    FROM (SELECT DISTINCT s FROM pg_catalog.unnest(p_services) AS u (s) ORDER BY 1) AS services;
    FOR k IN SELECT DISTINCT s AS service_id, d AS day, p AS priority, z AS zone
             FROM ROWS FROM (pg_catalog.unnest(p_services), pg_catalog.unnest(p_days),
                             pg_catalog.unnest(p_priorities), pg_catalog.unnest(p_zones)) AS u (s, d, p, z)
    LOOP
        DELETE FROM public.service_days
        WHERE service_id = k.service_id AND day = k.day AND priority = k.priority;
        INSERT INTO public.service_days (service_id, day, priority, received, breaches, worst_used)
        SELECT k.service_id, k.day, k.priority, pg_catalog.count(*), coalesce(pg_catalog.sum(c.breaches), 0),
               pg_catalog.max(c.worst_used)
        FROM public.incidents i
        CROSS JOIN LATERAL public.vakt_clock_figures(i.sla_outcome, i.clocks) c
        WHERE i.service_id = k.service_id AND coalesce(i.priority, '') = k.priority
          AND i.received_at >= (k.day::timestamp AT TIME ZONE k.zone)
          AND i.received_at < ((k.day + 1)::timestamp AT TIME ZONE k.zone)
        HAVING pg_catalog.count(*) > 0;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION public.vakt_service_days_recount(bigint[], date[], text[], text[]) FROM PUBLIC;

CREATE FUNCTION public.vakt_service_days_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM public.vakt_service_days_recount(pg_catalog.array_agg(n.service_id),
        pg_catalog.array_agg((n.received_at AT TIME ZONE z.zone)::date), pg_catalog.array_agg(coalesce(n.priority, '')),
        pg_catalog.array_agg(z.zone))
    FROM new_rows n
    JOIN public.agreement_versions v ON v.id = n.agreement_version_id
    CROSS JOIN LATERAL (SELECT coalesce(v.document ->> 'zone', 'UTC') AS zone) z;
    RETURN NULL;
END
$$;

-- Only rows whose figures or key changed are recounted, under their old key and their new one.
CREATE FUNCTION public.vakt_service_days_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM public.vakt_service_days_recount(pg_catalog.array_agg(r.service_id),
        pg_catalog.array_agg((r.received_at AT TIME ZONE z.zone)::date), pg_catalog.array_agg(coalesce(r.priority, '')),
        pg_catalog.array_agg(z.zone))
    FROM (
        SELECT side.service_id, side.received_at, side.priority, side.agreement_version_id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (n.service_id, n.received_at, n.priority, n.agreement_version_id),
                                   (o.service_id, o.received_at, o.priority, o.agreement_version_id))
            AS side (service_id, received_at, priority, agreement_version_id)
        WHERE (n.service_id, n.received_at, n.priority, n.agreement_version_id, n.clocks, n.sla_outcome)
              IS DISTINCT FROM (o.service_id, o.received_at, o.priority, o.agreement_version_id, o.clocks, o.sla_outcome)
    ) r
    JOIN public.agreement_versions v ON v.id = r.agreement_version_id
    CROSS JOIN LATERAL (SELECT coalesce(v.document ->> 'zone', 'UTC') AS zone) z;
    RETURN NULL;
END
$$;

CREATE TRIGGER incidents_service_days_inserted AFTER INSERT ON public.incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.vakt_service_days_inserted();
CREATE TRIGGER incidents_service_days_updated AFTER UPDATE ON public.incidents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.vakt_service_days_updated();

-- What exists already.
INSERT INTO public.service_days (service_id, day, priority, received, breaches, worst_used)
SELECT i.service_id, (i.received_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC'))::date,
       coalesce(i.priority, ''), count(*), coalesce(sum(c.breaches), 0), max(c.worst_used)
FROM public.incidents i
JOIN public.agreement_versions v ON v.id = i.agreement_version_id
CROSS JOIN LATERAL public.vakt_clock_figures(i.sla_outcome, i.clocks) c
GROUP BY 1, 2, 3;

GRANT SELECT ON public.service_days TO vakt_viewer;
GRANT SELECT (id, service_id, priority, received_at, agreement_version_id, clocks, sla_outcome) ON public.incidents
    TO vakt_tallier;
GRANT SELECT (id, document) ON public.agreement_versions TO vakt_tallier;
GRANT SELECT, INSERT, DELETE ON public.service_days TO vakt_tallier;
GRANT USAGE ON SCHEMA public TO vakt_tallier;

GRANT CREATE ON SCHEMA public TO vakt_tallier;
ALTER FUNCTION public.vakt_service_days_recount(bigint[], date[], text[], text[]) OWNER TO vakt_tallier;
ALTER FUNCTION public.vakt_service_days_inserted() OWNER TO vakt_tallier;
ALTER FUNCTION public.vakt_service_days_updated() OWNER TO vakt_tallier;
REVOKE CREATE ON SCHEMA public FROM vakt_tallier;
