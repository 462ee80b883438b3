-- An incident's stored state (status, priority, assignment, clocks, next due, SLA outcome …) summarises its
-- append-only history. Whoever is not a superuser may change it only in a transaction that also adds to that
-- history, so a psql session cannot quietly rewrite a deadline or an outcome; and the major flag follows the
-- majors table, so only a MIM's declaration sets it.
CREATE FUNCTION vakt_state_follows_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NEW;
    END IF;
    IF NEW.major IS DISTINCT FROM OLD.major
       AND NEW.major IS DISTINCT FROM EXISTS (SELECT 1 FROM majors WHERE incident_id = NEW.id) THEN
        RAISE EXCEPTION 'the major flag of % follows its major-incident record (vakt major declare)', OLD.ref
            USING ERRCODE = '42501';
    END IF;
    IF (NEW.status, NEW.priority, NEW.assignee_id, NEW.support_line, NEW.security, NEW.workaround, NEW.reopened,
        NEW.deprioritised, NEW.resolved_at, NEW.closed_at, NEW.next_due_at, NEW.next_due_target, NEW.next_due_state,
        NEW.next_due_clock, NEW.next_due_budget, NEW.clocks, NEW.sla_outcome)
       IS DISTINCT FROM
       (OLD.status, OLD.priority, OLD.assignee_id, OLD.support_line, OLD.security, OLD.workaround, OLD.reopened,
        OLD.deprioritised, OLD.resolved_at, OLD.closed_at, OLD.next_due_at, OLD.next_due_target, OLD.next_due_state,
        OLD.next_due_clock, OLD.next_due_budget, OLD.clocks, OLD.sla_outcome)
       AND NOT EXISTS (SELECT 1 FROM incident_events
                       WHERE incident_id = NEW.id AND xmin = pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION 'the state of % changes only together with an entry in its history (vakt incident …)', OLD.ref
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER incidents_state_follows_history BEFORE UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION vakt_state_follows_history();
