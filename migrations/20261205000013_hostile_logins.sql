-- The database's rules must hold against a hostile login (issue 8). A review with psql found that every trigger
-- could be fooled through the temporary schema, that an owner-run function could be hijacked where `public` is
-- writable, and a handful of values and rows that stop the consoles or the worker. This migration sets the one
-- pattern every function follows from now on (docs/architecture.md, "The schema's pattern"):
--
-- * every function is created with `SET search_path = pg_catalog, pg_temp`: built-ins first, the temporary
--   schema last (it is never searched for functions or operators then), `public` not at all, so every vakt
--   relation and function is named `public.x`. A temporary `pg_roles` view or `audit_log` table shadows nothing;
--   an overload someone put in `public` is never chosen;
-- * SECURITY DEFINER only where a right is needed that the caller must not have, and then owned by a NOLOGIN role
--   that holds just that right (vakt_auditor writes the audit log, vakt_staff_keeper creates logins);
-- * "who" is the login (`session_user`) for everyone but superusers, so `SET ROLE vakt_operator` changes nothing
--   in the record; "when" is the server's clock;
-- * no login may create anything: no temporary objects, nothing in `public`, and only vakt's roles connect.
-- Superusers (the schema owner: migrations, demo data, imports) are not held to the rules, as before.

-- Helper roles that own the SECURITY DEFINER functions and hold nothing else -----------------------------------

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vakt_auditor') THEN
        CREATE ROLE vakt_auditor NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vakt_staff_keeper') THEN
        CREATE ROLE vakt_staff_keeper NOLOGIN CREATEROLE;
    END IF;
    -- A schema owner without superuser must be able to hand the functions over (ALTER … OWNER needs membership).
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE pg_catalog.format('GRANT vakt_auditor, vakt_staff_keeper TO %I', current_user);
    END IF;
    -- From PostgreSQL 16 on, CREATEROLE grants only roles held WITH ADMIN OPTION; neither inherited nor usable.
    IF pg_catalog.current_setting('server_version_num')::int >= 160000 THEN
        EXECUTE 'GRANT vakt_viewer, vakt_operator, vakt_mim, vakt_chair, vakt_admin, vakt_worker, vakt_servicedesk '
                'TO vakt_staff_keeper WITH ADMIN OPTION, INHERIT FALSE, SET FALSE';
    END IF;
END
$$;

-- Nobody creates objects: no temporary ones, none in public. Only vakt's roles connect ----------------------------

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Database privileges are not copied with CREATE DATABASE … TEMPLATE or by a dump, so `vakt migrate` (and the test
-- harness, for its copies) calls this again; only the owner may.
CREATE FUNCTION public.vakt_secure_database() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE pg_catalog.format('REVOKE ALL ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());
    EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO vakt_viewer, vakt_worker',
                              pg_catalog.current_database());
END
$$;
REVOKE ALL ON FUNCTION public.vakt_secure_database() FROM PUBLIC;
SELECT public.vakt_secure_database();

-- Who and whether -----------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.vakt_is_superuser() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false)
$$;

-- The person a record names: the login. A superuser's session may act as a member of staff (SET ROLE, the demo).
CREATE FUNCTION public.vakt_actor() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false)
                THEN current_user::text ELSE session_user::text END
$$;

-- Core (migration 1) ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.vakt_stamp_actor() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'audit_log' THEN
        -- Written inside vakt_row_changed, which runs as vakt_auditor: the login is who made the change.
        NEW.actor := session_user;
        NEW.session_actor := session_user;
        NEW.at := pg_catalog.now();
        RETURN NEW;
    END IF;
    NEW.actor := public.vakt_actor();
    IF NOT public.vakt_is_superuser() THEN
        NEW.at := pg_catalog.now();
        NEW.recorded_at := pg_catalog.now();
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION public.vakt_bump_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.version := OLD.version + 1;
    IF TG_TABLE_NAME = 'incidents' THEN
        NEW.updated_at := pg_catalog.now();
    END IF;
    RETURN NEW;
END
$$;

-- Audit rows come only from here: it runs as vakt_auditor, the one role that may insert into the audit log, so
-- a row can no longer be fabricated by a login's own trigger on a temporary table.
CREATE OR REPLACE FUNCTION public.vakt_row_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    row_json jsonb;
BEGIN
    row_json := pg_catalog.to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    INSERT INTO public.audit_log (table_name, row_id, action, old_row, new_row)
    VALUES (
        TG_TABLE_NAME,
        (row_json ->> 'id')::bigint,
        pg_catalog.lower(TG_OP),
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE pg_catalog.to_jsonb(OLD) END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE pg_catalog.to_jsonb(NEW) END
    );
    PERFORM pg_catalog.pg_notify(
        'vakt',
        pg_catalog.json_build_object(
            't', TG_TABLE_NAME,
            'id', (row_json ->> 'id')::bigint,
            'v', (row_json ->> 'version')::integer,
            'op', pg_catalog.lower(TG_OP)
        )::text
    );
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION public.vakt_audit_from_triggers_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF current_user <> 'vakt_auditor' AND NOT public.vakt_is_superuser() THEN
        RAISE EXCEPTION 'the audit log is written by the database itself' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;

REVOKE INSERT ON public.audit_log FROM vakt_operator, vakt_chair, vakt_worker;
REVOKE USAGE ON SEQUENCE public.audit_log_id_seq FROM vakt_operator, vakt_chair, vakt_worker;
GRANT INSERT ON public.audit_log TO vakt_auditor;
GRANT USAGE ON SEQUENCE public.audit_log_id_seq TO vakt_auditor;

-- Staff: logins are made by vakt_staff_keeper (CREATEROLE and the staff table, nothing else) -------------------

-- Adds or re-roles a member of staff. An existing login that is not yet staff is adopted only when it is a plain
-- login: not a superuser, no role-creating, database-creating, replication or RLS-bypassing attribute, and in no
-- role but vakt's; anything else would hand an admin someone else's account.
CREATE OR REPLACE FUNCTION public.vakt_staff_add(p_login text, p_name text, p_role text, p_email text DEFAULT NULL,
                                                 p_phone text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    staff_id bigint;
    r text;
    existing record;
    role_exists boolean;
    foreign_role text;
BEGIN
    IF p_login IS NULL OR p_login !~ '^[a-z_][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid login %: use lower-case letters, digits, "_", "." and "-", starting with a letter',
            coalesce(pg_catalog.quote_literal(p_login), 'NULL') USING ERRCODE = '22023';
    END IF;
    IF p_login LIKE 'vakt\_%' OR p_login IN ('postgres', 'public', 'pg_database_owner') OR p_login LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'login % is reserved', pg_catalog.quote_literal(p_login) USING ERRCODE = '22023';
    END IF;
    IF p_role IS NULL OR p_role NOT IN ('viewer', 'operator', 'mim', 'chair', 'admin', 'worker') THEN
        RAISE EXCEPTION 'unknown role %: use viewer, operator, mim, chair, admin or worker',
            coalesce(pg_catalog.quote_literal(p_role), 'NULL') USING ERRCODE = '22023';
    END IF;
    IF p_name IS NULL OR pg_catalog.btrim(p_name) = '' THEN
        RAISE EXCEPTION 'a member of staff needs a name' USING ERRCODE = '22023';
    END IF;
    SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin, oid INTO existing
    FROM pg_catalog.pg_roles WHERE rolname = p_login;
    role_exists := FOUND;
    IF role_exists AND NOT EXISTS (SELECT 1 FROM public.staff s WHERE s.login = p_login) THEN
        SELECT g.rolname INTO foreign_role FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
        WHERE m.member = existing.oid AND g.rolname NOT LIKE 'vakt\_%' LIMIT 1;
        IF existing.rolsuper OR existing.rolcreaterole OR existing.rolcreatedb OR existing.rolreplication
           OR existing.rolbypassrls OR NOT existing.rolcanlogin OR foreign_role IS NOT NULL THEN
            RAISE EXCEPTION 'login % already exists in the cluster with rights of its own%; vakt adopts only plain '
                            'logins: choose another login name',
                pg_catalog.quote_literal(p_login),
                CASE WHEN foreign_role IS NOT NULL THEN ' (member of ' || foreign_role || ')' ELSE '' END
                USING ERRCODE = '22023';
        END IF;
    END IF;
    IF NOT role_exists THEN
        BEGIN
            EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN', p_login);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created by someone else in the meantime
        END;
    ELSIF NOT existing.rolcanlogin THEN
        -- A deactivated member of staff comes back.
        EXECUTE pg_catalog.format('ALTER ROLE %I LOGIN', p_login);
    END IF;
    FOREACH r IN ARRAY ARRAY['vakt_viewer', 'vakt_operator', 'vakt_mim', 'vakt_chair', 'vakt_admin', 'vakt_worker'] LOOP
        IF r <> 'vakt_' || p_role AND pg_catalog.pg_has_role(p_login, r, 'MEMBER') THEN
            EXECUTE pg_catalog.format('REVOKE %I FROM %I', r, p_login);
        END IF;
    END LOOP;
    EXECUTE pg_catalog.format('GRANT %I TO %I', 'vakt_' || p_role, p_login);
    INSERT INTO public.staff (login, full_name, role, email, phone)
    VALUES (p_login, pg_catalog.btrim(p_name), p_role, p_email, p_phone)
    ON CONFLICT (login) DO UPDATE
        SET full_name = EXCLUDED.full_name, role = EXCLUDED.role,
            email = coalesce(EXCLUDED.email, staff.email), phone = coalesce(EXCLUDED.phone, staff.phone),
            active = true
    RETURNING id INTO staff_id;
    RETURN staff_id;
END
$$;

CREATE OR REPLACE FUNCTION public.vakt_staff_servicedesk(p_login text, p_member boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.staff WHERE login = p_login AND active) THEN
        RAISE EXCEPTION 'no active member of staff with login %', pg_catalog.quote_literal(p_login)
            USING ERRCODE = '22023';
    END IF;
    IF p_member THEN
        EXECUTE pg_catalog.format('GRANT vakt_servicedesk TO %I', p_login);
    ELSE
        EXECUTE pg_catalog.format('REVOKE vakt_servicedesk FROM %I', p_login);
    END IF;
END
$$;

-- Someone who leaves: the login can no longer sign in and holds no vakt role; the staff row and everything they
-- wrote stay, attributed to them. `vakt staff add` brings them back.
CREATE FUNCTION public.vakt_staff_deactivate(p_login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.staff WHERE login = p_login) THEN
        RAISE EXCEPTION 'no member of staff with login %', coalesce(pg_catalog.quote_literal(p_login), 'NULL')
            USING ERRCODE = '22023';
    END IF;
    IF p_login = session_user THEN
        RAISE EXCEPTION 'you cannot deactivate your own login; ask another admin' USING ERRCODE = '22023';
    END IF;
    -- The rota trigger refuses this for someone on a current or future shift.
    UPDATE public.staff SET active = false WHERE login = p_login;
    FOREACH r IN ARRAY ARRAY['vakt_viewer', 'vakt_operator', 'vakt_mim', 'vakt_chair', 'vakt_admin', 'vakt_worker',
                             'vakt_servicedesk'] LOOP
        IF pg_catalog.pg_has_role(p_login, r, 'MEMBER') THEN
            EXECUTE pg_catalog.format('REVOKE %I FROM %I', r, p_login);
        END IF;
    END LOOP;
    EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN', p_login);
END
$$;
REVOKE ALL ON FUNCTION public.vakt_staff_deactivate(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.vakt_staff_deactivate(text) TO vakt_admin;

GRANT SELECT, INSERT, UPDATE ON public.staff TO vakt_staff_keeper;
GRANT USAGE ON SEQUENCE public.staff_id_seq TO vakt_staff_keeper;
GRANT SELECT ON public.rota_shifts TO vakt_staff_keeper;

-- Lifecycle (migration 2) ----------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.vakt_presence_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    row_incident bigint;
BEGIN
    row_incident := CASE WHEN TG_OP = 'DELETE' THEN OLD.incident_id ELSE NEW.incident_id END;
    PERFORM pg_catalog.pg_notify('vakt', pg_catalog.json_build_object('t', 'presence', 'id', row_incident, 'v', NULL,
                                                                      'op', pg_catalog.lower(TG_OP))::text);
    IF TG_OP = 'UPDATE' AND OLD.incident_id IS DISTINCT FROM NEW.incident_id THEN
        PERFORM pg_catalog.pg_notify('vakt', pg_catalog.json_build_object('t', 'presence', 'id', OLD.incident_id,
                                                                          'v', NULL, 'op', 'update')::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION public.vakt_link_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Both incidents' views show the link; touching them bumps their versions and notifies consoles.
    UPDATE public.incidents SET updated_at = pg_catalog.now() WHERE id IN (NEW.incident_id, NEW.linked_id);
    RETURN NULL;
END
$$;

-- Agreement rules (migration 3) -----------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.vakt_incident_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    rules jsonb;
    agreement_code text;
BEGIN
    SELECT v.document -> 'rules', v.document ->> 'code' INTO rules, agreement_code
    FROM public.agreement_versions v WHERE v.id = NEW.agreement_version_id;
    IF rules IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.status = 'closed' AND (TG_OP = 'INSERT' OR OLD.status <> 'closed')
       AND rules ->> 'close_role' IS NOT NULL
       AND NOT pg_catalog.pg_has_role(public.vakt_actor(), rules ->> 'close_role', 'MEMBER') THEN
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

-- Tighter rights (migration 7) -------------------------------------------------------------------------------------

-- The outcome frozen at a resolution changes only at a later resolution after a reopen that an earlier
-- transaction recorded: reopening and re-resolving inside one transaction cannot rewrite it.
CREATE OR REPLACE FUNCTION public.vakt_freeze_outcome() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.sla_outcome IS NOT DISTINCT FROM OLD.sla_outcome OR OLD.sla_outcome IS NULL
       OR public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF NEW.status IN ('resolved', 'closed') AND EXISTS (
        SELECT 1 FROM public.incident_events e
        WHERE e.incident_id = NEW.id AND e.kind = 'reopened' AND e.xmin <> pg_catalog.pg_current_xact_id()::xid
          AND e.id > coalesce((SELECT max(f.id) FROM public.incident_events f
                               WHERE f.incident_id = NEW.id AND f.kind IN ('resolved', 'closed')
                                 AND f.xmin <> pg_catalog.pg_current_xact_id()::xid), 0)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the SLA outcome of % was frozen at resolution and cannot be changed', OLD.ref
        USING ERRCODE = '42501';
END
$$;

-- Stamps "who" (TG_ARGV[0], may be '') with the login and, for everyone but superusers, "when" (TG_ARGV[1],
-- optional) with the server's clock.
CREATE OR REPLACE FUNCTION public.vakt_stamp_login() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    stamped jsonb := '{}';
BEGIN
    IF TG_NARGS > 0 AND TG_ARGV[0] <> '' THEN
        stamped := stamped || pg_catalog.jsonb_build_object(TG_ARGV[0], public.vakt_actor());
    END IF;
    IF TG_NARGS > 1 AND NOT public.vakt_is_superuser() THEN
        stamped := stamped || pg_catalog.jsonb_build_object(TG_ARGV[1], pg_catalog.now());
    END IF;
    NEW := pg_catalog.jsonb_populate_record(NEW, stamped);
    RETURN NEW;
END
$$;

DROP TRIGGER major_updates_author ON public.major_updates;
CREATE TRIGGER major_updates_author BEFORE INSERT ON public.major_updates
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('author', 'at');
DROP TRIGGER call_logs_caller ON public.call_logs;
CREATE TRIGGER call_logs_caller BEFORE INSERT ON public.call_logs
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('caller', 'at');
DROP TRIGGER outbox_created_by ON public.outbox;
CREATE TRIGGER outbox_created_by BEFORE INSERT ON public.outbox
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');
CREATE TRIGGER incident_links_created_by BEFORE INSERT ON public.incident_links
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');
CREATE TRIGGER call_tasks_created_at BEFORE INSERT ON public.call_tasks
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('', 'created_at');
CREATE TRIGGER rota_shifts_created_by BEFORE INSERT ON public.rota_shifts
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by');
CREATE TRIGGER contacts_created_at BEFORE INSERT ON public.contacts
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('', 'created_at');
CREATE TRIGGER settings_updated_by BEFORE INSERT OR UPDATE ON public.settings
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('updated_by', 'updated_at');
CREATE TRIGGER agreement_versions_imported_by BEFORE INSERT OR UPDATE ON public.agreement_versions
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('imported_by', 'imported_at');
CREATE TRIGGER presence_seen_at BEFORE INSERT OR UPDATE ON public.presence
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('', 'seen_at');

CREATE OR REPLACE FUNCTION public.vakt_rota_continuous() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    gap record;
BEGIN
    SELECT prev_end, starts_at INTO gap FROM (
        SELECT s.starts_at, pg_catalog.lag(s.ends_at) OVER (ORDER BY s.starts_at) AS prev_end FROM public.rota_shifts s
    ) shifts WHERE prev_end < starts_at ORDER BY starts_at LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the rota leaves % – % UTC without a MIM on duty',
            pg_catalog.to_char(gap.prev_end AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
            pg_catalog.to_char(gap.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
            USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END
$$;

-- State follows history (migration 9) ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.vakt_state_follows_history() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF NEW.major IS DISTINCT FROM OLD.major
       AND NEW.major IS DISTINCT FROM EXISTS (SELECT 1 FROM public.majors m WHERE m.incident_id = NEW.id) THEN
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
       AND NOT EXISTS (SELECT 1 FROM public.incident_events e
                       WHERE e.incident_id = NEW.id AND e.xmin = pg_catalog.pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION 'the state of % changes only together with an entry in its history (vakt incident …)', OLD.ref
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;

-- The rota (migration 10) ------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.vakt_rota_people() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Someone who is not staff at all is left to the foreign keys' message.
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = NEW.mim)
       OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = NEW.deputy) THEN
        RETURN NEW;
    END IF;
    IF NOT pg_catalog.pg_has_role(NEW.mim, 'vakt_mim', 'USAGE') THEN
        RAISE EXCEPTION '% cannot be MIM on duty: they do not hold the MIM role (vakt staff add … --role mim)', NEW.mim
            USING ERRCODE = '23514';
    END IF;
    IF NOT pg_catalog.pg_has_role(NEW.deputy, 'vakt_mim', 'USAGE') THEN
        RAISE EXCEPTION '% cannot deputise: they do not hold the MIM role (vakt staff add … --role mim)', NEW.deputy
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;

-- SMS fallback (migration 11): a fallback that cannot be queued must not stop the delivery of everything else,
-- so its failure is logged and the e-mail's outcome recorded all the same.
CREATE OR REPLACE FUNCTION public.vakt_queue_fallback() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    BEGIN
        INSERT INTO public.outbox (idempotency_key, major_id, channel, audience, message, summary, exercise)
        VALUES (NEW.fallback ->> 'idempotency_key', NEW.major_id, 'sms', NEW.audience, NEW.fallback,
                NEW.fallback_summary, NEW.exercise)
        ON CONFLICT (idempotency_key) DO NOTHING;
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'the SMS fallback of outbox message % could not be queued: %', NEW.id, SQLERRM;
    END;
    RETURN NULL;
END
$$;

-- Migration 12, qualified and tightened ------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.vakt_incident_registered() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF NEW.ref !~ '^INC-[0-9]+$' THEN
        RAISE EXCEPTION 'an incident reference is given by vakt (INC-n), not %', pg_catalog.quote_literal(NEW.ref)
            USING ERRCODE = '42501';
    END IF;
    IF NEW.status <> 'new' OR NEW.major OR NEW.sla_outcome IS NOT NULL THEN
        RAISE EXCEPTION 'an incident is registered as new, not major and without an SLA outcome; the rest follows '
                        'from its history (vakt incident …)' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.services s JOIN public.agreement_versions v ON v.agreement_id = s.agreement_id
                   WHERE s.id = NEW.service_id AND v.id = NEW.agreement_version_id) THEN
        RAISE EXCEPTION 'agreement version % is not a version of the agreement service % falls under',
            NEW.agreement_version_id, NEW.service_id USING ERRCODE = '42501';
    END IF;
    NEW.received_at := pg_catalog.now();
    NEW.created_by := public.vakt_actor();
    NEW.resolved_at := NULL;
    NEW.closed_at := NULL;
    NEW.version := 1;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION public.vakt_incident_has_reception() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT public.vakt_is_superuser()
       AND NOT EXISTS (SELECT 1 FROM public.incident_events e WHERE e.incident_id = NEW.id AND e.kind = 'received') THEN
        RAISE EXCEPTION '% has no ''received'' entry in its history; register incidents with vakt incident new',
            NEW.ref USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END
$$;

-- A major incident stays as declared. An exercise is declared only on an open incident (a resolved one would
-- disappear from the SLA figures), and the time of the last stakeholder update moves only when an update is
-- recorded in the same transaction.
CREATE OR REPLACE FUNCTION public.vakt_major_as_declared() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.exercise AND NOT EXISTS (SELECT 1 FROM public.incidents i
                                        WHERE i.id = NEW.incident_id AND i.status NOT IN ('resolved', 'closed')) THEN
            RAISE EXCEPTION 'an exercise is declared on an open incident; a resolved one would vanish from the SLA figures'
                USING ERRCODE = '42501';
        END IF;
        NEW.declared_at := pg_catalog.now();
        NEW.last_update_at := NULL;
        RETURN NEW;
    END IF;
    IF NEW.last_update_at IS DISTINCT FROM OLD.last_update_at THEN
        IF NOT EXISTS (SELECT 1 FROM public.major_updates u
                       WHERE u.major_id = NEW.id AND u.xmin = pg_catalog.pg_current_xact_id()::xid) THEN
            RAISE EXCEPTION 'the time of the last stakeholder update moves only when an update is sent (vakt major update)'
                USING ERRCODE = '42501';
        END IF;
        -- The cadence and the deputy's reminder count from here: it is when the update was sent.
        NEW.last_update_at := pg_catalog.now();
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION public.vakt_report_completed_once() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF OLD.completed_at IS NOT NULL THEN
        RAISE EXCEPTION 'the post-incident report was completed at % by % and no longer changes',
            pg_catalog.to_char(OLD.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), OLD.completed_by
            USING ERRCODE = '42501';
    END IF;
    IF NEW.completed_at IS NOT NULL THEN
        NEW.completed_at := pg_catalog.now();
        NEW.completed_by := public.vakt_actor();
    ELSE
        NEW.completed_by := NULL;
    END IF;
    RETURN NEW;
END
$$;

-- The outbox: the worker sends by `message.recipient`, so that is what the rules check. A MIM queues only the
-- messages of an update recorded in the same transaction (keys `upd<update>-<channel>-<contact>`); keys of the
-- worker's own messages (deputy reminders, `missed-…`) cannot be taken in advance.
CREATE OR REPLACE FUNCTION public.vakt_outbox_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    update_id bigint;
BEGIN
    IF public.vakt_is_superuser() OR pg_catalog.pg_has_role(public.vakt_actor(), 'vakt_worker', 'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NOT (OLD.state = 'dead' AND NEW.state = 'pending') THEN
            RAISE EXCEPTION 'only vakt serve records deliveries; a MIM may send a dead message again (vakt outbox retry)'
                USING ERRCODE = '42501';
        END IF;
        -- Sent again from the start, whatever the client wrote, so the worker's counting cannot be upset.
        NEW.attempts := 0;
        NEW.next_attempt_at := pg_catalog.now();
        NEW.locked_by := NULL;
        NEW.locked_until := NULL;
        RETURN NEW;
    END IF;
    NEW.state := 'pending';
    NEW.attempts := 0;
    NEW.next_attempt_at := pg_catalog.now();
    NEW.locked_by := NULL;
    NEW.locked_until := NULL;
    NEW.last_error := NULL;
    NEW.receipt := NULL;
    NEW.sent_at := NULL;
    IF (NEW.message -> 'recipient' ->> 'channel') = 'webhook' AND NOT EXISTS (
        SELECT 1 FROM public.contacts c WHERE c.webhook_url = NEW.message -> 'recipient' ->> 'url') THEN
        RAISE EXCEPTION 'a webhook goes only to a channel in the contact directory (vakt contact add … --webhook)'
            USING ERRCODE = '42501';
    END IF;
    update_id := (pg_catalog.substring(NEW.idempotency_key, '^upd([0-9]{1,18})-(?:email|sms|webhook)-[0-9]{1,18}$'))::bigint;
    IF update_id IS NULL OR pg_catalog.split_part(NEW.idempotency_key, '-', 2) <> NEW.channel
       OR NOT EXISTS (SELECT 1 FROM public.major_updates u
                      WHERE u.id = update_id AND u.major_id = NEW.major_id
                        AND u.xmin = pg_catalog.pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION 'a MIM queues only the messages of a stakeholder update sent in the same transaction '
                        '(vakt major update)' USING ERRCODE = '42501';
    END IF;
    IF NEW.fallback IS NOT NULL
       AND NOT coalesce(NEW.fallback ->> 'idempotency_key' ~ ('^upd' || update_id || '-sms-[0-9]{1,18}$'), false) THEN
        RAISE EXCEPTION 'an SMS fallback belongs to the same update as its e-mail' USING ERRCODE = '42501';
    END IF;
    IF NEW.exercise IS DISTINCT FROM (SELECT m.exercise FROM public.majors m WHERE m.id = NEW.major_id) THEN
        RAISE EXCEPTION 'a message is marked as an exercise exactly when its major incident is one'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION public.vakt_handover_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me text := public.vakt_actor();
BEGIN
    IF public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.outgoing <> me AND NOT pg_catalog.pg_has_role(me, 'vakt_admin', 'MEMBER')
           AND NOT EXISTS (SELECT 1 FROM public.rota_shifts s WHERE s.mim = NEW.outgoing AND s.deputy = me
                           AND pg_catalog.now() >= s.starts_at AND pg_catalog.now() < s.ends_at) THEN
            RAISE EXCEPTION 'a hand-over is written by the outgoing MIM (%) or their deputy, not by %', NEW.outgoing,
                me USING ERRCODE = '42501';
        END IF;
        NEW.written_at := pg_catalog.now();
        NEW.acknowledged_at := NULL;
        NEW.acknowledged_by := NULL;
        RETURN NEW;
    END IF;
    IF OLD.acknowledged_at IS NOT NULL THEN
        RAISE EXCEPTION 'the hand-over was acknowledged by % and no longer changes', OLD.acknowledged_by
            USING ERRCODE = '42501';
    END IF;
    IF NEW.incoming <> me THEN
        RAISE EXCEPTION 'only the incoming MIM (%) acknowledges this hand-over', NEW.incoming USING ERRCODE = '42501';
    END IF;
    NEW.acknowledged_at := pg_catalog.now();
    NEW.acknowledged_by := me;
    RETURN NEW;
END
$$;

-- An agreement version that incidents are measured against does not change at all, nor do its priorities.
CREATE OR REPLACE FUNCTION public.vakt_version_in_use_is_fixed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF (NEW.agreement_id, NEW.number, NEW.valid_from, NEW.document, NEW.source_toml, NEW.label)
       IS DISTINCT FROM (OLD.agreement_id, OLD.number, OLD.valid_from, OLD.document, OLD.source_toml, OLD.label)
       AND NOT public.vakt_is_superuser()
       AND EXISTS (SELECT 1 FROM public.incidents i WHERE i.agreement_version_id = OLD.id) THEN
        RAISE EXCEPTION 'agreement version % is used by incidents and cannot change; import it as a new version',
            OLD.number USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION public.vakt_priorities_fixed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    version_id bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.agreement_version_id ELSE OLD.agreement_version_id END;
BEGIN
    IF NOT public.vakt_is_superuser() AND (
        EXISTS (SELECT 1 FROM public.incidents i WHERE i.agreement_version_id = version_id)
        OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM public.incidents i
                                         WHERE i.agreement_version_id = NEW.agreement_version_id))) THEN
        RAISE EXCEPTION 'the priorities of an agreement version used by incidents do not change; import a new version'
            USING ERRCODE = '42501';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER priorities_fixed BEFORE INSERT OR UPDATE OR DELETE ON public.priorities
    FOR EACH ROW EXECUTE FUNCTION public.vakt_priorities_fixed();

CREATE OR REPLACE FUNCTION public.vakt_rota_keeps_its_mims() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    shift record;
BEGIN
    IF pg_catalog.pg_has_role(NEW.login, 'vakt_mim', 'USAGE') AND NEW.active THEN
        RETURN NEW;
    END IF;
    SELECT s.starts_at, s.ends_at, s.mim = NEW.login AS as_mim INTO shift FROM public.rota_shifts s
    WHERE (s.mim = NEW.login OR s.deputy = NEW.login) AND s.ends_at > pg_catalog.now() ORDER BY s.starts_at LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is % on the shift % – % UTC and keeps the MIM role until their shifts are reassigned '
                        '(vakt rota reassign)',
            NEW.login, CASE WHEN shift.as_mim THEN 'MIM' ELSE 'deputy' END,
            pg_catalog.to_char(shift.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
            pg_catalog.to_char(shift.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;

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
                        'major_call', 'major_notified', 'major_update') THEN
        RAISE EXCEPTION 'unknown kind of history entry %', pg_catalog.quote_literal(NEW.kind) USING ERRCODE = '23514';
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

-- The webhook host shown to everyone leaves out `user:token@` ---------------------------------------------------

ALTER TABLE public.contacts DROP COLUMN webhook_host;
ALTER TABLE public.contacts
    ADD COLUMN webhook_host text
        GENERATED ALWAYS AS (substring(webhook_url FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#@]+)')) STORED;
GRANT SELECT (webhook_host) ON public.contacts TO vakt_viewer;

-- Values that would stop a console or the worker ---------------------------------------------------------------

-- Each constraint is added NOT VALID and then validated: a database that already holds an offending row keeps
-- working and is told which constraint to clean up for, while every new row is checked.
DO $$
DECLARE
    c record;
    checks text[][] := ARRAY[
        ['outbox', 'outbox_channel_is_recipient',
         'coalesce(channel = message -> ''recipient'' ->> ''channel'', false)'],
        ['outbox', 'outbox_attempts_bounded', 'attempts BETWEEN 0 AND 1000'],
        ['outbox', 'outbox_key_form',
         'coalesce(idempotency_key ~ ''^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$'' AND length(idempotency_key) <= 128 '
         'AND message ->> ''idempotency_key'' = idempotency_key, false)'],
        ['outbox', 'outbox_fallback_key_form',
         'fallback IS NULL OR coalesce(fallback ->> ''idempotency_key'' ~ ''^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$'' '
         'AND length(fallback ->> ''idempotency_key'') <= 128, false)'],
        ['incidents', 'incidents_title_length', 'char_length(title) <= 300'],
        ['incidents', 'incidents_description_length', 'octet_length(description) <= 262144']
    ];
    i int;
BEGIN
    -- Every instant stays finite and in a sane range: 'infinity' cannot be decoded by the clients.
    FOR c IN
        SELECT col.table_name, col.column_name FROM information_schema.columns col
        JOIN information_schema.tables t ON t.table_schema = col.table_schema AND t.table_name = col.table_name
        WHERE col.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND col.data_type IN ('timestamp with time zone', 'date') AND col.table_name <> '_sqlx_migrations'
        ORDER BY col.table_name, col.column_name
    LOOP
        checks := checks || ARRAY[[c.table_name::text, c.table_name::text || '_' || c.column_name::text || '_finite',
                                   pg_catalog.format('%I >= ''1900-01-01'' AND %I < ''2200-01-01''',
                                                     c.column_name::text, c.column_name::text)]];
    END LOOP;
    FOR i IN 1 .. pg_catalog.array_length(checks, 1) LOOP
        EXECUTE pg_catalog.format('ALTER TABLE public.%I ADD CONSTRAINT %I CHECK (%s) NOT VALID',
                                  checks[i][1], checks[i][2], checks[i][3]);
        BEGIN
            EXECUTE pg_catalog.format('ALTER TABLE public.%I VALIDATE CONSTRAINT %I', checks[i][1], checks[i][2]);
        EXCEPTION WHEN check_violation THEN
            RAISE WARNING 'rows of % break the new constraint %; new rows are checked, fix the old ones and run '
                          'ALTER TABLE % VALIDATE CONSTRAINT %', checks[i][1], checks[i][2], checks[i][1], checks[i][2];
        END;
    END LOOP;
END
$$;

-- Hand the SECURITY DEFINER functions to their roles ---------------------------------------------------------------

-- Owning a function needs CREATE on its schema at the moment of the change only.
GRANT CREATE ON SCHEMA public TO vakt_auditor, vakt_staff_keeper;
ALTER FUNCTION public.vakt_row_changed() OWNER TO vakt_auditor;
ALTER FUNCTION public.vakt_staff_add(text, text, text, text, text) OWNER TO vakt_staff_keeper;
ALTER FUNCTION public.vakt_staff_servicedesk(text, boolean) OWNER TO vakt_staff_keeper;
ALTER FUNCTION public.vakt_staff_deactivate(text) OWNER TO vakt_staff_keeper;
REVOKE CREATE ON SCHEMA public FROM vakt_auditor, vakt_staff_keeper;
