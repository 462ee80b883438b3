-- Availability (issue 11): Tranemo/Ulricehamn's random survey ("Slumpenkät ska skickas ut till 25 % av alla
-- avslutade ärenden"). An agreement that asks for one says `[survey] every = 4` (one closed incident in four).
--
-- The draw is stratified so that it is exact, random, reproducible and never takes back a selection: the closed
-- incidents of an agreement's tertial are numbered in the order they close, and in each block of `every` of them
-- one position is chosen by a hash of (agreement, tertial, block). After every fourth closing exactly a quarter is
-- selected; in between, at most one more than a quarter rounded down. A reopened incident that closes again keeps
-- its first draw. The draw happens in the transaction that closes the incident, whoever closes it, by a function
-- running as vakt_surveyor, a role that logs in as nobody and may only read what the draw needs and add draws.

CREATE TABLE public.survey_draws (
    incident_id  bigint PRIMARY KEY REFERENCES public.incidents (id),
    agreement_id bigint NOT NULL REFERENCES public.agreements (id),
    period       text NOT NULL CHECK (period ~ '^[0-9]{4}-T[1-3]$'),
    position     integer NOT NULL CHECK (position > 0),
    selected     boolean NOT NULL,
    drawn_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agreement_id, period, position),
    UNIQUE (incident_id, selected)
);

-- The two questions of the seed: "Anser du att it löste ditt ärende/problem tillfredsställande?" (yes or no) and
-- "Hur upplevde du it-personalens bemötande i samband med ditt ärende?" (1 very poor … 5 very good).
CREATE TABLE public.survey_answers (
    incident_id bigint PRIMARY KEY,
    -- Only a selected incident can be answered: the key below requires its draw to be selected.
    selected    boolean NOT NULL DEFAULT true CHECK (selected),
    solved      boolean NOT NULL,
    treatment   smallint NOT NULL CHECK (treatment BETWEEN 1 AND 5),
    comment     text NOT NULL DEFAULT '' CHECK (pg_catalog.length(comment) <= 4000),
    answered_at timestamptz NOT NULL DEFAULT now(),
    recorded_by text NOT NULL DEFAULT current_user CHECK (recorded_by = current_user),
    FOREIGN KEY (incident_id, selected) REFERENCES public.survey_draws (incident_id, selected)
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vakt_surveyor') THEN
        CREATE ROLE vakt_surveyor NOLOGIN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE pg_catalog.format('GRANT vakt_surveyor TO %I', current_user);
    END IF;
END
$$;

-- Draws one closed incident, if its agreement asks for a survey and it has no draw yet.
CREATE FUNCTION public.vakt_survey_draw(p_incident bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_every    integer;
    v_agreement bigint;
    v_period   text;
    v_position integer;
    v_block    integer;
BEGIN
    SELECT (v.document -> 'survey' ->> 'every')::integer, v.agreement_id,
           pg_catalog.to_char(l.local, 'YYYY') || '-T' || (1 + (pg_catalog.date_part('month', l.local)::integer - 1) / 4)
    INTO v_every, v_agreement, v_period
    FROM public.incidents i
    JOIN public.agreement_versions v ON v.id = i.agreement_version_id
    CROSS JOIN LATERAL (SELECT i.closed_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC') AS local) l
    WHERE i.id = p_incident AND i.status = 'closed' AND i.closed_at IS NOT NULL;
    IF v_every IS NULL OR v_every < 1
       OR EXISTS (SELECT 1 FROM public.survey_draws d WHERE d.incident_id = p_incident) THEN
        RETURN;
    END IF;
    -- One drawer at a time per agreement and tertial, so positions are never taken twice.
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('vakt.survey'),
                                             pg_catalog.hashtext(v_agreement::text || ':' || v_period));
    SELECT coalesce(pg_catalog.max(d.position), 0) + 1 INTO v_position
    FROM public.survey_draws d WHERE d.agreement_id = v_agreement AND d.period = v_period;
    v_block := (v_position - 1) / v_every;
    INSERT INTO public.survey_draws (incident_id, agreement_id, period, position, selected)
    VALUES (p_incident, v_agreement, v_period, v_position,
            (v_position - 1) % v_every = public.vakt_survey_slot(v_agreement, v_period, v_block, v_every));
END
$$;

-- The chosen position (0 … every-1) in a block: the same for the same agreement, tertial and block, always.
CREATE FUNCTION public.vakt_survey_slot(p_agreement bigint, p_period text, p_block integer, p_every integer)
RETURNS integer LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (pg_catalog.abs(pg_catalog.hashtext('vakt-survey:' || p_agreement::text || ':' || p_period || ':'
                                               || p_block::text)::bigint) % p_every)::integer
$$;

CREATE FUNCTION public.vakt_survey_closed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM public.vakt_survey_draw(n.id) FROM (SELECT n.id, n.closed_at FROM new_rows n
        WHERE n.status = 'closed' ORDER BY n.closed_at, n.id) n;
    RETURN NULL;
END
$$;

-- Draws for closed incidents that have none (the bulk demo load inserts with triggers off), in closing order after
-- those drawn already, in one statement: a year of history is drawn in one pass, not one call per incident. Two
-- backfills at once cannot take a position twice (the unique key refuses the second).
CREATE FUNCTION public.vakt_survey_backfill() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_drawn integer;
BEGIN
    INSERT INTO public.survey_draws (incident_id, agreement_id, period, position, selected)
    SELECT c.id, c.agreement_id, c.period, c.position,
           (c.position - 1) % c.every = public.vakt_survey_slot(c.agreement_id, c.period, (c.position - 1) / c.every,
                                                                c.every)
    FROM (
        SELECT i.id, v.agreement_id, p.period, (v.document -> 'survey' ->> 'every')::integer AS every,
               (coalesce((SELECT pg_catalog.max(d.position) FROM public.survey_draws d
                          WHERE d.agreement_id = v.agreement_id AND d.period = p.period), 0)
                + pg_catalog.row_number() OVER (PARTITION BY v.agreement_id, p.period ORDER BY i.closed_at, i.id)
               )::integer AS position
        FROM public.incidents i
        JOIN public.agreement_versions v ON v.id = i.agreement_version_id
        CROSS JOIN LATERAL (SELECT i.closed_at AT TIME ZONE coalesce(v.document ->> 'zone', 'UTC') AS local) l
        CROSS JOIN LATERAL (SELECT pg_catalog.to_char(l.local, 'YYYY') || '-T'
                                   || (1 + (pg_catalog.date_part('month', l.local)::integer - 1) / 4) AS period) p
        WHERE i.status = 'closed' AND i.closed_at IS NOT NULL
          AND (v.document -> 'survey' ->> 'every')::integer >= 1
          AND NOT EXISTS (SELECT 1 FROM public.survey_draws d WHERE d.incident_id = i.id)
    ) c;
    GET DIAGNOSTICS v_drawn = ROW_COUNT;
    RETURN v_drawn;
END
$$;

CREATE TRIGGER incidents_survey_inserted AFTER INSERT ON public.incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.vakt_survey_closed();
CREATE TRIGGER incidents_survey_updated AFTER UPDATE ON public.incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.vakt_survey_closed();

REVOKE ALL ON FUNCTION public.vakt_survey_draw(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.vakt_survey_backfill() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.vakt_survey_backfill() TO vakt_admin;

GRANT SELECT ON public.survey_draws, public.survey_answers TO vakt_viewer;
GRANT INSERT (incident_id, solved, treatment, comment) ON public.survey_answers TO vakt_operator;
GRANT SELECT (id, status, closed_at, agreement_version_id) ON public.incidents TO vakt_surveyor;
GRANT SELECT (id, agreement_id, document) ON public.agreement_versions TO vakt_surveyor;
GRANT SELECT, INSERT ON public.survey_draws TO vakt_surveyor;
GRANT USAGE ON SCHEMA public TO vakt_surveyor;

GRANT CREATE ON SCHEMA public TO vakt_surveyor;
ALTER FUNCTION public.vakt_survey_draw(bigint) OWNER TO vakt_surveyor;
ALTER FUNCTION public.vakt_survey_closed() OWNER TO vakt_surveyor;
ALTER FUNCTION public.vakt_survey_backfill() OWNER TO vakt_surveyor;
REVOKE CREATE ON SCHEMA public FROM vakt_surveyor;

SELECT public.vakt_survey_backfill();
