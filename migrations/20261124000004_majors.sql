-- Major incidents: the MIM on-duty rota, the contact directory, declared major incidents with their roles,
-- state and escalations, status updates, the outbox of stakeholder messages (delivered by `vakt serve`),
-- phone-duty call tasks, shift hand-overs and post-incident reports.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vakt_worker') THEN
        -- The role `vakt serve` runs as (directly or through a login that is a member).
        CREATE ROLE vakt_worker NOLOGIN;
    END IF;
END
$$;
GRANT vakt_viewer TO vakt_worker;
GRANT vakt_worker TO vakt_admin;

-- Global settings an admin keeps: the fixed duty phone number and mailbox of the MIM on duty.
CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT current_user
);

-- Who is the MIM on duty, and who deputises. The database refuses overlapping shifts; gaps are refused by the
-- domain when a rota is edited (a gap is only visible against a period).
CREATE TABLE rota_shifts (
    id         bigserial PRIMARY KEY,
    mim        text NOT NULL REFERENCES staff (login),
    deputy     text NOT NULL REFERENCES staff (login),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    created_by text NOT NULL DEFAULT current_user,
    version    integer NOT NULL DEFAULT 1,
    CHECK (ends_at > starts_at),
    CHECK (mim <> deputy),
    EXCLUDE USING gist (tstzrange(starts_at, ends_at) WITH &&)
);

-- People and channels to inform, per organisation (Altinn ALF roles: Serviceleder, Informasjonsansvarlig,
-- Hendelsesansvarlig; ROR: systemeier, systemansvarlig …). A row may also be a channel (a webhook).
CREATE TABLE contacts (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id),
    name            text NOT NULL CHECK (btrim(name) <> ''),
    role            text NOT NULL DEFAULT '',
    email           text,
    phone           text,
    mobile          text,
    webhook_url     text,
    webhook_preset  text CHECK (webhook_preset IN ('generic', 'slack', 'teams')),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_organisation_idx ON contacts (organisation_id);

CREATE TABLE majors (
    id               bigserial PRIMARY KEY,
    incident_id      bigint NOT NULL UNIQUE REFERENCES incidents (id),
    declared_at      timestamptz NOT NULL DEFAULT now(),
    declared_by      text NOT NULL DEFAULT current_user,
    state            text NOT NULL DEFAULT 'declared' CHECK (state IN ('declared', 'mitigated', 'resolved', 'closed')),
    exercise         boolean NOT NULL DEFAULT false,
    level            integer NOT NULL DEFAULT 0,
    last_update_at   timestamptz,
    -- The domain's MajorIncident (declaration, roles, state changes, escalations) as of the last change.
    document         jsonb NOT NULL,
    version          integer NOT NULL DEFAULT 1
);

CREATE TABLE major_updates (
    id          bigserial PRIMARY KEY,
    major_id    bigint NOT NULL REFERENCES majors (id),
    at          timestamptz NOT NULL DEFAULT now(),
    author      text NOT NULL DEFAULT current_user,
    what        text NOT NULL,
    cause       text NOT NULL,
    eta         text NOT NULL,
    workaround  text NOT NULL,
    recipients  integer NOT NULL DEFAULT 0
);
CREATE INDEX major_updates_major_idx ON major_updates (major_id, at);

-- Messages to stakeholders, written in the same transaction as the action that causes them and delivered at
-- least once by `vakt serve` (several may run: rows are claimed with FOR UPDATE SKIP LOCKED).
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    major_id        bigint REFERENCES majors (id),
    channel         text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    audience        text NOT NULL,
    -- The notify::OutboundMessage (recipient, subject, body, payload) as JSON.
    message         jsonb NOT NULL,
    summary         text NOT NULL,
    exercise        boolean NOT NULL DEFAULT false,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'retrying', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- A sender's claim; a worker that died leaves it to expire, and the row is taken again.
    locked_until    timestamptz,
    locked_by       text,
    last_error      text,
    receipt         text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT current_user,
    version         integer NOT NULL DEFAULT 1
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE state IN ('pending', 'retrying', 'sending');
CREATE INDEX outbox_major_idx ON outbox (major_id, created_at);

CREATE TABLE call_tasks (
    id           bigserial PRIMARY KEY,
    major_id     bigint NOT NULL REFERENCES majors (id),
    organisation text NOT NULL,
    name         text NOT NULL,
    role         text NOT NULL,
    number       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE call_logs (
    id       bigserial PRIMARY KEY,
    task_id  bigint NOT NULL REFERENCES call_tasks (id),
    at       timestamptz NOT NULL DEFAULT now(),
    caller   text NOT NULL DEFAULT current_user,
    outcome  text NOT NULL CHECK (outcome IN ('reached', 'not_reached', 'voicemail')),
    note     text NOT NULL CHECK (btrim(note) <> '')
);

CREATE TABLE handovers (
    id              bigserial PRIMARY KEY,
    outgoing        text NOT NULL,
    incoming        text NOT NULL,
    written_at      timestamptz NOT NULL DEFAULT now(),
    note            text NOT NULL,
    -- The domain's HandoverNote (open majors, running clocks, pending updates …).
    document        jsonb NOT NULL,
    markdown        text NOT NULL,
    acknowledged_at timestamptz,
    acknowledged_by text
);

CREATE TABLE post_incident_reports (
    major_id     bigint PRIMARY KEY REFERENCES majors (id),
    due_at       timestamptz,
    document     jsonb NOT NULL,
    completed_at timestamptz,
    completed_by text,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 1
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['rota_shifts', 'contacts', 'majors', 'outbox', 'post_incident_reports'] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION vakt_bump_version()',
            t || '_version', t);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION vakt_row_changed()',
            t || '_changed', t);
    END LOOP;
END
$$;

-- Rights. Everyone reads; the MIM runs majors; admins keep the rota, contacts and settings; the worker delivers.
GRANT SELECT ON settings, rota_shifts, contacts, majors, major_updates, outbox, call_tasks, call_logs, handovers,
    post_incident_reports TO vakt_viewer;
GRANT INSERT, UPDATE ON majors, post_incident_reports TO vakt_mim;
GRANT INSERT ON major_updates, outbox, call_tasks, call_logs, handovers TO vakt_mim;
GRANT UPDATE (acknowledged_at, acknowledged_by) ON handovers TO vakt_mim;
GRANT UPDATE (recipients) ON major_updates TO vakt_mim;
GRANT INSERT, UPDATE, DELETE ON rota_shifts, contacts, settings TO vakt_admin;
GRANT UPDATE ON outbox TO vakt_worker, vakt_mim;
GRANT INSERT ON outbox TO vakt_worker;
GRANT INSERT ON audit_log TO vakt_worker;
GRANT USAGE ON SEQUENCE majors_id_seq, major_updates_id_seq, outbox_id_seq, call_tasks_id_seq, call_logs_id_seq,
    handovers_id_seq TO vakt_mim;
GRANT USAGE ON SEQUENCE outbox_id_seq, audit_log_id_seq TO vakt_worker;
GRANT USAGE ON SEQUENCE rota_shifts_id_seq, contacts_id_seq TO vakt_admin;
