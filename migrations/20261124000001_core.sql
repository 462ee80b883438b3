-- vakt core schema: organisations, agreements and their priority schemes, services, staff, incidents with an
-- append-only event log, an append-only audit log, change notices, and the database roles that enforce rights.

-- Marks the database as vakt's, so the console can tell it apart from another application's database.
CREATE TABLE vakt_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO vakt_meta (key, value) VALUES ('application', 'vakt');

-- Roles are cluster-wide, so several vakt databases in one cluster share them: create them only once.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['vakt_viewer', 'vakt_operator', 'vakt_mim', 'vakt_chair', 'vakt_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$$;
-- Each role includes the rights of the ones below it.
GRANT vakt_viewer TO vakt_operator;
GRANT vakt_operator TO vakt_mim;
GRANT vakt_viewer TO vakt_chair;
GRANT vakt_mim TO vakt_admin;
GRANT vakt_chair TO vakt_admin;

CREATE TABLE organisations (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
    name       text NOT NULL CHECK (btrim(name) <> ''),
    kind       text NOT NULL CHECK (kind IN ('service_owner', 'municipality', 'supplier', 'customer')),
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agreements (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
    name       text NOT NULL,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- An agreement changes over time; an incident is measured against the version in force when it was received.
CREATE TABLE agreement_versions (
    id           bigserial PRIMARY KEY,
    agreement_id bigint NOT NULL REFERENCES agreements (id),
    number       integer NOT NULL CHECK (number > 0),
    valid_from   date NOT NULL,
    document     jsonb NOT NULL,
    source_toml  text NOT NULL DEFAULT '',
    imported_at  timestamptz NOT NULL DEFAULT now(),
    imported_by  text NOT NULL DEFAULT current_user,
    UNIQUE (agreement_id, number),
    UNIQUE (agreement_id, valid_from)
);

-- The priority scheme in the agreement's own words (A/B/C, Kritisk/Høy/Middels/Lav, intefunktion/övrigt ...).
CREATE TABLE priorities (
    agreement_version_id bigint NOT NULL REFERENCES agreement_versions (id),
    label                text NOT NULL CHECK (btrim(label) <> ''),
    rank                 integer NOT NULL CHECK (rank > 0),
    criteria             text NOT NULL DEFAULT '',
    PRIMARY KEY (agreement_version_id, label),
    UNIQUE (agreement_version_id, rank)
);

CREATE TABLE services (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
    name         text NOT NULL CHECK (btrim(name) <> ''),
    owner_id     bigint NOT NULL REFERENCES organisations (id),
    agreement_id bigint NOT NULL REFERENCES agreements (id),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX services_agreement_idx ON services (agreement_id);

-- Staff are database logins: the login name is the PostgreSQL role, so every write is attributed by the server.
CREATE TABLE staff (
    id         bigserial PRIMARY KEY,
    login      text NOT NULL UNIQUE,
    full_name  text NOT NULL CHECK (btrim(full_name) <> ''),
    role       text NOT NULL CHECK (role IN ('viewer', 'operator', 'mim', 'chair', 'admin')),
    email      text,
    phone      text,
    active     boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE incident_ref_seq START 10001;

CREATE TABLE incidents (
    id                   bigserial PRIMARY KEY,
    ref                  text NOT NULL UNIQUE DEFAULT ('INC-' || nextval('incident_ref_seq')),
    service_id           bigint NOT NULL REFERENCES services (id),
    agreement_version_id bigint NOT NULL REFERENCES agreement_versions (id),
    priority             text,
    title                text NOT NULL CHECK (btrim(title) <> ''),
    description          text NOT NULL DEFAULT '',
    status               text NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'acknowledged', 'in_progress', 'paused', 'resolved', 'closed')),
    reporter             text NOT NULL DEFAULT '',
    channel              text NOT NULL DEFAULT 'web'
        CHECK (channel IN ('web', 'email', 'phone', 'sms', 'monitoring')),
    assignee_id          bigint REFERENCES staff (id),
    support_line         text CHECK (support_line IN ('1st', '2nd', '3rd', 'supplier')),
    received_at          timestamptz NOT NULL DEFAULT now(),
    resolved_at          timestamptz,
    closed_at            timestamptz,
    -- The earliest running SLA deadline, computed by the domain from the event log and stored for sorting.
    next_due_at          timestamptz,
    next_due_target      text,
    next_due_state       text,
    created_by           text NOT NULL DEFAULT current_user,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    -- A priority must belong to the agreement version the incident is measured against.
    FOREIGN KEY (agreement_version_id, priority) REFERENCES priorities (agreement_version_id, label),
    -- Priority is mandatory before an incident leaves "new".
    CHECK (status = 'new' OR priority IS NOT NULL)
);
CREATE INDEX incidents_open_idx ON incidents (next_due_at NULLS LAST) WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX incidents_service_idx ON incidents (service_id, received_at);
CREATE INDEX incidents_received_idx ON incidents (received_at);

-- The incident's history. Append-only: nobody but the schema owner may change or delete a row.
CREATE TABLE incident_events (
    id           bigserial PRIMARY KEY,
    incident_id  bigint NOT NULL REFERENCES incidents (id),
    at           timestamptz NOT NULL DEFAULT now(),
    kind         text NOT NULL CHECK (btrim(kind) <> ''),
    actor        text NOT NULL DEFAULT current_user,
    data         jsonb NOT NULL DEFAULT '{}'::jsonb,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, at, id);

CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL DEFAULT current_user,
    session_actor text NOT NULL DEFAULT session_user,
    table_name    text NOT NULL,
    row_id        bigint,
    action        text NOT NULL,
    old_row       jsonb,
    new_row       jsonb
);

-- The actor of an event or audit row is always the server's idea of who is logged in, never a claim of the client.
-- Event times are the server's clock too; only a superuser (demo data, imports) may write history in the past.
CREATE FUNCTION vakt_stamp_actor() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.actor := current_user;
    IF TG_TABLE_NAME = 'audit_log' THEN
        NEW.session_actor := session_user;
        NEW.at := now();
    ELSIF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        NEW.at := now();
        NEW.recorded_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER incident_events_stamp BEFORE INSERT ON incident_events
    FOR EACH ROW EXECUTE FUNCTION vakt_stamp_actor();
CREATE TRIGGER audit_log_stamp BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION vakt_stamp_actor();

-- Every update bumps the row version, also for writes made with psql, so consoles can tell stale from fresh.
CREATE FUNCTION vakt_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    IF TG_TABLE_NAME = 'incidents' THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- Audits the change and tells every listening console, with ids and versions only (NOTIFY payloads are small,
-- and PostgreSQL delivers them only when the transaction commits).
CREATE FUNCTION vakt_row_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    row_json jsonb;
BEGIN
    row_json := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    INSERT INTO audit_log (table_name, row_id, action, old_row, new_row)
    VALUES (
        TG_TABLE_NAME,
        (row_json ->> 'id')::bigint,
        lower(TG_OP),
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END
    );
    PERFORM pg_notify(
        'vakt',
        json_build_object(
            't', TG_TABLE_NAME,
            'id', (row_json ->> 'id')::bigint,
            'v', (row_json ->> 'version')::integer,
            'op', lower(TG_OP)
        )::text
    );
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'agreements', 'services', 'staff', 'incidents'] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION vakt_bump_version()',
            t || '_version', t);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION vakt_row_changed()',
            t || '_changed', t);
    END LOOP;
END
$$;

-- Adds (or re-roles) a member of staff: creates the login role, grants exactly one vakt role, records the row.
-- SECURITY DEFINER because creating roles needs CREATEROLE; only vakt_admin may execute it.
CREATE FUNCTION vakt_staff_add(p_login text, p_name text, p_role text, p_email text DEFAULT NULL,
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
    IF p_role IS NULL OR p_role NOT IN ('viewer', 'operator', 'mim', 'chair', 'admin') THEN
        RAISE EXCEPTION 'unknown role %: use viewer, operator, mim, chair or admin',
            coalesce(quote_literal(p_role), 'NULL') USING ERRCODE = '22023';
    END IF;
    IF p_name IS NULL OR btrim(p_name) = '' THEN
        RAISE EXCEPTION 'a member of staff needs a name' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_login);
    END IF;
    FOREACH r IN ARRAY ARRAY['vakt_viewer', 'vakt_operator', 'vakt_mim', 'vakt_chair', 'vakt_admin'] LOOP
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
REVOKE ALL ON FUNCTION vakt_staff_add(text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vakt_staff_add(text, text, text, text, text) TO vakt_admin;

-- Rights. Viewers read; operators work incidents; admins keep the reference data. History is append-only.
GRANT SELECT ON vakt_meta, organisations, agreements, agreement_versions, priorities, services, staff,
    incidents, incident_events, _sqlx_migrations TO vakt_viewer;
GRANT INSERT, UPDATE ON incidents TO vakt_operator;
GRANT INSERT ON incident_events, audit_log TO vakt_operator, vakt_chair;
GRANT USAGE ON SEQUENCE incidents_id_seq, incident_ref_seq, incident_events_id_seq, audit_log_id_seq
    TO vakt_operator, vakt_chair;
GRANT INSERT, UPDATE ON organisations, agreements, agreement_versions, priorities, services TO vakt_admin;
GRANT USAGE ON SEQUENCE organisations_id_seq, agreements_id_seq, agreement_versions_id_seq, services_id_seq,
    staff_id_seq TO vakt_admin;
GRANT SELECT ON audit_log TO vakt_admin;
