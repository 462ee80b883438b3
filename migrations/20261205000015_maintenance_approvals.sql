-- Maintenance calendar (issue 10), step 5: approvals, the announcement ledger and the freeze override.
--
-- * An approval records who approved a series, in which role and when (ROR-IKT: an upgrade needs systemansvarlig
--   and driftsansvarlig; downtime for repairs is agreed with the systemeier). The approver may be a contact, not
--   a login, so it is a name; the login that recorded it is stamped.
-- * The announcement ledger: every announcement, change, cancellation and reminder that went out for a series,
--   at which iCalendar SEQUENCE (the series' version then), to how many recipients. Notice is measured from it.
--   A reminder is sent once per occurrence and sequence, however many `vakt serve` workers run.
-- * A window inside a freeze is refused unless an admin records why (`freeze_override`).
-- Only admins write; every role reads. Follows the schema's pattern (docs/architecture.md).

ALTER TABLE public.maintenance_series
    ADD COLUMN freeze_override text CHECK (freeze_override IS NULL
        OR (btrim(freeze_override) <> '' AND length(freeze_override) <= 4000)),
    -- The version at which the window itself (not its state) last changed: approvals older than it are void.
    ADD COLUMN content_version integer NOT NULL DEFAULT 1;

-- Kept by the server: an edit of what, where or when voids earlier approvals; a change of state does not.
CREATE FUNCTION public.vakt_maintenance_content_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.content_version := 1;
    ELSIF (NEW.services, NEW.kind, NEW.impact, NEW.zone, NEW.start_local, NEW.length_seconds, NEW.rule, NEW.follows,
           NEW.follow_days) IS DISTINCT FROM (OLD.services, OLD.kind, OLD.impact, OLD.zone, OLD.start_local,
           OLD.length_seconds, OLD.rule, OLD.follows, OLD.follow_days) THEN
        -- The version this update gets (vakt_bump_version sets it after this trigger).
        NEW.content_version := OLD.version + 1;
    ELSE
        NEW.content_version := OLD.content_version;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER maintenance_series_content BEFORE INSERT OR UPDATE ON public.maintenance_series
    FOR EACH ROW EXECUTE FUNCTION public.vakt_maintenance_content_version();

CREATE TABLE public.maintenance_approvals (
    id          bigserial PRIMARY KEY,
    series_id   bigint NOT NULL REFERENCES public.maintenance_series (id),
    approver    text NOT NULL CHECK (btrim(approver) <> '' AND length(approver) <= 200 AND approver !~ '[[:cntrl:]]'),
    role        text NOT NULL CHECK (btrim(role) <> '' AND length(role) <= 100 AND role !~ '[[:cntrl:]]'),
    -- The series' version that was approved: an edit after it needs a new approval.
    version     integer NOT NULL CHECK (version > 0),
    recorded_by text NOT NULL DEFAULT current_user,
    recorded_at timestamptz NOT NULL DEFAULT now()
        CHECK (recorded_at >= '1900-01-01' AND recorded_at < '2200-01-01')
);
CREATE INDEX maintenance_approvals_series_idx ON public.maintenance_approvals (series_id);

CREATE TABLE public.maintenance_announcements (
    id           bigserial PRIMARY KEY,
    series_id    bigint NOT NULL REFERENCES public.maintenance_series (id),
    what         text NOT NULL CHECK (what IN ('announce', 'change', 'cancel', 'reminder')),
    -- For a reminder or a cancelled occurrence: the occurrence's local start date.
    occurrence   date CHECK (occurrence IS NULL OR (occurrence >= '1900-01-01' AND occurrence < '2200-01-01')),
    -- The iCalendar SEQUENCE the recipients saw.
    sequence     integer NOT NULL CHECK (sequence >= 0),
    -- True when the window's times changed with it: notice is measured from the last such announcement.
    moves        boolean NOT NULL,
    recipients   integer NOT NULL CHECK (recipients BETWEEN 0 AND 100000),
    announced_by text NOT NULL DEFAULT current_user,
    announced_at timestamptz NOT NULL DEFAULT now()
        CHECK (announced_at >= '1900-01-01' AND announced_at < '2200-01-01'),
    CHECK (what <> 'reminder' OR occurrence IS NOT NULL),
    CHECK (what <> 'announce' OR moves)
);
CREATE INDEX maintenance_announcements_series_idx ON public.maintenance_announcements (series_id, announced_at);
-- Several workers may remind at once: one reminder per occurrence and sequence.
CREATE UNIQUE INDEX maintenance_announcements_one_reminder
    ON public.maintenance_announcements (series_id, occurrence, sequence) WHERE what = 'reminder';

-- The version approved is the series' version now, whatever the client wrote.
CREATE FUNCTION public.vakt_approval_of_current_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    SELECT s.version INTO NEW.version FROM public.maintenance_series s WHERE s.id = NEW.series_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no maintenance series %', NEW.series_id USING ERRCODE = '23503';
    END IF;
    IF (SELECT s.state FROM public.maintenance_series s WHERE s.id = NEW.series_id) = 'cancelled' THEN
        RAISE EXCEPTION 'maintenance series % is cancelled', NEW.series_id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER maintenance_approvals_version BEFORE INSERT ON public.maintenance_approvals
    FOR EACH ROW EXECUTE FUNCTION public.vakt_approval_of_current_version();

-- What an announcement says it was sent at is the series' version now. vakt serve (a worker that is not an admin)
-- writes only the reminders of announced series.
CREATE FUNCTION public.vakt_announcement_of_current_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT public.vakt_is_superuser() AND NOT pg_catalog.pg_has_role(public.vakt_actor(), 'vakt_admin', 'MEMBER')
       AND (NEW.what <> 'reminder' OR NOT EXISTS (SELECT 1 FROM public.maintenance_series s
                                                 WHERE s.id = NEW.series_id AND s.state = 'announced')) THEN
        RAISE EXCEPTION 'only an admin announces maintenance; vakt serve only reminds of announced windows'
            USING ERRCODE = '42501';
    END IF;
    SELECT s.version - 1 INTO NEW.sequence FROM public.maintenance_series s WHERE s.id = NEW.series_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no maintenance series %', NEW.series_id USING ERRCODE = '23503';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER maintenance_announcements_sequence BEFORE INSERT ON public.maintenance_announcements
    FOR EACH ROW EXECUTE FUNCTION public.vakt_announcement_of_current_version();

CREATE TRIGGER maintenance_approvals_recorded_by BEFORE INSERT ON public.maintenance_approvals
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('recorded_by', 'recorded_at');
CREATE TRIGGER maintenance_announcements_announced_by BEFORE INSERT ON public.maintenance_announcements
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('announced_by', 'announced_at');
CREATE TRIGGER maintenance_approvals_changed AFTER INSERT OR UPDATE OR DELETE ON public.maintenance_approvals
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER maintenance_announcements_changed AFTER INSERT OR UPDATE OR DELETE
    ON public.maintenance_announcements FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

-- Ledgers are written once: no login changes or removes what was approved or sent.
GRANT SELECT ON public.maintenance_approvals, public.maintenance_announcements TO vakt_viewer;
GRANT INSERT ON public.maintenance_approvals, public.maintenance_announcements TO vakt_admin;
-- vakt serve writes reminders.
GRANT INSERT ON public.maintenance_announcements TO vakt_worker;
GRANT USAGE ON SEQUENCE public.maintenance_approvals_id_seq TO vakt_admin;
GRANT USAGE ON SEQUENCE public.maintenance_announcements_id_seq TO vakt_admin, vakt_worker;
