-- The admin's half of issue 14: role changes and reactivation through functions that say why not before they
-- try, the last admin kept, services with their support lines and supplier, and every admin change audited.
--
-- Who reads the audit log: only vakt_admin (core migration: GRANT SELECT ON audit_log TO vakt_admin). It holds
-- whole rows, staff's e-mail addresses and phone numbers and contacts' among them, so viewers, operators, MIMs and
-- chairs are refused; this migration keeps that and tests/it/admin.rs proves it per role.

-- Why a change to a member of staff would be refused, or NULL when it would not ----------------------------------

-- The rules of vakt_staff_role, vakt_staff_deactivate and vakt_staff_reactivate, in one place, readable by every
-- member of staff so a console can explain a refusal before it is tried (the rota rule itself is the trigger
-- staff_rota_keeps_its_mims of migration 12; this function names the same shift).
CREATE FUNCTION public.vakt_staff_change_refusal(p_login text, p_role text, p_active boolean) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member record;
    shift record;
    keeps_admin boolean := p_active AND p_role = 'admin';
    keeps_mim boolean := p_active AND p_role IN ('mim', 'admin');
BEGIN
    SELECT s.login, s.role, s.active INTO member FROM public.staff s WHERE s.login = p_login;
    IF NOT FOUND THEN
        RETURN pg_catalog.format('no member of staff with login %s', coalesce(pg_catalog.quote_literal(p_login), 'NULL'));
    END IF;
    IF p_role IS NULL OR p_role NOT IN ('viewer', 'operator', 'mim', 'chair', 'admin', 'worker') THEN
        RETURN pg_catalog.format('unknown role %s: use viewer, operator, mim, chair, admin or worker',
                                 coalesce(pg_catalog.quote_literal(p_role), 'NULL'));
    END IF;
    IF p_login = session_user THEN
        RETURN 'you cannot change or deactivate your own login; ask another admin';
    END IF;
    IF member.active AND member.role = 'admin' AND NOT keeps_admin AND NOT EXISTS (
        SELECT 1 FROM public.staff o WHERE o.role = 'admin' AND o.active AND o.login <> p_login) THEN
        RETURN pg_catalog.format('%s is the last active admin: make someone else admin first', p_login);
    END IF;
    IF NOT keeps_mim THEN
        SELECT r.starts_at, r.ends_at, r.mim = p_login AS as_mim INTO shift FROM public.rota_shifts r
        WHERE (r.mim = p_login OR r.deputy = p_login) AND r.ends_at > pg_catalog.now()
        ORDER BY r.starts_at LIMIT 1;
        IF FOUND THEN
            RETURN pg_catalog.format(
                '%s is %s on the shift %s – %s UTC and keeps the MIM role until their shifts are reassigned '
                '(vakt rota reassign)',
                p_login, CASE WHEN shift.as_mim THEN 'MIM' ELSE 'deputy' END,
                pg_catalog.to_char(shift.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                pg_catalog.to_char(shift.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'));
        END IF;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.vakt_staff_change_refusal(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.vakt_staff_change_refusal(text, text, boolean) TO vakt_viewer, vakt_staff_keeper;

-- Changes the vakt role of an active member of staff: exactly that role is granted, the others revoked.
CREATE FUNCTION public.vakt_staff_role(p_login text, p_role text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    refusal text;
    r text;
BEGIN
    IF EXISTS (SELECT 1 FROM public.staff s WHERE s.login = p_login AND NOT s.active) THEN
        RAISE EXCEPTION '% is deactivated: `vakt staff reactivate %` first', p_login, p_login USING ERRCODE = '22023';
    END IF;
    refusal := public.vakt_staff_change_refusal(p_login, p_role, true);
    IF refusal IS NOT NULL THEN
        RAISE EXCEPTION '%', refusal USING ERRCODE = '22023';
    END IF;
    FOREACH r IN ARRAY ARRAY['vakt_viewer', 'vakt_operator', 'vakt_mim', 'vakt_chair', 'vakt_admin', 'vakt_worker'] LOOP
        IF r <> 'vakt_' || p_role AND pg_catalog.pg_has_role(p_login, r, 'MEMBER') THEN
            EXECUTE pg_catalog.format('REVOKE %I FROM %I', r, p_login);
        END IF;
    END LOOP;
    EXECUTE pg_catalog.format('GRANT %I TO %I', 'vakt_' || p_role, p_login);
    UPDATE public.staff SET role = p_role WHERE login = p_login;
END
$$;
REVOKE ALL ON FUNCTION public.vakt_staff_role(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.vakt_staff_role(text, text) TO vakt_admin;

-- Someone who comes back: the login signs in again with the role they had.
CREATE FUNCTION public.vakt_staff_reactivate(p_login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member record;
BEGIN
    SELECT s.role, s.active INTO member FROM public.staff s WHERE s.login = p_login;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no member of staff with login %', coalesce(pg_catalog.quote_literal(p_login), 'NULL')
            USING ERRCODE = '22023';
    END IF;
    IF member.active THEN
        RAISE EXCEPTION '% is already active (as %)', p_login, member.role USING ERRCODE = '22023';
    END IF;
    EXECUTE pg_catalog.format('ALTER ROLE %I LOGIN', p_login);
    EXECUTE pg_catalog.format('GRANT %I TO %I', 'vakt_' || member.role, p_login);
    UPDATE public.staff SET active = true WHERE login = p_login;
END
$$;
REVOKE ALL ON FUNCTION public.vakt_staff_reactivate(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.vakt_staff_reactivate(text) TO vakt_admin;

-- Deactivation (migration 13) now also keeps the last admin, and says why not the same way.
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
                             'vakt_servicedesk'] LOOP
        IF pg_catalog.pg_has_role(p_login, r, 'MEMBER') THEN
            EXECUTE pg_catalog.format('REVOKE %I FROM %I', r, p_login);
        END IF;
    END LOOP;
    EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN', p_login);
END
$$;

GRANT CREATE ON SCHEMA public TO vakt_staff_keeper;
ALTER FUNCTION public.vakt_staff_role(text, text) OWNER TO vakt_staff_keeper;
ALTER FUNCTION public.vakt_staff_reactivate(text) OWNER TO vakt_staff_keeper;
REVOKE CREATE ON SCHEMA public FROM vakt_staff_keeper;

-- The same two rules for every path to the staff row (`vakt staff add` on an existing login re-roles it too): the
-- last active admin stays admin, and nobody changes their own role or activity. Superusers (the schema owner) are
-- held to the first only.
CREATE FUNCTION public.vakt_staff_keeps_an_admin() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF (NEW.role, NEW.active) IS NOT DISTINCT FROM (OLD.role, OLD.active) THEN
        RETURN NEW;
    END IF;
    IF NEW.login = session_user THEN
        RAISE EXCEPTION 'you cannot change or deactivate your own login; ask another admin' USING ERRCODE = '22023';
    END IF;
    IF OLD.role = 'admin' AND OLD.active AND NOT (NEW.role = 'admin' AND NEW.active) AND NOT EXISTS (
        SELECT 1 FROM public.staff o WHERE o.role = 'admin' AND o.active AND o.login <> OLD.login) THEN
        RAISE EXCEPTION '% is the last active admin: make someone else admin first', OLD.login USING ERRCODE = '22023';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER staff_keeps_an_admin BEFORE UPDATE OF role, active ON public.staff
    FOR EACH ROW EXECUTE FUNCTION public.vakt_staff_keeps_an_admin();

-- Services: which support lines handle them and which supplier ----------------------------------------------------

-- The operating-hours calendar is not stored here: it is the calendar of the agreement's availability target for
-- the service, so the availability figures and the admin's view cannot disagree.
ALTER TABLE public.services
    ADD COLUMN support_lines text[] NOT NULL DEFAULT '{}'
        CHECK (support_lines <@ ARRAY['1st', '2nd', '3rd', 'supplier']::text[]),
    ADD COLUMN supplier_id bigint REFERENCES public.organisations (id);

-- Every admin change is audited: agreement versions were the one admin-written table without the trigger ----------

CREATE TRIGGER agreement_versions_changed AFTER INSERT OR UPDATE OR DELETE ON public.agreement_versions
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
