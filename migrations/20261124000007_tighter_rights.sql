-- Tighter rights, found in review:
-- * chairs write minutes, not incident history;
-- * operators update only the incident columns the lifecycle changes (not its reference, service, agreement
--   version, reception time or author), and the SLA outcome frozen at resolution cannot be rewritten later;
-- * "who did it" columns are stamped with the login by the server, whatever the client sends;
-- * the rota has no gap between its first and last shift, whatever edits an admin makes (checked at commit,
--   so a shift can be replaced within one transaction).

REVOKE INSERT ON incident_events FROM vakt_chair;

REVOKE UPDATE ON incidents FROM vakt_operator;
GRANT UPDATE (status, priority, assignee_id, support_line, major, security, workaround, reopened, deprioritised,
              resolved_at, closed_at, next_due_at, next_due_target, next_due_state, next_due_clock, next_due_budget,
              clocks, sla_outcome, updated_at)
    ON incidents TO vakt_operator;

CREATE FUNCTION vakt_freeze_outcome() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The outcome is written when an incident is resolved (or closed without being resolved first) and then
    -- stays; reports read it.
    IF NEW.sla_outcome IS DISTINCT FROM OLD.sla_outcome
       AND OLD.sla_outcome IS NOT NULL
       AND NOT (NEW.status IN ('resolved', 'closed') AND OLD.status NOT IN ('resolved', 'closed'))
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'the SLA outcome of % was frozen at resolution and cannot be changed', OLD.ref
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER incidents_freeze_outcome BEFORE UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION vakt_freeze_outcome();

CREATE FUNCTION vakt_stamp_login() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], current_user));
    RETURN NEW;
END
$$;
CREATE TRIGGER major_updates_author BEFORE INSERT ON major_updates
    FOR EACH ROW EXECUTE FUNCTION vakt_stamp_login('author');
CREATE TRIGGER call_logs_caller BEFORE INSERT ON call_logs
    FOR EACH ROW EXECUTE FUNCTION vakt_stamp_login('caller');
CREATE TRIGGER majors_declared_by BEFORE INSERT ON majors
    FOR EACH ROW EXECUTE FUNCTION vakt_stamp_login('declared_by');
CREATE TRIGGER outbox_created_by BEFORE INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION vakt_stamp_login('created_by');
CREATE TRIGGER handovers_acknowledged_by BEFORE UPDATE ON handovers
    FOR EACH ROW WHEN (NEW.acknowledged_at IS DISTINCT FROM OLD.acknowledged_at)
    EXECUTE FUNCTION vakt_stamp_login('acknowledged_by');
CREATE TRIGGER post_incident_reports_completed_by BEFORE UPDATE ON post_incident_reports
    FOR EACH ROW WHEN (NEW.completed_at IS DISTINCT FROM OLD.completed_at)
    EXECUTE FUNCTION vakt_stamp_login('completed_by');

CREATE FUNCTION vakt_rota_continuous() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    gap record;
BEGIN
    SELECT prev_end, starts_at INTO gap FROM (
        SELECT starts_at, lag(ends_at) OVER (ORDER BY starts_at) AS prev_end FROM rota_shifts
    ) shifts WHERE prev_end < starts_at ORDER BY starts_at LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the rota leaves % – % without a MIM on duty', gap.prev_end, gap.starts_at
            USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER rota_continuous AFTER INSERT OR UPDATE OR DELETE ON rota_shifts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION vakt_rota_continuous();
