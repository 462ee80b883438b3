-- Change needs (issue 13; Altinn Tjenesteavtale §2.10): the register of needs for change from service owners and
-- system vendors, and the steps each goes through: received → feedback given → qualified (prioritised) → analysed
-- → planned for a release → delivered, or rejected with a reason. vakt measures three clocks from the step times
-- (feedback ≤ 5 working days and qualification ≤ 20 working days from receipt; analysis of a high-priority need
-- ≤ 20 working days after qualification), so the step times are the server's and a step is never skipped.
--
-- Rights, enforced here and not by the console:
-- * chairs (vakt_chair, and so admins) handle change needs: register, give feedback, qualify, analyse, plan,
--   deliver, reject. Altinn takes these at its monthly delivery meeting, which the chair runs; no new role is
--   needed and `vakt staff add --role chair` gives the right;
-- * every role reads the register (the overview of prioritised needs is public to the cooperation, §2.10.2);
-- * nobody deletes a need: a withdrawn one is rejected with its reason, so the monthly report can count it.
-- Follows the schema's pattern (docs/architecture.md): functions pin their search_path, who and when are the
-- server's, instants are bounded; no function here needs SECURITY DEFINER.

CREATE SEQUENCE public.change_need_ref_seq START 1;

CREATE TABLE public.change_needs (
    id                    bigserial PRIMARY KEY,
    ref                   text NOT NULL UNIQUE DEFAULT ('END-' || pg_catalog.nextval('public.change_need_ref_seq'))
                          CHECK (ref ~ '^END-[0-9]{1,12}$'),
    agreement_id          bigint NOT NULL REFERENCES public.agreements (id),
    title                 text NOT NULL CHECK (pg_catalog.btrim(title) <> '' AND pg_catalog.length(title) <= 200
                                               AND title !~ '[[:cntrl:]]'),
    description           text NOT NULL CHECK (pg_catalog.btrim(description) <> ''
                                               AND pg_catalog.length(description) <= 20000),
    -- Who submitted it: a service owner (tjenesteeier) or a system vendor (sluttbrukersystemleverandør), by name,
    -- and the person to answer; they need not be in the organisation register.
    submitter_kind        text NOT NULL CHECK (submitter_kind IN ('service_owner', 'system_vendor')),
    submitter_org         text NOT NULL CHECK (pg_catalog.btrim(submitter_org) <> ''
                                               AND pg_catalog.length(submitter_org) <= 200
                                               AND submitter_org !~ '[[:cntrl:]]'),
    submitter_contact     text NOT NULL CHECK (pg_catalog.btrim(submitter_contact) <> ''
                                               AND pg_catalog.length(submitter_contact) <= 200
                                               AND submitter_contact !~ '[[:cntrl:]]'),
    requested_priority    text NOT NULL CHECK (requested_priority IN ('high', 'medium', 'low')),
    -- The submitter must justify "high" (§2.10.5).
    justification         text CHECK (justification IS NULL OR (pg_catalog.btrim(justification) <> ''
                                                                 AND pg_catalog.length(justification) <= 4000)),
    state                 text NOT NULL DEFAULT 'received'
                          CHECK (state IN ('received', 'feedback_given', 'qualified', 'analysed', 'planned',
                                           'delivered', 'rejected')),
    received_by           text NOT NULL DEFAULT current_user,
    received_at           timestamptz NOT NULL DEFAULT pg_catalog.now()
                          CHECK (received_at >= '1900-01-01' AND received_at < '2200-01-01'),
    -- Feedback on status and plan to the submitter (§2.10.1).
    feedback              text CHECK (feedback IS NULL OR (pg_catalog.btrim(feedback) <> ''
                                                           AND pg_catalog.length(feedback) <= 4000)),
    feedback_by           text,
    feedback_at           timestamptz CHECK (feedback_at >= received_at AND feedback_at < '2200-01-01'),
    -- ASF's priority, set when qualified (§2.10.4).
    priority              text CHECK (priority IN ('high', 'medium', 'low')),
    qualified_by          text,
    qualified_at          timestamptz CHECK (qualified_at >= received_at AND qualified_at < '2200-01-01'),
    analysis              text CHECK (analysis IS NULL OR (pg_catalog.btrim(analysis) <> ''
                                                           AND pg_catalog.length(analysis) <= 20000)),
    analysed_by           text,
    analysed_at           timestamptz CHECK (analysed_at >= qualified_at AND analysed_at < '2200-01-01'),
    -- The release it is planned for: a release series of the maintenance calendar where it exists, else its name.
    release_series_id     bigint REFERENCES public.maintenance_series (id),
    release_label         text CHECK (release_label IS NULL OR (pg_catalog.btrim(release_label) <> ''
                                                                 AND pg_catalog.length(release_label) <= 100
                                                                 AND release_label !~ '[[:cntrl:]]')),
    planned_by            text,
    planned_at            timestamptz CHECK (planned_at >= received_at AND planned_at < '2200-01-01'),
    delivered_by          text,
    delivered_at          timestamptz CHECK (delivered_at >= planned_at AND delivered_at < '2200-01-01'),
    rejection_reason      text CHECK (rejection_reason IS NULL OR (pg_catalog.btrim(rejection_reason) <> ''
                                                                   AND pg_catalog.length(rejection_reason) <= 4000)),
    rejected_by           text,
    rejected_at           timestamptz CHECK (rejected_at >= received_at AND rejected_at < '2200-01-01'),
    version               integer NOT NULL DEFAULT 1,
    CHECK (requested_priority <> 'high' OR justification IS NOT NULL),
    CHECK (priority IS DISTINCT FROM 'high' OR justification IS NOT NULL),
    -- Each state carries the steps before it (a high-priority need is analysed before it is planned).
    CHECK (state IN ('received', 'rejected') OR (feedback IS NOT NULL AND feedback_at IS NOT NULL)),
    CHECK (state NOT IN ('qualified', 'analysed', 'planned', 'delivered')
           OR (priority IS NOT NULL AND qualified_at IS NOT NULL)),
    CHECK (state NOT IN ('analysed', 'planned', 'delivered') OR priority <> 'high'
           OR (analysis IS NOT NULL AND analysed_at IS NOT NULL)),
    CHECK (state NOT IN ('planned', 'delivered')
           OR (planned_at IS NOT NULL AND pg_catalog.num_nonnulls(release_series_id, release_label) >= 1)),
    CHECK ((state = 'delivered') = (delivered_at IS NOT NULL)),
    CHECK ((state = 'rejected') = (rejected_at IS NOT NULL AND rejection_reason IS NOT NULL))
);
CREATE INDEX change_needs_agreement_idx ON public.change_needs (agreement_id, received_at);
CREATE INDEX change_needs_open_idx ON public.change_needs (state) WHERE state NOT IN ('delivered', 'rejected');

-- The steps a need may take, in order; anything else (a skipped step, a way back, a second answer to a closed need)
-- is refused.
CREATE FUNCTION public.vakt_change_need_step_allowed(p_from text, p_to text, p_priority text) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN p_from IN ('delivered', 'rejected') THEN false
        WHEN p_to = 'rejected' THEN true
        ELSE (p_from, p_to) IN (('received', 'feedback_given'), ('feedback_given', 'qualified'),
                                ('qualified', 'analysed'), ('analysed', 'planned'), ('planned', 'delivered'))
             -- Only a high-priority need must be analysed (§2.10.5) before it is planned.
             OR (p_from = 'qualified' AND p_to = 'planned' AND p_priority IS DISTINCT FROM 'high')
    END
$$;

CREATE FUNCTION public.vakt_change_need_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_actor text := public.vakt_actor();
    v_now timestamptz := pg_catalog.now();
BEGIN
    -- The demo loader and migrations (superusers) may write history with its own times; the step rules still hold.
    IF public.vakt_is_superuser() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- A need starts received, now; every later step is taken by an update.
        NEW.state := 'received';
        NEW.received_by := v_actor;
        NEW.received_at := v_now;
        NEW.feedback_by := NULL; NEW.feedback_at := NULL; NEW.priority := NULL;
        NEW.qualified_by := NULL; NEW.qualified_at := NULL; NEW.analysed_by := NULL; NEW.analysed_at := NULL;
        NEW.planned_by := NULL; NEW.planned_at := NULL; NEW.delivered_by := NULL; NEW.delivered_at := NULL;
        NEW.rejected_by := NULL; NEW.rejected_at := NULL;
        IF NEW.feedback IS NOT NULL OR NEW.analysis IS NOT NULL OR NEW.rejection_reason IS NOT NULL
           OR NEW.release_series_id IS NOT NULL OR NEW.release_label IS NOT NULL THEN
            RAISE EXCEPTION 'a new change need is received first: feedback, analysis, release and rejection are '
                'later steps' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END IF;

    IF OLD.state IN ('delivered', 'rejected') THEN
        RAISE EXCEPTION 'change need % is %: it no longer changes', OLD.ref, OLD.state USING ERRCODE = '23514';
    END IF;
    -- Who took each step and when are the server's; the agreement and the receipt never change.
    IF NEW.agreement_id <> OLD.agreement_id OR NEW.ref <> OLD.ref OR NEW.received_at <> OLD.received_at
       OR NEW.received_by <> OLD.received_by
       OR (NEW.feedback_by, NEW.feedback_at, NEW.qualified_by, NEW.qualified_at, NEW.analysed_by, NEW.analysed_at,
           NEW.planned_by, NEW.planned_at, NEW.delivered_by, NEW.delivered_at, NEW.rejected_by, NEW.rejected_at)
          IS DISTINCT FROM
          (OLD.feedback_by, OLD.feedback_at, OLD.qualified_by, OLD.qualified_at, OLD.analysed_by, OLD.analysed_at,
           OLD.planned_by, OLD.planned_at, OLD.delivered_by, OLD.delivered_at, OLD.rejected_by, OLD.rejected_at) THEN
        RAISE EXCEPTION 'who took a step of a change need and when are the server''s' USING ERRCODE = '42501';
    END IF;
    -- What a step recorded stays as recorded: the priority is ASF's decision at qualification, the analysis its
    -- result; a later step adds to them.
    IF (OLD.priority IS NOT NULL AND NEW.priority IS DISTINCT FROM OLD.priority)
       OR (OLD.analysis IS NOT NULL AND NEW.analysis IS DISTINCT FROM OLD.analysis)
       OR (OLD.feedback IS NOT NULL AND NEW.feedback IS NULL) THEN
        RAISE EXCEPTION 'change need %: a step''s decision is not taken back (reject the need instead)', OLD.ref
            USING ERRCODE = '23514';
    END IF;
    IF NEW.state = OLD.state THEN
        IF NEW.priority IS DISTINCT FROM OLD.priority OR NEW.analysis IS DISTINCT FROM OLD.analysis
           OR NEW.rejection_reason IS DISTINCT FROM OLD.rejection_reason
           OR (OLD.state <> 'planned' AND (NEW.release_series_id, NEW.release_label)
                                          IS DISTINCT FROM (OLD.release_series_id, OLD.release_label)) THEN
            RAISE EXCEPTION 'change need % is %: that is recorded by its own step', OLD.ref, OLD.state
                USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END IF;

    IF NOT public.vakt_change_need_step_allowed(OLD.state, NEW.state, coalesce(NEW.priority, OLD.priority)) THEN
        RAISE EXCEPTION 'change need % is %: it cannot go to % (the steps are received, feedback_given, qualified, '
            'analysed (high priority), planned, delivered; or rejected)', OLD.ref, OLD.state, NEW.state
            USING ERRCODE = '23514';
    END IF;
    CASE NEW.state
        WHEN 'feedback_given' THEN
            NEW.feedback_by := v_actor; NEW.feedback_at := v_now;
        WHEN 'qualified' THEN
            IF NEW.priority IS NULL THEN
                RAISE EXCEPTION 'qualifying change need % sets its priority (high, medium or low)', OLD.ref
                    USING ERRCODE = '23514';
            END IF;
            NEW.qualified_by := v_actor; NEW.qualified_at := v_now;
        WHEN 'analysed' THEN
            NEW.analysed_by := v_actor; NEW.analysed_at := v_now;
        WHEN 'planned' THEN
            IF NEW.release_series_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM public.maintenance_series s
                WHERE s.id = NEW.release_series_id AND s.kind = 'release' AND s.state <> 'cancelled') THEN
                RAISE EXCEPTION 'maintenance series % is not a release in the calendar', NEW.release_series_id
                    USING ERRCODE = '23514';
            END IF;
            NEW.planned_by := v_actor; NEW.planned_at := v_now;
        WHEN 'delivered' THEN
            NEW.delivered_by := v_actor; NEW.delivered_at := v_now;
        WHEN 'rejected' THEN
            NEW.rejected_by := v_actor; NEW.rejected_at := v_now;
        ELSE
            NULL;
    END CASE;
    RETURN NEW;
END
$$;
CREATE TRIGGER change_needs_rules BEFORE INSERT OR UPDATE ON public.change_needs
    FOR EACH ROW EXECUTE FUNCTION public.vakt_change_need_rules();

CREATE TRIGGER change_needs_version BEFORE UPDATE ON public.change_needs
    FOR EACH ROW EXECUTE FUNCTION public.vakt_bump_version();
CREATE TRIGGER change_needs_changed AFTER INSERT OR UPDATE OR DELETE ON public.change_needs
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

-- Everyone reads; chairs (and so admins) write the columns of the steps; nobody deletes.
GRANT SELECT ON public.change_needs TO vakt_viewer, vakt_worker;
GRANT INSERT (agreement_id, title, description, submitter_kind, submitter_org, submitter_contact,
              requested_priority, justification),
      UPDATE (title, description, submitter_contact, justification, state, feedback, priority, analysis,
              release_series_id, release_label, rejection_reason)
    ON public.change_needs TO vakt_chair;
GRANT USAGE ON SEQUENCE public.change_needs_id_seq, public.change_need_ref_seq TO vakt_chair;
