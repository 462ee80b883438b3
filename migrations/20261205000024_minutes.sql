-- Status meetings and minutes (issue 12): a meeting series per agreement (Altinn's weekly status meeting and monthly
-- delivery meeting, Stockholm's weekly change meeting, ROR-IKT's bodies) with its schedule, chair and participants;
-- its meetings, whose agenda vakt generates from live data and freezes when the meeting is opened; attendance,
-- agenda items with notes, decisions, follow-up points with an owner and a due date, and corrections.
--
-- Rights, enforced here and not by the console:
-- * chairs (vakt_chair) and admins create series, open meetings, take the minutes and publish them;
-- * a draft is read by chairs and admins only (it is not the minutes yet); every role reads published minutes
--   (row-level security on the meeting and everything in it);
-- * published minutes are read-only for everyone: afterwards only corrections are added, and follow-up points
--   answered or closed;
-- * a follow-up point is answered only by its owner (the login it is addressed to; a point addressed to a contact,
--   who has no login, by a chair on their behalf), who may change nothing else on it;
-- * corrections are sent by anyone who reads the minutes; one that arrives after the next meeting of the series
--   started is recorded as late (4Minitz: "correct until the next minutes exist").
-- Follows the schema's pattern (docs/architecture.md): functions pin their search_path, who and when are the
-- server's, instants are bounded; no function here needs SECURITY DEFINER.

CREATE TABLE public.meeting_series (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    agreement_id     bigint NOT NULL REFERENCES public.agreements (id),
    title            text NOT NULL CHECK (pg_catalog.btrim(title) <> '' AND pg_catalog.length(title) <= 200
                                          AND title !~ '[[:cntrl:]]'),
    kind             text NOT NULL CHECK (kind IN ('weekly_status', 'monthly_delivery', 'weekly_change',
                                                   'problem_review', 'steering')),
    zone             text NOT NULL CHECK (zone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' AND pg_catalog.length(zone) <= 64),
    -- The first meeting's start in the zone's wall-clock time, and an RFC 5545 rule for the rest (expanded by vakt
    -- with the maintenance calendar's recurrence code, never by timestamp casts here).
    start_local      timestamp NOT NULL CHECK (start_local >= '1900-01-01' AND start_local < '2200-01-01'),
    rule             text CHECK (rule IS NULL OR (pg_catalog.length(rule) <= 500 AND rule !~ '[[:cntrl:]]')),
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    chair_login      text NOT NULL REFERENCES public.staff (login),
    -- [{"organisation": "asf", "role": "ASF", "mandatory": true}, …]: who must and who may attend.
    participants     jsonb NOT NULL DEFAULT '[]' CHECK (pg_catalog.jsonb_typeof(participants) = 'array'
                                                        AND pg_catalog.octet_length(participants::text) <= 65536),
    -- Where published minutes go: addresses or organisation codes.
    distribution     text[] NOT NULL DEFAULT '{}' CHECK (pg_catalog.cardinality(distribution) <= 200),
    -- How far ahead the agenda looks for windows and freezes.
    horizon_days     integer NOT NULL DEFAULT 14 CHECK (horizon_days BETWEEN 1 AND 92),
    created_by       text NOT NULL DEFAULT current_user,
    created_at       timestamptz NOT NULL DEFAULT now()
                     CHECK (created_at >= '1900-01-01' AND created_at < '2200-01-01'),
    version          integer NOT NULL DEFAULT 1
);

CREATE TABLE public.meetings (
    id             bigserial PRIMARY KEY,
    series_id      bigint NOT NULL REFERENCES public.meeting_series (id),
    starts_at      timestamptz NOT NULL CHECK (starts_at >= '1900-01-01' AND starts_at < '2200-01-01'),
    -- The next meeting of the series by its schedule, as vakt computed it when opening: corrections after it are
    -- late.
    next_starts_at timestamptz CHECK (next_starts_at > starts_at AND next_starts_at < '2200-01-01'),
    state          text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
    -- The agenda as generated when the meeting was opened, with the rows behind each section; never changed.
    agenda         jsonb NOT NULL CHECK (pg_catalog.jsonb_typeof(agenda) = 'object'
                                         AND pg_catalog.octet_length(agenda::text) <= 16777216),
    opened_by      text NOT NULL DEFAULT current_user,
    opened_at      timestamptz NOT NULL DEFAULT now() CHECK (opened_at >= '1900-01-01' AND opened_at < '2200-01-01'),
    published_by   text,
    published_at   timestamptz CHECK (published_at >= '1900-01-01' AND published_at < '2200-01-01'),
    version        integer NOT NULL DEFAULT 1,
    UNIQUE (series_id, starts_at),
    CHECK ((state = 'published') = (published_at IS NOT NULL AND published_by IS NOT NULL))
);

CREATE TABLE public.meeting_attendance (
    id           bigserial PRIMARY KEY,
    meeting_id   bigint NOT NULL REFERENCES public.meetings (id),
    -- An organisation code or a login, as the series names its participants.
    participant  text NOT NULL CHECK (pg_catalog.btrim(participant) <> '' AND pg_catalog.length(participant) <= 200),
    mandatory    boolean NOT NULL,
    present      boolean NOT NULL DEFAULT false,
    UNIQUE (meeting_id, participant)
);

CREATE TABLE public.meeting_items (
    id           bigserial PRIMARY KEY,
    meeting_id   bigint NOT NULL REFERENCES public.meetings (id),
    position     integer NOT NULL CHECK (position BETWEEN 1 AND 1000),
    -- The generated section it came from (corrections, follow_ups, incidents, breaches, maintenance, availability,
    -- carried) or 'other' for one the chair added.
    section      text NOT NULL CHECK (section ~ '^[a-z_]{1,32}$'),
    title        text NOT NULL CHECK (pg_catalog.btrim(title) <> '' AND pg_catalog.length(title) <= 500),
    notes        text NOT NULL DEFAULT '' CHECK (pg_catalog.length(notes) <= 100000),
    discussed    boolean NOT NULL DEFAULT false,
    -- Carried over from an item of an earlier meeting (4Minitz: not discussed, or an open follow-up).
    carried_from bigint REFERENCES public.meeting_items (id),
    version      integer NOT NULL DEFAULT 1,
    UNIQUE (meeting_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE public.meeting_decisions (
    id         bigserial PRIMARY KEY,
    meeting_id bigint NOT NULL REFERENCES public.meetings (id),
    item_id    bigint REFERENCES public.meeting_items (id),
    text       text NOT NULL CHECK (pg_catalog.btrim(text) <> '' AND pg_catalog.length(text) <= 4000),
    decided_by text NOT NULL DEFAULT current_user,
    decided_at timestamptz NOT NULL DEFAULT now() CHECK (decided_at >= '1900-01-01' AND decided_at < '2200-01-01')
);

CREATE TABLE public.follow_ups (
    id                    bigserial PRIMARY KEY,
    meeting_id            bigint NOT NULL REFERENCES public.meetings (id),
    item_id               bigint REFERENCES public.meeting_items (id),
    text                  text NOT NULL CHECK (pg_catalog.btrim(text) <> '' AND pg_catalog.length(text) <= 4000),
    owner_login           text REFERENCES public.staff (login),
    owner_contact_id      bigint REFERENCES public.contacts (id),
    due_date              date NOT NULL CHECK (due_date >= '1900-01-01' AND due_date < '2200-01-01'),
    -- What it concerns, if anything: an incident, a maintenance window (series) or an issued report.
    incident_ref          text REFERENCES public.incidents (ref),
    maintenance_series_id bigint REFERENCES public.maintenance_series (id),
    service_report_id     bigint REFERENCES public.service_reports (id),
    state                 text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'closed')),
    answer                text CHECK (answer IS NULL OR (pg_catalog.btrim(answer) <> ''
                                                         AND pg_catalog.length(answer) <= 4000)),
    answered_by           text,
    answered_at           timestamptz CHECK (answered_at >= '1900-01-01' AND answered_at < '2200-01-01'),
    created_by            text NOT NULL DEFAULT current_user,
    created_at            timestamptz NOT NULL DEFAULT now()
                          CHECK (created_at >= '1900-01-01' AND created_at < '2200-01-01'),
    version               integer NOT NULL DEFAULT 1,
    CHECK (pg_catalog.num_nonnulls(owner_login, owner_contact_id) = 1),
    CHECK ((answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by IS NULL)),
    CHECK (state <> 'answered' OR answer IS NOT NULL)
);
CREATE INDEX follow_ups_owner_idx ON public.follow_ups (owner_login) WHERE state <> 'closed';
CREATE INDEX follow_ups_meeting_idx ON public.follow_ups (meeting_id);

CREATE TABLE public.minutes_corrections (
    id           bigserial PRIMARY KEY,
    meeting_id   bigint NOT NULL REFERENCES public.meetings (id),
    text         text NOT NULL CHECK (pg_catalog.btrim(text) <> '' AND pg_catalog.length(text) <= 4000),
    corrected_by text NOT NULL DEFAULT current_user,
    corrected_at timestamptz NOT NULL DEFAULT now()
                 CHECK (corrected_at >= '1900-01-01' AND corrected_at < '2200-01-01'),
    -- Set by the server: after the next meeting of the series started.
    late         boolean NOT NULL DEFAULT false
);
CREATE INDEX minutes_corrections_meeting_idx ON public.minutes_corrections (meeting_id);

-- Rules -----------------------------------------------------------------------------------------------------------

-- A meeting goes from draft to published once; published minutes never change. Who and when published are the
-- server's.
CREATE FUNCTION public.vakt_meeting_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF public.vakt_is_superuser() THEN
        IF NEW.state = 'published' AND OLD.state = 'draft' THEN
            NEW.published_by := coalesce(NEW.published_by, public.vakt_actor());
            NEW.published_at := coalesce(NEW.published_at, pg_catalog.now());
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION 'the minutes of meeting % are published and read-only: send a correction instead', OLD.id
            USING ERRCODE = '23514';
    END IF;
    IF NEW.series_id <> OLD.series_id OR NEW.starts_at <> OLD.starts_at OR NEW.agenda <> OLD.agenda
       OR NEW.opened_by <> OLD.opened_by OR NEW.opened_at <> OLD.opened_at THEN
        RAISE EXCEPTION 'a meeting''s series, time and frozen agenda do not change' USING ERRCODE = '42501';
    END IF;
    IF NEW.state = 'published' THEN
        NEW.published_by := public.vakt_actor();
        NEW.published_at := pg_catalog.now();
    ELSE
        NEW.published_by := NULL;
        NEW.published_at := NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER meetings_rules BEFORE UPDATE ON public.meetings
    FOR EACH ROW EXECUTE FUNCTION public.vakt_meeting_rules();

-- Whether the minutes a row belongs to are published, as the caller sees the meeting (a draft is invisible to those
-- who may not read it, and so never counts as published for them).
CREATE FUNCTION public.vakt_meeting_published(p_meeting bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT m.state = 'published' FROM public.meetings m WHERE m.id = p_meeting), false)
$$;

-- Attendance, items and decisions are the minutes themselves: written only while the meeting is a draft.
CREATE FUNCTION public.vakt_minutes_draft_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT public.vakt_is_superuser() THEN
        IF (TG_OP <> 'INSERT' AND public.vakt_meeting_published(OLD.meeting_id))
           OR (TG_OP <> 'DELETE' AND public.vakt_meeting_published(NEW.meeting_id)) THEN
            RAISE EXCEPTION 'the minutes are published and read-only: send a correction instead'
                USING ERRCODE = '23514';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.meeting_id <> OLD.meeting_id THEN
            RAISE EXCEPTION 'a row of the minutes stays in its meeting' USING ERRCODE = '42501';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER meeting_attendance_draft_only BEFORE INSERT OR UPDATE OR DELETE ON public.meeting_attendance
    FOR EACH ROW EXECUTE FUNCTION public.vakt_minutes_draft_only();
CREATE TRIGGER meeting_items_draft_only BEFORE INSERT OR UPDATE OR DELETE ON public.meeting_items
    FOR EACH ROW EXECUTE FUNCTION public.vakt_minutes_draft_only();
CREATE TRIGGER meeting_decisions_draft_only BEFORE INSERT OR UPDATE OR DELETE ON public.meeting_decisions
    FOR EACH ROW EXECUTE FUNCTION public.vakt_minutes_draft_only();

-- Follow-up points: written with the draft (due today or later, on the series' clock); afterwards only answered by
-- their owner, or closed and reopened by a chair.
CREATE FUNCTION public.vakt_follow_up_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_today date;
    v_chair boolean := pg_catalog.pg_has_role(current_user, 'vakt_chair', 'USAGE');
BEGIN
    IF public.vakt_is_superuser() THEN
        IF TG_OP = 'UPDATE' AND NEW.answer IS DISTINCT FROM OLD.answer AND NEW.answer IS NOT NULL THEN
            NEW.answered_by := coalesce(NEW.answered_by, public.vakt_actor());
            NEW.answered_at := coalesce(NEW.answered_at, pg_catalog.now());
            NEW.state := CASE WHEN NEW.state = 'closed' THEN 'closed' ELSE 'answered' END;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF public.vakt_meeting_published(NEW.meeting_id) THEN
            RAISE EXCEPTION 'the minutes are published and read-only: send a correction instead'
                USING ERRCODE = '23514';
        END IF;
        SELECT (pg_catalog.now() AT TIME ZONE s.zone)::date INTO v_today
        FROM public.meetings m JOIN public.meeting_series s ON s.id = m.series_id WHERE m.id = NEW.meeting_id;
        IF NEW.due_date < v_today THEN
            RAISE EXCEPTION 'the due date % is in the past (today is %)', NEW.due_date, v_today
                USING ERRCODE = '23514';
        END IF;
        NEW.state := 'open';
        NEW.answer := NULL;
        NEW.answered_by := NULL;
        NEW.answered_at := NULL;
        RETURN NEW;
    END IF;
    -- What the point says and whom it is for is the minutes: fixed once they are published, and never moved.
    IF NEW.meeting_id <> OLD.meeting_id OR NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at
       OR ((NEW.text, NEW.owner_login, NEW.owner_contact_id, NEW.due_date, NEW.item_id, NEW.incident_ref,
            NEW.maintenance_series_id, NEW.service_report_id)
           IS DISTINCT FROM (OLD.text, OLD.owner_login, OLD.owner_contact_id, OLD.due_date, OLD.item_id,
                             OLD.incident_ref, OLD.maintenance_series_id, OLD.service_report_id)
           AND public.vakt_meeting_published(OLD.meeting_id)) THEN
        RAISE EXCEPTION 'the minutes are published and read-only: send a correction instead' USING ERRCODE = '23514';
    END IF;
    IF NEW.answer IS DISTINCT FROM OLD.answer THEN
        IF NOT (OLD.owner_login = public.vakt_actor() OR (OLD.owner_login IS NULL AND v_chair)) THEN
            RAISE EXCEPTION 'follow-up point % is addressed to %: only its owner answers it', OLD.id,
                coalesce(OLD.owner_login, 'a contact') USING ERRCODE = '42501';
        END IF;
        IF OLD.state = 'closed' THEN
            RAISE EXCEPTION 'follow-up point % is closed' , OLD.id USING ERRCODE = '23514';
        END IF;
        IF NEW.answer IS NULL THEN
            RAISE EXCEPTION 'an answer is replaced, not taken back' USING ERRCODE = '23514';
        END IF;
        NEW.answered_by := public.vakt_actor();
        NEW.answered_at := pg_catalog.now();
        NEW.state := 'answered';
    ELSIF NEW.answered_by IS DISTINCT FROM OLD.answered_by OR NEW.answered_at IS DISTINCT FROM OLD.answered_at THEN
        RAISE EXCEPTION 'who answered and when are the server''s' USING ERRCODE = '42501';
    ELSIF NEW.state <> OLD.state THEN
        IF NOT v_chair THEN
            RAISE EXCEPTION 'only a chair closes or reopens a follow-up point' USING ERRCODE = '42501';
        END IF;
        IF NEW.state = 'answered' AND OLD.answer IS NULL THEN
            RAISE EXCEPTION 'a point is answered by its owner''s answer' USING ERRCODE = '23514';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER follow_ups_rules BEFORE INSERT OR UPDATE ON public.follow_ups
    FOR EACH ROW EXECUTE FUNCTION public.vakt_follow_up_rules();
CREATE FUNCTION public.vakt_follow_up_kept() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT public.vakt_is_superuser() AND public.vakt_meeting_published(OLD.meeting_id) THEN
        RAISE EXCEPTION 'the minutes are published and read-only: close the point instead' USING ERRCODE = '23514';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER follow_ups_kept BEFORE DELETE ON public.follow_ups
    FOR EACH ROW EXECUTE FUNCTION public.vakt_follow_up_kept();

-- Corrections go to published minutes; one after the next meeting of the series started is late.
CREATE FUNCTION public.vakt_correction_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_meeting public.meetings%ROWTYPE;
BEGIN
    SELECT * INTO v_meeting FROM public.meetings m WHERE m.id = NEW.meeting_id;
    IF NOT FOUND OR v_meeting.state <> 'published' THEN
        RAISE EXCEPTION 'meeting % has no published minutes to correct', NEW.meeting_id USING ERRCODE = '23514';
    END IF;
    NEW.late := NEW.corrected_at >= coalesce(v_meeting.next_starts_at, 'infinity')
        OR EXISTS (SELECT 1 FROM public.meetings n WHERE n.series_id = v_meeting.series_id
                   AND n.starts_at > v_meeting.starts_at AND n.starts_at <= NEW.corrected_at);
    RETURN NEW;
END
$$;

CREATE TRIGGER meeting_series_created_by BEFORE INSERT ON public.meeting_series
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');
CREATE TRIGGER meetings_opened_by BEFORE INSERT ON public.meetings
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('opened_by', 'opened_at');
CREATE TRIGGER meeting_decisions_decided_by BEFORE INSERT ON public.meeting_decisions
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('decided_by', 'decided_at');
CREATE TRIGGER follow_ups_created_by BEFORE INSERT ON public.follow_ups
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('created_by', 'created_at');
-- Stamped first (triggers fire in name order), so lateness is judged on the server's time.
CREATE TRIGGER minutes_corrections_a_stamp BEFORE INSERT ON public.minutes_corrections
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('corrected_by', 'corrected_at');
CREATE TRIGGER minutes_corrections_b_rules BEFORE INSERT ON public.minutes_corrections
    FOR EACH ROW EXECUTE FUNCTION public.vakt_correction_rules();

-- A meeting is never opened with a published state, whoever asks.
CREATE FUNCTION public.vakt_meeting_opened_as_draft() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT public.vakt_is_superuser() THEN
        NEW.state := 'draft';
        NEW.published_by := NULL;
        NEW.published_at := NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER meetings_opened_as_draft BEFORE INSERT ON public.meetings
    FOR EACH ROW EXECUTE FUNCTION public.vakt_meeting_opened_as_draft();

CREATE TRIGGER meeting_series_version BEFORE UPDATE ON public.meeting_series
    FOR EACH ROW EXECUTE FUNCTION public.vakt_bump_version();
CREATE TRIGGER meetings_version BEFORE UPDATE ON public.meetings
    FOR EACH ROW EXECUTE FUNCTION public.vakt_bump_version();
CREATE TRIGGER meeting_items_version BEFORE UPDATE ON public.meeting_items
    FOR EACH ROW EXECUTE FUNCTION public.vakt_bump_version();
CREATE TRIGGER follow_ups_version BEFORE UPDATE ON public.follow_ups
    FOR EACH ROW EXECUTE FUNCTION public.vakt_bump_version();

CREATE TRIGGER meeting_series_changed AFTER INSERT OR UPDATE OR DELETE ON public.meeting_series
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER meetings_changed AFTER INSERT OR UPDATE OR DELETE ON public.meetings
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER meeting_items_changed AFTER INSERT OR UPDATE OR DELETE ON public.meeting_items
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER follow_ups_changed AFTER INSERT OR UPDATE OR DELETE ON public.follow_ups
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER minutes_corrections_changed AFTER INSERT ON public.minutes_corrections
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

-- Who reads what: drafts are for chairs (and so admins); published minutes for every role ---------------------------

ALTER TABLE public.meetings ENABLE ROW LEVEL SECURITY;
CREATE POLICY meetings_chairs ON public.meetings TO vakt_chair USING (true) WITH CHECK (true);
CREATE POLICY meetings_published ON public.meetings FOR SELECT TO vakt_viewer, vakt_worker
    USING (state = 'published');

ALTER TABLE public.meeting_attendance ENABLE ROW LEVEL SECURITY;
CREATE POLICY meeting_attendance_chairs ON public.meeting_attendance TO vakt_chair USING (true) WITH CHECK (true);
CREATE POLICY meeting_attendance_published ON public.meeting_attendance FOR SELECT TO vakt_viewer, vakt_worker
    USING (public.vakt_meeting_published(meeting_id));

ALTER TABLE public.meeting_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY meeting_items_chairs ON public.meeting_items TO vakt_chair USING (true) WITH CHECK (true);
CREATE POLICY meeting_items_published ON public.meeting_items FOR SELECT TO vakt_viewer, vakt_worker
    USING (public.vakt_meeting_published(meeting_id));

ALTER TABLE public.meeting_decisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY meeting_decisions_chairs ON public.meeting_decisions TO vakt_chair USING (true) WITH CHECK (true);
CREATE POLICY meeting_decisions_published ON public.meeting_decisions FOR SELECT TO vakt_viewer, vakt_worker
    USING (public.vakt_meeting_published(meeting_id));

ALTER TABLE public.follow_ups ENABLE ROW LEVEL SECURITY;
CREATE POLICY follow_ups_chairs ON public.follow_ups TO vakt_chair USING (true) WITH CHECK (true);
CREATE POLICY follow_ups_published ON public.follow_ups FOR SELECT TO vakt_viewer, vakt_worker
    USING (public.vakt_meeting_published(meeting_id));
-- An owner updates (answers) only points addressed to their login; the trigger keeps them to the answer.
CREATE POLICY follow_ups_owner ON public.follow_ups FOR UPDATE TO vakt_viewer
    USING (owner_login = public.vakt_actor() AND public.vakt_meeting_published(meeting_id))
    WITH CHECK (owner_login = public.vakt_actor());

GRANT SELECT ON public.meeting_series, public.meetings, public.meeting_attendance, public.meeting_items,
    public.meeting_decisions, public.follow_ups, public.minutes_corrections TO vakt_viewer, vakt_worker;
GRANT INSERT (code, agreement_id, title, kind, zone, start_local, rule, duration_minutes, chair_login, participants,
              distribution, horizon_days),
      UPDATE (title, kind, zone, start_local, rule, duration_minutes, chair_login, participants, distribution,
              horizon_days)
    ON public.meeting_series TO vakt_chair;
GRANT INSERT (series_id, starts_at, next_starts_at, agenda), UPDATE (state) ON public.meetings TO vakt_chair;
GRANT INSERT (meeting_id, participant, mandatory, present), UPDATE (present), DELETE
    ON public.meeting_attendance TO vakt_chair;
GRANT INSERT (meeting_id, position, section, title, notes, discussed, carried_from),
      UPDATE (position, title, notes, discussed), DELETE ON public.meeting_items TO vakt_chair;
GRANT INSERT (meeting_id, item_id, text), UPDATE (text), DELETE ON public.meeting_decisions TO vakt_chair;
GRANT INSERT (meeting_id, item_id, text, owner_login, owner_contact_id, due_date, incident_ref, maintenance_series_id,
              service_report_id),
      UPDATE (item_id, text, owner_login, owner_contact_id, due_date, incident_ref, maintenance_series_id,
              service_report_id, state), DELETE
    ON public.follow_ups TO vakt_chair;
GRANT UPDATE (answer) ON public.follow_ups TO vakt_viewer;
GRANT INSERT (meeting_id, text) ON public.minutes_corrections TO vakt_viewer;
GRANT USAGE ON SEQUENCE public.meeting_series_id_seq, public.meetings_id_seq, public.meeting_attendance_id_seq,
    public.meeting_items_id_seq, public.meeting_decisions_id_seq, public.follow_ups_id_seq TO vakt_chair;
GRANT USAGE ON SEQUENCE public.minutes_corrections_id_seq TO vakt_viewer;
