-- Agreement rules the database enforces for every client, psql included: Stockholm's "only the service desk
-- closes" (rules.close_role) and Altinn's "a security incident is category A while flagged"
-- (rules.security_priority). Both read the agreement version the incident is measured against.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vakt_servicedesk') THEN
        CREATE ROLE vakt_servicedesk NOLOGIN;
    END IF;
END
$$;

CREATE FUNCTION vakt_incident_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rules jsonb;
    agreement_code text;
BEGIN
    SELECT v.document -> 'rules', v.document ->> 'code' INTO rules, agreement_code
    FROM agreement_versions v WHERE v.id = NEW.agreement_version_id;
    IF rules IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.status = 'closed' AND (TG_OP = 'INSERT' OR OLD.status <> 'closed')
       AND rules ->> 'close_role' IS NOT NULL
       AND NOT pg_has_role(current_user, rules ->> 'close_role', 'MEMBER') THEN
        RAISE EXCEPTION 'only members of % may close % incidents', rules ->> 'close_role', agreement_code
            USING ERRCODE = '42501';
    END IF;
    IF NEW.security AND rules ->> 'security_priority' IS NOT NULL
       AND NEW.priority IS DISTINCT FROM rules ->> 'security_priority' THEN
        RAISE EXCEPTION 'a security incident under % must have priority % while it is flagged',
            agreement_code, rules ->> 'security_priority' USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER incidents_rules BEFORE INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION vakt_incident_rules();

-- Puts a member of staff in or out of the service desk (Stockholm's closers). Admins only.
CREATE FUNCTION vakt_staff_servicedesk(p_login text, p_member boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM staff WHERE login = p_login) THEN
        RAISE EXCEPTION 'no member of staff with login %', quote_literal(p_login) USING ERRCODE = '22023';
    END IF;
    IF p_member THEN
        EXECUTE format('GRANT vakt_servicedesk TO %I', p_login);
    ELSE
        EXECUTE format('REVOKE vakt_servicedesk FROM %I', p_login);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION vakt_staff_servicedesk(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vakt_staff_servicedesk(text, boolean) TO vakt_admin;
