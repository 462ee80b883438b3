-- `vakt serve` runs as a login with the vakt_worker role: it may add such logins like any other member of
-- staff (vakt staff add serve01 --name "vakt serve on ops01" --role worker).

ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('viewer', 'operator', 'mim', 'chair', 'admin', 'worker'));

CREATE OR REPLACE FUNCTION vakt_staff_add(p_login text, p_name text, p_role text, p_email text DEFAULT NULL,
                                          p_phone text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    staff_id bigint;
    r text;
BEGIN
    IF p_login IS NULL OR p_login !~ '^[a-z_][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid login %: use lower-case letters, digits, "_", "." and "-", starting with a letter',
            coalesce(quote_literal(p_login), 'NULL') USING ERRCODE = '22023';
    END IF;
    IF p_login LIKE 'vakt\_%' OR p_login IN ('postgres', 'public') THEN
        RAISE EXCEPTION 'login % is reserved', quote_literal(p_login) USING ERRCODE = '22023';
    END IF;
    IF p_role IS NULL OR p_role NOT IN ('viewer', 'operator', 'mim', 'chair', 'admin', 'worker') THEN
        RAISE EXCEPTION 'unknown role %: use viewer, operator, mim, chair, admin or worker',
            coalesce(quote_literal(p_role), 'NULL') USING ERRCODE = '22023';
    END IF;
    IF p_name IS NULL OR btrim(p_name) = '' THEN
        RAISE EXCEPTION 'a member of staff needs a name' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', p_login);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created by someone else in the meantime
        END;
    END IF;
    FOREACH r IN ARRAY ARRAY['vakt_viewer', 'vakt_operator', 'vakt_mim', 'vakt_chair', 'vakt_admin', 'vakt_worker'] LOOP
        IF r <> 'vakt_' || p_role AND pg_has_role(p_login, r, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', r, p_login);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', 'vakt_' || p_role, p_login);
    INSERT INTO staff (login, full_name, role, email, phone)
    VALUES (p_login, btrim(p_name), p_role, p_email, p_phone)
    ON CONFLICT (login) DO UPDATE
        SET full_name = EXCLUDED.full_name, role = EXCLUDED.role,
            email = coalesce(EXCLUDED.email, staff.email), phone = coalesce(EXCLUDED.phone, staff.phone),
            active = true
    RETURNING id INTO staff_id;
    RETURN staff_id;
END
$$;
