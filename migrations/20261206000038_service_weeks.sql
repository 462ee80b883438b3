-- The heat-map's default view, 500 services × 52 ISO weeks, summed 150,000 service-day rows on every key
-- (150–300 ms at 1,010,000 incidents against a 300 ms budget; issue 15). The same figures per service and ISO week,
-- kept by the recount that keeps the service-days, make it about 29,000 rows.
--
-- A week's row is recounted from its service-days right after they are, in the same transaction and under the same
-- per-service lock, so it always equals their sum. As with the service-days nobody writes it directly: only the
-- recount, which runs as vakt_tallier.

CREATE TABLE public.service_weeks (
    service_id bigint NOT NULL REFERENCES public.services (id),
    -- The ISO week's Monday (on the agreement's wall clock, as the service-days' dates are).
    week       date NOT NULL CHECK (pg_catalog.date_trunc('week', week::timestamp) = week::timestamp),
    received   bigint NOT NULL CHECK (received > 0),
    breaches   bigint NOT NULL CHECK (breaches >= 0),
    worst_used double precision,
    PRIMARY KEY (service_id, week)
);
-- The heat-map reads a range of weeks across every service.
CREATE INDEX service_weeks_week_idx ON public.service_weeks (week, service_id);

-- As migration 20's, and then the weeks of the keys recounted.
CREATE OR REPLACE FUNCTION public.vakt_service_days_recount(p_services bigint[], p_days date[], p_priorities text[],
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
    FOR k IN SELECT DISTINCT s AS service_id, pg_catalog.date_trunc('week', d::timestamp)::date AS week
             FROM ROWS FROM (pg_catalog.unnest(p_services), pg_catalog.unnest(p_days)) AS u (s, d)
    LOOP
        DELETE FROM public.service_weeks WHERE service_id = k.service_id AND week = k.week;
        INSERT INTO public.service_weeks (service_id, week, received, breaches, worst_used)
        SELECT k.service_id, k.week, pg_catalog.sum(d.received), pg_catalog.sum(d.breaches), pg_catalog.max(d.worst_used)
        FROM public.service_days d
        WHERE d.service_id = k.service_id AND d.day >= k.week AND d.day < k.week + 7
        HAVING pg_catalog.count(*) > 0;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION public.vakt_service_days_recount(bigint[], date[], text[], text[]) FROM PUBLIC;

-- What exists already.
INSERT INTO public.service_weeks (service_id, week, received, breaches, worst_used)
SELECT service_id, date_trunc('week', day::timestamp)::date, sum(received), sum(breaches), max(worst_used)
FROM public.service_days
GROUP BY 1, 2;

GRANT SELECT ON public.service_weeks TO vakt_viewer;
GRANT SELECT, INSERT, DELETE ON public.service_weeks TO vakt_tallier;
