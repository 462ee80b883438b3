-- Incident lifecycle and SLA clocks: flags, the frozen SLA outcome, links between incidents, per-user board
-- settings, presence (soft locks), and agreement version labels.

ALTER TABLE agreement_versions ADD COLUMN label text NOT NULL DEFAULT '';

ALTER TABLE incidents
    ADD COLUMN major         boolean NOT NULL DEFAULT false,
    ADD COLUMN security      boolean NOT NULL DEFAULT false,
    ADD COLUMN workaround    boolean NOT NULL DEFAULT false,
    ADD COLUMN reopened      boolean NOT NULL DEFAULT false,
    ADD COLUMN deprioritised boolean NOT NULL DEFAULT false,
    -- Every clock as computed when the incident was resolved; reports read this, so later edits of the
    -- agreement never change a past outcome.
    ADD COLUMN sla_outcome   jsonb,
    -- Every clock as of the last event (due instants, budgets, states), for the incident view and scripts.
    ADD COLUMN clocks        jsonb NOT NULL DEFAULT '[]'::jsonb,
    -- With next_due_at: the calendar the next deadline is measured on and its budget in business seconds, so a
    -- console can count down live in business time and know when a warning threshold is passed.
    ADD COLUMN next_due_clock  text,
    ADD COLUMN next_due_budget bigint;

-- "Same cause" links. Stored once per pair, smaller id first.
CREATE TABLE incident_links (
    incident_id bigint NOT NULL REFERENCES incidents (id),
    linked_id   bigint NOT NULL REFERENCES incidents (id),
    kind        text NOT NULL DEFAULT 'same_cause' CHECK (kind IN ('same_cause')),
    created_by  text NOT NULL DEFAULT current_user,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (incident_id, linked_id),
    CHECK (incident_id < linked_id)
);
CREATE INDEX incident_links_linked_idx ON incident_links (linked_id);

-- The board filter and view each user last used, restored at the next start.
CREATE TABLE user_settings (
    login        text PRIMARY KEY DEFAULT current_user,
    board_filter text NOT NULL DEFAULT '',
    board_view   text NOT NULL DEFAULT '',
    board_sort   text NOT NULL DEFAULT '',
    updated_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE user_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_settings_own ON user_settings USING (login = current_user) WITH CHECK (login = current_user);

-- Who is looking at or editing which incident. Soft locks: shown to others, never enforced. Rows older than a
-- minute are stale (a console refreshes its row while it stays on the incident).
CREATE TABLE presence (
    login       text NOT NULL DEFAULT current_user,
    console     text NOT NULL,
    incident_id bigint REFERENCES incidents (id),
    editing     boolean NOT NULL DEFAULT false,
    seen_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (login, console)
);
CREATE INDEX presence_incident_idx ON presence (incident_id);
ALTER TABLE presence ENABLE ROW LEVEL SECURITY;
CREATE POLICY presence_read ON presence FOR SELECT USING (true);
CREATE POLICY presence_own_insert ON presence FOR INSERT WITH CHECK (login = current_user);
CREATE POLICY presence_own_update ON presence FOR UPDATE USING (login = current_user) WITH CHECK (login = current_user);
CREATE POLICY presence_own_delete ON presence FOR DELETE USING (login = current_user);

CREATE FUNCTION vakt_presence_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    row_incident bigint;
BEGIN
    row_incident := CASE WHEN TG_OP = 'DELETE' THEN OLD.incident_id ELSE NEW.incident_id END;
    PERFORM pg_notify('vakt', json_build_object('t', 'presence', 'id', row_incident, 'v', NULL, 'op', lower(TG_OP))::text);
    IF TG_OP = 'UPDATE' AND OLD.incident_id IS DISTINCT FROM NEW.incident_id THEN
        PERFORM pg_notify('vakt', json_build_object('t', 'presence', 'id', OLD.incident_id, 'v', NULL, 'op', 'update')::text);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER presence_changed AFTER INSERT OR UPDATE OR DELETE ON presence
    FOR EACH ROW EXECUTE FUNCTION vakt_presence_changed();

CREATE FUNCTION vakt_link_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Both incidents' views show the link; touching them bumps their versions and notifies consoles.
    UPDATE incidents SET updated_at = now() WHERE id IN (NEW.incident_id, NEW.linked_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER incident_links_changed AFTER INSERT ON incident_links
    FOR EACH ROW EXECUTE FUNCTION vakt_link_changed();

-- Two consoles (or test databases in one cluster) adding the same login at once must not fail on the race
-- between "does the role exist" and "create it".
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
    IF p_role IS NULL OR p_role NOT IN ('viewer', 'operator', 'mim', 'chair', 'admin') THEN
        RAISE EXCEPTION 'unknown role %: use viewer, operator, mim, chair or admin',
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

GRANT SELECT ON incident_links, presence TO vakt_viewer;
GRANT INSERT ON incident_links TO vakt_operator;
GRANT SELECT, INSERT, UPDATE ON user_settings TO vakt_viewer;
GRANT INSERT, UPDATE, DELETE ON presence TO vakt_viewer;
