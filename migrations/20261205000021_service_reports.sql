-- Service reports (issue 11), step 2: issuing a report freezes its figures. A report is issued once per agreement,
-- kind and period, only for a period that is over on the agreement's wall clock, and never changes or goes away
-- after that: a later correction shows as a restatement next to the frozen figures (vakt computes the difference),
-- never as a rewrite. MIMs (and so admins) issue reports, as they write the post-incident reports; everyone reads
-- them. Who issued and when are the server's.

CREATE TABLE public.service_reports (
    id           bigserial PRIMARY KEY,
    agreement_id bigint NOT NULL REFERENCES public.agreements (id),
    kind         text NOT NULL CHECK (kind IN ('monthly', 'tertial', 'yearly')),
    -- 2027-03, 2027-T1 or 2027, as the kind says.
    period       text NOT NULL,
    -- The first day after the period; set by the server from kind and period.
    period_after date NOT NULL,
    figures      jsonb NOT NULL CHECK (pg_catalog.jsonb_typeof(figures) = 'object'
                                       AND pg_catalog.octet_length(figures::text) <= 67108864),
    issued_by    text NOT NULL DEFAULT current_user,
    issued_at    timestamptz NOT NULL DEFAULT now()
                 CHECK (issued_at >= '1900-01-01' AND issued_at < '2200-01-01'),
    UNIQUE (agreement_id, kind, period),
    CHECK ((kind = 'monthly' AND period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
        OR (kind = 'tertial' AND period ~ '^[0-9]{4}-T[1-3]$')
        OR (kind = 'yearly' AND period ~ '^[0-9]{4}$'))
);

-- The period's end comes from the period itself, and a period still running (on the agreement's zone) cannot be
-- issued: its figures are not final.
CREATE FUNCTION public.vakt_service_report_closed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    first date;
    zone text;
BEGIN
    first := CASE NEW.kind
        WHEN 'monthly' THEN pg_catalog.to_date(NEW.period || '-01', 'YYYY-MM-DD')
        WHEN 'tertial' THEN pg_catalog.make_date(pg_catalog.left(NEW.period, 4)::int,
                                                 1 + 4 * (pg_catalog.right(NEW.period, 1)::int - 1), 1)
        ELSE pg_catalog.make_date(NEW.period::int, 1, 1) END;
    NEW.period_after := first + CASE NEW.kind
        WHEN 'monthly' THEN interval '1 month' WHEN 'tertial' THEN interval '4 months' ELSE interval '1 year' END;
    SELECT v.document ->> 'zone' INTO zone FROM public.agreement_versions v
    WHERE v.agreement_id = NEW.agreement_id ORDER BY v.valid_from DESC LIMIT 1;
    IF NEW.period_after > (pg_catalog.now() AT TIME ZONE coalesce(zone, 'UTC'))::date THEN
        RAISE EXCEPTION 'the period % is not over yet: a report is issued for a closed period', NEW.period
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER service_reports_closed BEFORE INSERT ON public.service_reports
    FOR EACH ROW EXECUTE FUNCTION public.vakt_service_report_closed();
CREATE TRIGGER service_reports_issued_by BEFORE INSERT ON public.service_reports
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('issued_by', 'issued_at');
CREATE TRIGGER service_reports_changed AFTER INSERT OR UPDATE OR DELETE ON public.service_reports
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

GRANT SELECT ON public.service_reports TO vakt_viewer;
-- No UPDATE or DELETE for anyone: issued is frozen.
GRANT INSERT (agreement_id, kind, period, figures) ON public.service_reports TO vakt_mim;
GRANT USAGE ON SEQUENCE public.service_reports_id_seq TO vakt_mim;
