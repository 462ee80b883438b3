-- Tighter rights, found in a second review: what psql could still do that the console never does.
-- * An incident is registered as the server sees it: received now, by the login, new, not major, without an
--   outcome, with a reference in vakt's form and the agreement of its service.
-- * A major incident's declaration (incident, time, who, exercise) stays as declared; its last update time is
--   the server's clock. A completed post-incident report no longer changes, and who completed it is stamped.
-- * The outbox: a MIM may only send a dead message again; only the worker records delivery outcomes; a webhook
--   goes only to a channel in the contact directory (no URL of the client's choosing, no request to internal
--   addresses on a MIM's say-so).
-- * Hand-overs are written by the outgoing MIM, their deputy or an admin, and acknowledged once, by the incoming
--   MIM.
-- * The document of an agreement version in use no longer changes (clocks and rules are read from it).
-- * Someone on a current or future shift keeps the MIM role until their shifts are reassigned.
-- Superusers (the schema owner: migrations, demo data, imports) are not held to these.

CREATE FUNCTION vakt_is_superuser() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT rolsuper FROM pg_roles WHERE rolname = current_user $$;

-- Incidents -------------------------------------------------------------------------------------------------

CREATE FUNCTION vakt_incident_registered() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF NEW.ref !~ '^INC-[0-9]+$' THEN
        RAISE EXCEPTION 'an incident reference is given by vakt (INC-n), not %', quote_literal(NEW.ref)
            USING ERRCODE = '42501';
    END IF;
    IF NEW.status <> 'new' OR NEW.major OR NEW.sla_outcome IS NOT NULL THEN
        RAISE EXCEPTION 'an incident is registered as new, not major and without an SLA outcome; the rest follows '
                        'from its history (vakt incident …)' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM services s JOIN agreement_versions v ON v.agreement_id = s.agreement_id
                   WHERE s.id = NEW.service_id AND v.id = NEW.agreement_version_id) THEN
        RAISE EXCEPTION 'agreement version % is not a version of the agreement service % falls under',
            NEW.agreement_version_id, NEW.service_id USING ERRCODE = '42501';
    END IF;
    NEW.received_at := now();
    NEW.created_by := current_user;
    NEW.resolved_at := NULL;
    NEW.closed_at := NULL;
    NEW.version := 1;
    RETURN NEW;
END
$$;
CREATE TRIGGER incidents_registered BEFORE INSERT ON incidents
    FOR EACH ROW EXECUTE FUNCTION vakt_incident_registered();

-- Its history starts with its reception, in the same transaction: the clocks are replayed from it, and an
-- incident without one could never be acted on.
CREATE FUNCTION vakt_incident_has_reception() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT vakt_is_superuser()
       AND NOT EXISTS (SELECT 1 FROM incident_events WHERE incident_id = NEW.id AND kind = 'received') THEN
        RAISE EXCEPTION '% has no ''received'' entry in its history; register incidents with vakt incident new',
            NEW.ref USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER incidents_have_reception AFTER INSERT ON incidents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION vakt_incident_has_reception();

-- Major incidents and their reports ------------------------------------------------------------------------

REVOKE UPDATE ON majors FROM vakt_mim;
GRANT UPDATE (document, state, level, last_update_at) ON majors TO vakt_mim;

CREATE FUNCTION vakt_major_as_declared() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.declared_at := now();
        NEW.last_update_at := CASE WHEN NEW.last_update_at IS NULL THEN NULL ELSE now() END;
    ELSIF NEW.last_update_at IS DISTINCT FROM OLD.last_update_at THEN
        -- The cadence and the deputy's reminder count from here: it is when the update was sent.
        NEW.last_update_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER majors_as_declared BEFORE INSERT OR UPDATE ON majors
    FOR EACH ROW EXECUTE FUNCTION vakt_major_as_declared();

REVOKE UPDATE ON post_incident_reports FROM vakt_mim;
GRANT UPDATE (document, due_at, updated_at, completed_at, completed_by) ON post_incident_reports TO vakt_mim;

CREATE FUNCTION vakt_report_completed_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF OLD.completed_at IS NOT NULL THEN
        RAISE EXCEPTION 'the post-incident report was completed at % by % and no longer changes',
            to_char(OLD.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), OLD.completed_by
            USING ERRCODE = '42501';
    END IF;
    IF NEW.completed_at IS NOT NULL THEN
        NEW.completed_at := now();
        NEW.completed_by := current_user;
    ELSE
        NEW.completed_by := NULL;
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER post_incident_reports_completed_by ON post_incident_reports;
CREATE TRIGGER post_incident_reports_completed_once BEFORE UPDATE ON post_incident_reports
    FOR EACH ROW EXECUTE FUNCTION vakt_report_completed_once();

-- The outbox -----------------------------------------------------------------------------------------------

REVOKE UPDATE ON outbox FROM vakt_mim, vakt_worker;
GRANT UPDATE (state, attempts, next_attempt_at, locked_by, locked_until) ON outbox TO vakt_mim;
GRANT UPDATE (state, attempts, next_attempt_at, locked_by, locked_until, last_error, receipt, sent_at)
    ON outbox TO vakt_worker;

CREATE FUNCTION vakt_outbox_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF vakt_is_superuser() OR pg_has_role(current_user, 'vakt_worker', 'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NOT (OLD.state = 'dead' AND NEW.state = 'pending') THEN
            RAISE EXCEPTION 'only vakt serve records deliveries; a MIM may send a dead message again (vakt outbox retry)'
                USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.channel = 'webhook' AND NOT EXISTS (
        SELECT 1 FROM contacts WHERE webhook_url = NEW.message -> 'recipient' ->> 'url') THEN
        RAISE EXCEPTION 'a webhook goes only to a channel in the contact directory (vakt contact add … --webhook)'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER outbox_rules BEFORE INSERT OR UPDATE ON outbox
    FOR EACH ROW EXECUTE FUNCTION vakt_outbox_rules();

-- Hand-overs -----------------------------------------------------------------------------------------------

CREATE FUNCTION vakt_handover_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.outgoing <> current_user AND NOT pg_has_role(current_user, 'vakt_admin', 'MEMBER')
           AND NOT EXISTS (SELECT 1 FROM rota_shifts WHERE mim = NEW.outgoing AND deputy = current_user
                           AND now() >= starts_at AND now() < ends_at) THEN
            RAISE EXCEPTION 'a hand-over is written by the outgoing MIM (%) or their deputy, not by %', NEW.outgoing,
                current_user USING ERRCODE = '42501';
        END IF;
        NEW.written_at := now();
        NEW.acknowledged_at := NULL;
        NEW.acknowledged_by := NULL;
        RETURN NEW;
    END IF;
    IF OLD.acknowledged_at IS NOT NULL THEN
        RAISE EXCEPTION 'the hand-over was acknowledged by % and no longer changes', OLD.acknowledged_by
            USING ERRCODE = '42501';
    END IF;
    IF NEW.incoming <> current_user THEN
        RAISE EXCEPTION 'only the incoming MIM (%) acknowledges this hand-over', NEW.incoming USING ERRCODE = '42501';
    END IF;
    NEW.acknowledged_at := now();
    NEW.acknowledged_by := current_user;
    RETURN NEW;
END
$$;
DROP TRIGGER handovers_acknowledged_by ON handovers;
CREATE TRIGGER handovers_rules BEFORE INSERT OR UPDATE ON handovers
    FOR EACH ROW EXECUTE FUNCTION vakt_handover_rules();

-- Agreements -----------------------------------------------------------------------------------------------

-- Re-importing a version no incident uses yet replaces its priorities.
GRANT DELETE ON priorities TO vakt_admin;

CREATE FUNCTION vakt_version_in_use_is_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.document IS DISTINCT FROM OLD.document AND NOT vakt_is_superuser()
       AND EXISTS (SELECT 1 FROM incidents WHERE agreement_version_id = OLD.id) THEN
        RAISE EXCEPTION 'agreement version % is used by incidents and cannot change; import it as a new version',
            OLD.number USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER agreement_versions_in_use_fixed BEFORE UPDATE ON agreement_versions
    FOR EACH ROW EXECUTE FUNCTION vakt_version_in_use_is_fixed();

-- Staff on the rota ----------------------------------------------------------------------------------------

CREATE FUNCTION vakt_rota_keeps_its_mims() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    shift record;
BEGIN
    IF pg_has_role(NEW.login, 'vakt_mim', 'USAGE') AND NEW.active THEN
        RETURN NEW;
    END IF;
    SELECT starts_at, ends_at, mim = NEW.login AS as_mim INTO shift FROM rota_shifts
    WHERE (mim = NEW.login OR deputy = NEW.login) AND ends_at > now() ORDER BY starts_at LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is % on the shift % – % UTC and keeps the MIM role until their shifts are reassigned '
                        '(vakt rota reassign)',
            NEW.login, CASE WHEN shift.as_mim THEN 'MIM' ELSE 'deputy' END,
            to_char(shift.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
            to_char(shift.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER staff_rota_keeps_its_mims AFTER UPDATE OF role, active ON staff
    FOR EACH ROW EXECUTE FUNCTION vakt_rota_keeps_its_mims();

-- Secrets and recipients ------------------------------------------------------------------------------------

-- A webhook URL carries its secret in its path, and a queued message names its recipients: those who send
-- (MIMs, admins, the worker) read them; everyone else sees the ledger, the states and a webhook's host.
ALTER TABLE contacts
    ADD COLUMN webhook_host text GENERATED ALWAYS AS (substring(webhook_url FROM '^[A-Za-z]+://([^/?#]+)')) STORED;
REVOKE SELECT ON contacts, outbox FROM vakt_viewer;
GRANT SELECT (id, organisation_id, name, role, email, phone, mobile, webhook_host, webhook_preset, version,
              created_at) ON contacts TO vakt_viewer;
GRANT SELECT (id, idempotency_key, major_id, channel, audience, summary, exercise, state, attempts, next_attempt_at,
              locked_until, locked_by, last_error, sent_at, created_at, created_by, version) ON outbox TO vakt_viewer;
GRANT SELECT ON contacts, outbox TO vakt_mim, vakt_worker;

-- History that the clocks cannot replay -------------------------------------------------------------------

-- Clocks are recomputed from the whole history at every action: one event the agreement does not allow (a
-- pause for a reason it does not name, a priority outside its scheme, a second pause or reception, a
-- deprioritising or re-plan the priority does not allow) would make every later action on the incident fail.
-- The console never writes such events; psql may not either.
CREATE FUNCTION vakt_event_replayable() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    incident record;
    wanted text;
    targets jsonb;
BEGIN
    IF vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    -- The kinds vakt writes (domain::event_log, the lifecycle's history entries, the cockpit's).
    IF NEW.kind NOT IN ('received', 'responded', 'paused', 'resumed', 'priority_changed', 'workaround_established',
                        'solution_described', 'supplier_closed', 'feedback_given', 'resolved', 'reopened', 'closed',
                        'replanned', 'deprioritised', 'assigned', 'note', 'linked', 'security_flagged',
                        'security_cleared', 'major_declared', 'major_escalated', 'major_state', 'major_role',
                        'major_call', 'major_notified', 'major_update') THEN
        RAISE EXCEPTION 'unknown kind of history entry %', quote_literal(NEW.kind) USING ERRCODE = '23514';
    END IF;
    IF NEW.kind NOT IN ('received', 'priority_changed', 'paused', 'resumed', 'deprioritised', 'replanned') THEN
        RETURN NEW;
    END IF;
    SELECT i.status, i.priority, i.workaround, i.agreement_version_id, v.document INTO incident
    FROM incidents i JOIN agreement_versions v ON v.id = i.agreement_version_id WHERE i.id = NEW.incident_id;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key says it
    END IF;
    IF NEW.kind = 'received'
       AND EXISTS (SELECT 1 FROM incident_events WHERE incident_id = NEW.incident_id AND kind = 'received') THEN
        RAISE EXCEPTION 'the incident was received already' USING ERRCODE = '23514';
    END IF;
    wanted := CASE NEW.kind WHEN 'received' THEN NEW.data ->> 'priority' WHEN 'priority_changed' THEN NEW.data ->> 'to' END;
    IF (NEW.kind = 'priority_changed' OR wanted IS NOT NULL) AND NOT EXISTS (
        SELECT 1 FROM priorities p WHERE p.agreement_version_id = incident.agreement_version_id
                                     AND lower(p.label) = lower(wanted)) THEN
        RAISE EXCEPTION 'priority % is not in the agreement''s scheme', coalesce(quote_literal(wanted), 'NULL')
            USING ERRCODE = '23514';
    END IF;
    IF NEW.kind = 'paused' THEN
        IF incident.status = 'paused' THEN
            RAISE EXCEPTION 'the incident is already paused' USING ERRCODE = '23514';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(incident.document -> 'clock' -> 'pause_reasons') r
                       WHERE r = NEW.data ->> 'reason') THEN
            RAISE EXCEPTION 'the agreement allows no pause for %', coalesce(quote_literal(NEW.data ->> 'reason'), 'no reason')
                USING ERRCODE = '23514';
        END IF;
    END IF;
    IF NEW.kind = 'resumed' AND incident.status <> 'paused' THEN
        RAISE EXCEPTION 'the incident is not paused' USING ERRCODE = '23514';
    END IF;
    IF NEW.kind IN ('deprioritised', 'replanned') THEN
        SELECT p -> 'targets' INTO targets FROM jsonb_array_elements(incident.document -> 'priorities') p
        WHERE lower(p ->> 'label') = lower(incident.priority);
        IF NEW.kind = 'deprioritised' AND NOT (incident.workaround AND EXISTS (
            SELECT 1 FROM jsonb_array_elements(coalesce(targets, '[]')) t
            WHERE coalesce((t ->> 'deprioritise_on_workaround')::boolean, false))) THEN
            RAISE EXCEPTION 'priority % may not be deprioritised (only with a workaround, where the agreement allows it)',
                coalesce(incident.priority, 'none') USING ERRCODE = '23514';
        END IF;
        IF NEW.kind = 'replanned' AND NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(coalesce(targets, '[]')) t
            WHERE t ->> 'kind' = NEW.data ->> 'target' AND coalesce((t ->> 'allow_replan')::boolean, false)) THEN
            RAISE EXCEPTION 'the % target of priority % may not be re-planned', coalesce(NEW.data ->> 'target', '?'),
                coalesce(incident.priority, 'none') USING ERRCODE = '23514';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER incident_events_replayable BEFORE INSERT ON incident_events
    FOR EACH ROW EXECUTE FUNCTION vakt_event_replayable();

-- The audit log ----------------------------------------------------------------------------------------------

-- Rows come from the change trigger (vakt_row_changed), which runs as the user who made the change and so
-- needs INSERT; a row inserted by hand would be a fabricated record. Only rows written from inside a trigger
-- are taken.
CREATE FUNCTION vakt_audit_from_triggers_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 AND NOT vakt_is_superuser() THEN
        RAISE EXCEPTION 'the audit log is written by the database itself' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_from_triggers_only BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION vakt_audit_from_triggers_only();

-- Chairs write no incidents or history (migration 7); nor do they draw their numbers.
REVOKE USAGE ON SEQUENCE incidents_id_seq, incident_ref_seq, incident_events_id_seq FROM vakt_chair;
