-- Security incidents (issue 15; Altinn 1.3 "begrunnet mistanke om sikkerhetshendelse"): who may read what is
-- written about them, a personal-data flag, and the regulatory notifications (NIS2 / digitalsikkerhetsloven, GDPR
-- art. 33) recorded in the incident's history. docs/architecture.md, "Security incidents", explains the choices.
--
-- * Clearance is the group role vakt_security. Admins hold it; an admin grants it to chosen staff with
--   public.vakt_staff_security (vakt staff security LOGIN [--off]).
-- * The description of a flagged incident is sealed: a trigger moves it into public.incident_sealed_texts (row-level
--   security: only vakt_security reads a row) and leaves '' in incidents.description, so every existing query of
--   incidents (the board, exports, the figures view, `SELECT *`) keeps working and shows nothing restricted.
--   Clearing the flag puts it back.
-- * The history (incident_events.data: notes, feedback, reasons, every free text) is masked when read: logins read
--   the data through the view public.incident_history, which shows an uncleared reader only the structural fields
--   (priorities, targets, instants, logins) of a flagged incident's events and "[restricted]" for the rest. The
--   column incident_events.data itself is readable by the table owner only.
-- * Flagging is an operator's action (vakt_operator: operators, MIMs, admins); clearing the flag publishes the
--   sealed text to every role, so only a cleared login may clear it.

-- Roles --------------------------------------------------------------------------------------------------------

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vakt_security') THEN
        CREATE ROLE vakt_security NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vakt_sealer') THEN
        CREATE ROLE vakt_sealer NOLOGIN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE pg_catalog.format('GRANT vakt_sealer TO %I', current_user);
    END IF;
    IF pg_catalog.current_setting('server_version_num')::int >= 160000 THEN
        EXECUTE 'GRANT vakt_security TO vakt_staff_keeper WITH ADMIN OPTION, INHERIT FALSE, SET FALSE';
    END IF;
END
$$;

GRANT vakt_security TO vakt_admin;

-- The flags ----------------------------------------------------------------------------------------------------

ALTER TABLE public.incidents
    ADD COLUMN personal_data boolean NOT NULL DEFAULT false,
    -- The earliest regulatory notification still to make, stored for reminders like next_due_at.
    ADD COLUMN regulatory_due_at timestamptz
        CHECK (regulatory_due_at >= '1900-01-01' AND regulatory_due_at < '2200-01-01'),
    -- A personal-data breach is a security breach (GDPR art. 4(12)); clearing the security flag clears both.
    ADD CONSTRAINT incidents_personal_data_is_security CHECK (NOT personal_data OR security);

GRANT UPDATE (personal_data, regulatory_due_at) ON public.incidents TO vakt_operator;

-- Who may change the flags, and only together with their history entry.
CREATE FUNCTION public.vakt_security_flag_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF OLD.security AND NOT NEW.security AND NOT pg_catalog.pg_has_role(current_user, 'vakt_security', 'MEMBER') THEN
        RAISE EXCEPTION 'only a login cleared for security incidents (vakt_security) may clear the flag of %: '
                        'clearing it shows the description and notes to everyone', OLD.ref
            USING ERRCODE = '42501';
    END IF;
    IF NEW.security IS DISTINCT FROM OLD.security AND NOT EXISTS (
        SELECT 1 FROM public.incident_events e
        WHERE e.incident_id = NEW.id AND e.xmin = pg_catalog.pg_current_xact_id()::xid
          AND e.kind = CASE WHEN NEW.security THEN 'security_flagged' ELSE 'security_cleared' END) THEN
        RAISE EXCEPTION 'the security flag of % changes only with its history entry (vakt incident security)', OLD.ref
            USING ERRCODE = '42501';
    END IF;
    IF NEW.personal_data IS DISTINCT FROM OLD.personal_data AND NOT EXISTS (
        SELECT 1 FROM public.incident_events e
        WHERE e.incident_id = NEW.id AND e.xmin = pg_catalog.pg_current_xact_id()::xid
          AND e.kind IN ('personal_data_flagged', 'personal_data_cleared', 'security_cleared')) THEN
        RAISE EXCEPTION 'the personal-data flag of % changes only with its history entry', OLD.ref
            USING ERRCODE = '42501';
    END IF;
    IF NEW.regulatory_due_at IS DISTINCT FROM OLD.regulatory_due_at AND NOT EXISTS (
        SELECT 1 FROM public.incident_events e
        WHERE e.incident_id = NEW.id AND e.xmin = pg_catalog.pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION 'the regulatory deadline of % follows its history', OLD.ref USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER incidents_security_flag_rules BEFORE UPDATE ON public.incidents
    FOR EACH ROW EXECUTE FUNCTION public.vakt_security_flag_rules();

-- A new incident is not flagged: flagging is an action with its history entry (and its clocks).
CREATE FUNCTION public.vakt_security_not_at_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT public.vakt_is_superuser() AND (NEW.security OR NEW.personal_data OR NEW.regulatory_due_at IS NOT NULL) THEN
        RAISE EXCEPTION 'register the incident first, then flag it (vakt incident security)' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER incidents_security_not_at_insert BEFORE INSERT ON public.incidents
    FOR EACH ROW EXECUTE FUNCTION public.vakt_security_not_at_insert();

-- The sealed description -----------------------------------------------------------------------------------------

CREATE TABLE public.incident_sealed_texts (
    -- Deferred: the description is sealed before the row of a (superuser-inserted) flagged incident exists.
    incident_id bigint PRIMARY KEY REFERENCES public.incidents (id) DEFERRABLE INITIALLY DEFERRED,
    description text NOT NULL CHECK (pg_catalog.octet_length(description) <= 262144)
);

ALTER TABLE public.incident_sealed_texts ENABLE ROW LEVEL SECURITY;
CREATE POLICY incident_sealed_texts_cleared ON public.incident_sealed_texts FOR SELECT TO vakt_security USING (true);
CREATE POLICY incident_sealed_texts_sealer ON public.incident_sealed_texts TO vakt_sealer USING (true) WITH CHECK (true);
-- Everyone may name the table (a LEFT JOIN finds nothing for the uncleared); only vakt_security's policy shows rows.
GRANT SELECT ON public.incident_sealed_texts TO vakt_viewer, vakt_worker, vakt_security;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.incident_sealed_texts TO vakt_sealer;

-- Runs as vakt_sealer, which may write the sealed texts and nothing else: the operator who flags an incident cannot
-- read what it seals, and the one who clears the flag (cleared) gets the text back into incidents.description.
CREATE FUNCTION public.vakt_seal_description() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    sealed text;
BEGIN
    IF NEW.security AND NEW.description <> '' THEN
        INSERT INTO public.incident_sealed_texts (incident_id, description) VALUES (NEW.id, NEW.description)
        ON CONFLICT (incident_id) DO UPDATE SET description = EXCLUDED.description;
        NEW.description := '';
    ELSIF TG_OP = 'UPDATE' AND OLD.security AND NOT NEW.security THEN
        DELETE FROM public.incident_sealed_texts WHERE incident_id = NEW.id RETURNING description INTO sealed;
        IF sealed IS NOT NULL AND NEW.description = '' THEN
            NEW.description := sealed;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.vakt_seal_description() FROM PUBLIC;

CREATE TRIGGER incidents_seal_description BEFORE INSERT OR UPDATE OF security, description ON public.incidents
    FOR EACH ROW EXECUTE FUNCTION public.vakt_seal_description();

GRANT CREATE ON SCHEMA public TO vakt_sealer;
ALTER FUNCTION public.vakt_seal_description() OWNER TO vakt_sealer;
REVOKE CREATE ON SCHEMA public FROM vakt_sealer;

-- The masked history ---------------------------------------------------------------------------------------------

-- What an uncleared reader sees of a flagged incident's event data: the fields the clocks and the history's
-- structure need (kept so that every role's actions still recompute the SLA clocks correctly) and "[restricted]"
-- for every other field, free text or not (a field added later is masked until it is listed here). Data that is not
-- an object (only a superuser could write it) shows as '{}'.
CREATE FUNCTION public.vakt_event_data_restricted(p_kind text, p_data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(p_data) = 'object' THEN
        coalesce((SELECT pg_catalog.jsonb_object_agg(d.key,
                      CASE WHEN d.key IN ('priority', 'to', 'target', 'new_due', 'assignee', 'line', 'linked',
                                          'channel', 'duty', 'authority', 'notified_at')
                                OR (d.key = 'reason' AND p_kind = 'paused')
                           THEN d.value ELSE pg_catalog.to_jsonb('[restricted]'::text) END)
                  FROM pg_catalog.jsonb_each(p_data) d), '{}'::jsonb)
        ELSE '{}'::jsonb END
$$;
REVOKE ALL ON FUNCTION public.vakt_event_data_restricted(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.vakt_event_data_restricted(text, jsonb) TO vakt_viewer, vakt_worker;

-- The history as its reader may see it. current_user in a view is the reader (not the view's owner), so a login
-- that is not in vakt_security, or that SET ROLE to a role that is not, gets the masked data.
CREATE VIEW public.incident_history WITH (security_barrier) AS
SELECT e.id, e.incident_id, e.at, e.kind, e.actor, e.recorded_at,
       CASE WHEN i.security AND NOT pg_catalog.pg_has_role('vakt_security', 'MEMBER')
            THEN public.vakt_event_data_restricted(e.kind, e.data) ELSE e.data END AS data,
       i.security AND NOT pg_catalog.pg_has_role('vakt_security', 'MEMBER') AS restricted
FROM public.incident_events e
JOIN public.incidents i ON i.id = e.incident_id;

GRANT SELECT ON public.incident_history TO vakt_viewer, vakt_worker;

-- The table itself: every column but the data (and xmin, which the rules' "written by this transaction" reads).
REVOKE SELECT ON public.incident_events FROM vakt_viewer;
GRANT SELECT (id, incident_id, at, kind, actor, recorded_at, xmin) ON public.incident_events TO vakt_viewer;

-- New kinds of history entry ------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.vakt_event_replayable() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    incident record;
    wanted text;
    targets jsonb;
BEGIN
    IF public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    -- The kinds vakt writes (domain::event_log, the lifecycle's history entries, the cockpit's).
    IF NEW.kind NOT IN ('received', 'responded', 'paused', 'resumed', 'priority_changed', 'workaround_established',
                        'solution_described', 'supplier_closed', 'feedback_given', 'resolved', 'reopened', 'closed',
                        'replanned', 'deprioritised', 'assigned', 'note', 'linked', 'security_flagged',
                        'security_cleared', 'major_declared', 'major_escalated', 'major_state', 'major_role',
                        'major_call', 'major_notified', 'major_update', 'personal_data_flagged',
                        'personal_data_cleared', 'authority_notified') THEN
        RAISE EXCEPTION 'unknown kind of history entry %', pg_catalog.quote_literal(NEW.kind) USING ERRCODE = '23514';
    END IF;
    IF NEW.kind = 'authority_notified' THEN
        SELECT i.security, v.document INTO incident
        FROM public.incidents i JOIN public.agreement_versions v ON v.id = i.agreement_version_id
        WHERE i.id = NEW.incident_id;
        IF NOT FOUND THEN
            RETURN NEW;
        END IF;
        IF NOT incident.security THEN
            RAISE EXCEPTION 'a notification to an authority is recorded on a flagged security incident'
                USING ERRCODE = '23514';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements(coalesce(incident.document -> 'regulatory', '[]')) d
                       WHERE d ->> 'code' = NEW.data ->> 'duty') THEN
            RAISE EXCEPTION 'the agreement has no notification duty %',
                coalesce(pg_catalog.quote_literal(NEW.data ->> 'duty'), 'NULL') USING ERRCODE = '23514';
        END IF;
        IF pg_catalog.jsonb_typeof(NEW.data -> 'notified_at') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'a notification says when it was made (notified_at)' USING ERRCODE = '23514';
        END IF;
        -- The text is a timestamptz in a form vakt writes (RFC 3339); casting an odd one fails here, loudly.
        IF (NEW.data ->> 'notified_at')::timestamptz > pg_catalog.now() + interval '5 minutes'
           OR (NEW.data ->> 'notified_at')::timestamptz < '1900-01-01' THEN
            RAISE EXCEPTION 'a notification cannot be recorded as made in the future (or before 1900)'
                USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.kind NOT IN ('received', 'priority_changed', 'paused', 'resumed', 'deprioritised', 'replanned') THEN
        RETURN NEW;
    END IF;
    SELECT i.status, i.priority, i.workaround, i.agreement_version_id, v.document INTO incident
    FROM public.incidents i JOIN public.agreement_versions v ON v.id = i.agreement_version_id
    WHERE i.id = NEW.incident_id;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key says it
    END IF;
    IF NEW.kind = 'received' AND EXISTS (
        SELECT 1 FROM public.incident_events e WHERE e.incident_id = NEW.incident_id AND e.kind = 'received') THEN
        RAISE EXCEPTION 'the incident was received already' USING ERRCODE = '23514';
    END IF;
    wanted := CASE NEW.kind WHEN 'received' THEN NEW.data ->> 'priority' WHEN 'priority_changed' THEN NEW.data ->> 'to' END;
    IF (NEW.kind = 'priority_changed' OR wanted IS NOT NULL) AND NOT EXISTS (
        SELECT 1 FROM public.priorities p WHERE p.agreement_version_id = incident.agreement_version_id
                                            AND pg_catalog.lower(p.label) = pg_catalog.lower(wanted)) THEN
        RAISE EXCEPTION 'priority % is not in the agreement''s scheme', coalesce(pg_catalog.quote_literal(wanted), 'NULL')
            USING ERRCODE = '23514';
    END IF;
    IF NEW.kind = 'paused' THEN
        IF incident.status = 'paused' THEN
            RAISE EXCEPTION 'the incident is already paused' USING ERRCODE = '23514';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements_text(incident.document -> 'clock' -> 'pause_reasons') r
                       WHERE r = NEW.data ->> 'reason') THEN
            RAISE EXCEPTION 'the agreement allows no pause for %',
                coalesce(pg_catalog.quote_literal(NEW.data ->> 'reason'), 'no reason') USING ERRCODE = '23514';
        END IF;
    END IF;
    IF NEW.kind = 'resumed' AND incident.status <> 'paused' THEN
        RAISE EXCEPTION 'the incident is not paused' USING ERRCODE = '23514';
    END IF;
    IF NEW.kind IN ('deprioritised', 'replanned') THEN
        SELECT p -> 'targets' INTO targets FROM pg_catalog.jsonb_array_elements(incident.document -> 'priorities') p
        WHERE pg_catalog.lower(p ->> 'label') = pg_catalog.lower(incident.priority);
        IF NEW.kind = 'deprioritised' AND NOT (incident.workaround AND EXISTS (
            SELECT 1 FROM pg_catalog.jsonb_array_elements(coalesce(targets, '[]')) t
            WHERE coalesce((t ->> 'deprioritise_on_workaround')::boolean, false))) THEN
            RAISE EXCEPTION 'priority % may not be deprioritised (only with a workaround, where the agreement allows it)',
                coalesce(incident.priority, 'none') USING ERRCODE = '23514';
        END IF;
        IF NEW.kind = 'replanned' AND NOT EXISTS (
            SELECT 1 FROM pg_catalog.jsonb_array_elements(coalesce(targets, '[]')) t
            WHERE t ->> 'kind' = NEW.data ->> 'target' AND coalesce((t ->> 'allow_replan')::boolean, false)) THEN
            RAISE EXCEPTION 'the % target of priority % may not be re-planned', coalesce(NEW.data ->> 'target', '?'),
                coalesce(incident.priority, 'none') USING ERRCODE = '23514';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- Clearance: admins grant it ---------------------------------------------------------------------------------------

CREATE FUNCTION public.vakt_staff_security(p_login text, p_cleared boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.staff WHERE login = p_login AND active) THEN
        RAISE EXCEPTION 'no active member of staff with login %', coalesce(pg_catalog.quote_literal(p_login), 'NULL')
            USING ERRCODE = '22023';
    END IF;
    IF p_cleared THEN
        EXECUTE pg_catalog.format('GRANT vakt_security TO %I', p_login);
    ELSIF pg_catalog.pg_has_role(p_login, 'vakt_admin', 'MEMBER') THEN
        RAISE EXCEPTION '% is an admin, and admins are always cleared for security incidents', p_login
            USING ERRCODE = '22023';
    ELSE
        EXECUTE pg_catalog.format('REVOKE vakt_security FROM %I', p_login);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION public.vakt_staff_security(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.vakt_staff_security(text, boolean) TO vakt_admin;

-- Deactivation (migration 31) also takes the clearance away.
CREATE OR REPLACE FUNCTION public.vakt_staff_deactivate(p_login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r text;
    member record;
    refusal text;
BEGIN
    SELECT s.role INTO member FROM public.staff s WHERE s.login = p_login;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no member of staff with login %', coalesce(pg_catalog.quote_literal(p_login), 'NULL')
            USING ERRCODE = '22023';
    END IF;
    refusal := public.vakt_staff_change_refusal(p_login, member.role, false);
    IF refusal IS NOT NULL THEN
        RAISE EXCEPTION '%', refusal USING ERRCODE = '22023';
    END IF;
    UPDATE public.staff SET active = false WHERE login = p_login;
    FOREACH r IN ARRAY ARRAY['vakt_viewer', 'vakt_operator', 'vakt_mim', 'vakt_chair', 'vakt_admin', 'vakt_worker',
                             'vakt_servicedesk', 'vakt_security'] LOOP
        IF pg_catalog.pg_has_role(p_login, r, 'MEMBER') THEN
            EXECUTE pg_catalog.format('REVOKE %I FROM %I', r, p_login);
        END IF;
    END LOOP;
    EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN', p_login);
END
$$;

GRANT CREATE ON SCHEMA public TO vakt_staff_keeper;
ALTER FUNCTION public.vakt_staff_security(text, boolean) OWNER TO vakt_staff_keeper;
REVOKE CREATE ON SCHEMA public FROM vakt_staff_keeper;

-- Regulatory deadlines still to meet, for the worker's reminders.
CREATE INDEX incidents_regulatory_due_idx ON public.incidents (regulatory_due_at) WHERE regulatory_due_at IS NOT NULL;
