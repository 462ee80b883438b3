-- Problems, known errors and master incidents (issue 13; Stockholm's KEDB/WADB and master ticket, §3.3.2, §3.3.4):
-- * a problem (PRB-1, …) has a title, a description, the services it touches, a state (open, known_error, resolved,
--   closed), its root cause, its workaround and an owner: a member of staff or a supplier organisation;
-- * incidents are linked to problems (problem_incidents); a link may record that the problem's workaround was
--   applied to the incident (the incident's own "workaround in place" event is written by vakt's lifecycle path);
-- * a master incident gathers incidents across support lines and suppliers (incident_masters: one master per
--   child, one level deep), so every child shows the master's reference.
--
-- Full-text search: a STORED generated tsvector over title, workaround, root cause and description, each analysed
-- with both the 'norwegian' and the 'swedish' configuration (the text is in either language and a problem does not
-- say which), with a GIN index. A generated column rather than an expression index: the query names one column
-- instead of repeating a long expression exactly (a mismatch would silently fall back to a sequential scan), the
-- ranking reads the stored vector instead of re-parsing text per row, and the extra storage is small (tens of
-- thousands of problems at most).
--
-- Rights, enforced here: operators and MIMs (and admins, who include them) write problems, link incidents and set
-- masters; every role reads. Who and when are the server's; a reference and its author never change; the state
-- follows the transitions of domain::problem (closed is final).
-- Follows the schema's pattern (docs/architecture.md): functions pin their search_path, instants are bounded; no
-- function here needs SECURITY DEFINER.

CREATE SEQUENCE public.problem_ref_seq START 1;

CREATE TABLE public.problems (
    id                    bigserial PRIMARY KEY,
    ref                   text NOT NULL UNIQUE DEFAULT ('PRB-' || pg_catalog.nextval('public.problem_ref_seq')),
    title                 text NOT NULL CHECK (pg_catalog.btrim(title) <> '' AND pg_catalog.length(title) <= 300
                                               AND title !~ '[[:cntrl:]]'),
    description           text NOT NULL DEFAULT '' CHECK (pg_catalog.octet_length(description) <= 262144),
    state                 text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'known_error', 'resolved', 'closed')),
    root_cause            text NOT NULL DEFAULT '' CHECK (pg_catalog.length(root_cause) <= 20000),
    workaround            text NOT NULL DEFAULT '' CHECK (pg_catalog.length(workaround) <= 20000),
    -- The owner: a member of staff, or a supplier (Stockholm: problem management is the operations supplier's).
    owner_login           text REFERENCES public.staff (login),
    owner_organisation_id bigint REFERENCES public.organisations (id),
    resolved_at           timestamptz CHECK (resolved_at >= '1900-01-01' AND resolved_at < '2200-01-01'),
    created_by            text NOT NULL DEFAULT current_user,
    created_at            timestamptz NOT NULL DEFAULT pg_catalog.now()
                          CHECK (created_at >= '1900-01-01' AND created_at < '2200-01-01'),
    updated_by            text NOT NULL DEFAULT current_user,
    updated_at            timestamptz NOT NULL DEFAULT pg_catalog.now()
                          CHECK (updated_at >= '1900-01-01' AND updated_at < '2200-01-01'),
    version               integer NOT NULL DEFAULT 1,
    search                tsvector GENERATED ALWAYS AS (
        pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.norwegian'::regconfig, title), 'A')
        || pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.swedish'::regconfig, title), 'A')
        || pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.norwegian'::regconfig, workaround || ' ' || root_cause), 'B')
        || pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.swedish'::regconfig, workaround || ' ' || root_cause), 'B')
        || pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.norwegian'::regconfig,
                                                       pg_catalog.left(description, 20000)), 'C')
        || pg_catalog.setweight(pg_catalog.to_tsvector('pg_catalog.swedish'::regconfig,
                                                       pg_catalog.left(description, 20000)), 'C')
    ) STORED,
    CHECK (pg_catalog.num_nonnulls(owner_login, owner_organisation_id) <= 1),
    -- A known error is known by its cause or its workaround; a resolved problem names its root cause.
    CHECK (state <> 'known_error' OR pg_catalog.btrim(workaround) <> '' OR pg_catalog.btrim(root_cause) <> ''),
    CHECK (state <> 'resolved' OR pg_catalog.btrim(root_cause) <> ''),
    CHECK (state <> 'resolved' OR resolved_at IS NOT NULL),
    CHECK (state NOT IN ('open', 'known_error') OR resolved_at IS NULL)
);
-- The known-error search reads known errors only (the KEDB); a partial index keeps the rest out of its way.
CREATE INDEX problems_known_error_search_idx ON public.problems USING gin (search) WHERE state = 'known_error';
CREATE INDEX problems_state_idx ON public.problems (state, updated_at);

CREATE TABLE public.problem_services (
    id         bigserial PRIMARY KEY,
    problem_id bigint NOT NULL REFERENCES public.problems (id) ON DELETE CASCADE,
    service_id bigint NOT NULL REFERENCES public.services (id),
    UNIQUE (problem_id, service_id)
);
CREATE INDEX problem_services_service_idx ON public.problem_services (service_id);

CREATE TABLE public.problem_incidents (
    id                 bigserial PRIMARY KEY,
    problem_id         bigint NOT NULL REFERENCES public.problems (id),
    incident_id        bigint NOT NULL REFERENCES public.incidents (id),
    -- The problem's workaround was applied to the incident when it was linked.
    workaround_applied boolean NOT NULL DEFAULT false,
    created_by         text NOT NULL DEFAULT current_user,
    created_at         timestamptz NOT NULL DEFAULT pg_catalog.now()
                       CHECK (created_at >= '1900-01-01' AND created_at < '2200-01-01'),
    UNIQUE (problem_id, incident_id)
);
CREATE INDEX problem_incidents_incident_idx ON public.problem_incidents (incident_id);

CREATE TABLE public.incident_masters (
    id         bigserial PRIMARY KEY,
    child_id   bigint NOT NULL UNIQUE REFERENCES public.incidents (id),
    master_id  bigint NOT NULL REFERENCES public.incidents (id),
    created_by text NOT NULL DEFAULT current_user,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
               CHECK (created_at >= '1900-01-01' AND created_at < '2200-01-01'),
    CHECK (child_id <> master_id)
);
CREATE INDEX incident_masters_master_idx ON public.incident_masters (master_id);

-- Rules -----------------------------------------------------------------------------------------------------------

-- The state follows domain::problem::ProblemState::may_become; closed is final. The resolution instant is the
-- server's. Superusers (demo data, imports) write history as it was.
CREATE FUNCTION public.vakt_problem_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state <> OLD.state AND NOT public.vakt_is_superuser() THEN
        IF NOT ((OLD.state = 'open' AND NEW.state IN ('known_error', 'resolved', 'closed'))
                OR (OLD.state = 'known_error' AND NEW.state IN ('open', 'resolved', 'closed'))
                OR (OLD.state = 'resolved' AND NEW.state IN ('open', 'closed'))) THEN
            RAISE EXCEPTION 'problem % cannot go from % to %', OLD.ref, OLD.state, NEW.state USING ERRCODE = '23514';
        END IF;
    END IF;
    IF public.vakt_is_superuser() THEN
        IF NEW.state = 'resolved' THEN
            NEW.resolved_at := coalesce(NEW.resolved_at, pg_catalog.now());
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.state = 'resolved' AND (TG_OP = 'INSERT' OR OLD.state <> 'resolved') THEN
        NEW.resolved_at := pg_catalog.now();
    ELSIF NEW.state = 'open' OR NEW.state = 'known_error' THEN
        NEW.resolved_at := NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        NEW.resolved_at := OLD.resolved_at;
    ELSE
        NEW.resolved_at := NULL;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.state IN ('resolved', 'closed') THEN
        RAISE EXCEPTION 'a new problem is open or a known error' USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER problems_a_stamp_created BEFORE INSERT ON public.problems
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');
CREATE TRIGGER problems_b_stamp_updated BEFORE INSERT OR UPDATE ON public.problems
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('updated_by', 'updated_at');
CREATE TRIGGER problems_c_rules BEFORE INSERT OR UPDATE ON public.problems
    FOR EACH ROW EXECUTE FUNCTION public.vakt_problem_rules();

-- A link never moves to another problem or incident: it is removed and made again (both are audited).
CREATE FUNCTION public.vakt_problem_link_fixed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT public.vakt_is_superuser() AND (NEW.problem_id, NEW.incident_id, NEW.created_by, NEW.created_at)
            IS DISTINCT FROM (OLD.problem_id, OLD.incident_id, OLD.created_by, OLD.created_at) THEN
        RAISE EXCEPTION 'a link between a problem and an incident does not move: unlink and link again'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER problem_incidents_fixed BEFORE UPDATE ON public.problem_incidents
    FOR EACH ROW EXECUTE FUNCTION public.vakt_problem_link_fixed();
CREATE TRIGGER problem_incidents_created_by BEFORE INSERT ON public.problem_incidents
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');

-- The incident's view lists its problems: touching it bumps its version and tells every console.
CREATE FUNCTION public.vakt_problem_link_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE public.incidents SET updated_at = pg_catalog.now()
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.incident_id ELSE NEW.incident_id END;
    RETURN NULL;
END
$$;
CREATE TRIGGER problem_incidents_touch AFTER INSERT OR DELETE ON public.problem_incidents
    FOR EACH ROW EXECUTE FUNCTION public.vakt_problem_link_changed();

-- Masters are one level deep: a master is no child, a child is no master. Changes to the relation are serialised
-- (they are rare), so two sessions cannot build a chain between them.
CREATE FUNCTION public.vakt_incident_master_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_master text;
    v_child text;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7429013);
    IF TG_OP = 'UPDATE' AND NOT public.vakt_is_superuser() THEN
        RAISE EXCEPTION 'a child is detached and attached again, not moved' USING ERRCODE = '42501';
    END IF;
    SELECT ref INTO v_master FROM public.incidents WHERE id = NEW.master_id;
    SELECT ref INTO v_child FROM public.incidents WHERE id = NEW.child_id;
    IF EXISTS (SELECT 1 FROM public.incident_masters m WHERE m.child_id = NEW.master_id) THEN
        RAISE EXCEPTION '% is itself a child of another master; attach % to that master instead', v_master, v_child
            USING ERRCODE = '23514';
    END IF;
    IF EXISTS (SELECT 1 FROM public.incident_masters m WHERE m.master_id = NEW.child_id) THEN
        RAISE EXCEPTION '% is the master of other incidents and cannot become a child', v_child
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER incident_masters_a_stamp BEFORE INSERT ON public.incident_masters
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');
CREATE TRIGGER incident_masters_b_rules BEFORE INSERT OR UPDATE ON public.incident_masters
    FOR EACH ROW EXECUTE FUNCTION public.vakt_incident_master_rules();

-- Both incidents' views show the relation: touching them bumps their versions and tells every console.
CREATE FUNCTION public.vakt_incident_master_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_row public.incident_masters%ROWTYPE;
BEGIN
    v_row := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    UPDATE public.incidents SET updated_at = pg_catalog.now() WHERE id IN (v_row.child_id, v_row.master_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER incident_masters_touch AFTER INSERT OR DELETE ON public.incident_masters
    FOR EACH ROW EXECUTE FUNCTION public.vakt_incident_master_changed();

CREATE TRIGGER problems_version BEFORE UPDATE ON public.problems
    FOR EACH ROW EXECUTE FUNCTION public.vakt_bump_version();

CREATE TRIGGER problems_changed AFTER INSERT OR UPDATE OR DELETE ON public.problems
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER problem_services_changed AFTER INSERT OR UPDATE OR DELETE ON public.problem_services
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER problem_incidents_changed AFTER INSERT OR UPDATE OR DELETE ON public.problem_incidents
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER incident_masters_changed AFTER INSERT OR UPDATE OR DELETE ON public.incident_masters
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

-- Who reads and writes what --------------------------------------------------------------------------------------

GRANT SELECT ON public.problems, public.problem_services, public.problem_incidents, public.incident_masters
    TO vakt_viewer, vakt_worker;
GRANT INSERT (title, description, state, root_cause, workaround, owner_login, owner_organisation_id),
      UPDATE (title, description, state, root_cause, workaround, owner_login, owner_organisation_id)
    ON public.problems TO vakt_operator;
GRANT INSERT (problem_id, service_id), DELETE ON public.problem_services TO vakt_operator;
GRANT INSERT (problem_id, incident_id, workaround_applied), DELETE ON public.problem_incidents TO vakt_operator;
GRANT INSERT (child_id, master_id), DELETE ON public.incident_masters TO vakt_operator;
GRANT USAGE ON SEQUENCE public.problem_ref_seq, public.problems_id_seq, public.problem_services_id_seq,
    public.problem_incidents_id_seq, public.incident_masters_id_seq TO vakt_operator;
