-- Maintenance calendar (issue 10), step 7: one window of a series moved on its own, as iCalendar does with
-- RECURRENCE-ID. The window keeps its name (the local date it had in the series); a move is at most 31 days from
-- it (vakt checks that before writing), and moving it again replaces the move. Every move raises the series'
-- version, so calendars see a higher SEQUENCE and an announced series is announced again.
-- Only admins write; every role reads. Follows the schema's pattern (docs/architecture.md).

CREATE TABLE public.maintenance_moves (
    series_id      bigint NOT NULL REFERENCES public.maintenance_series (id),
    occurrence     date NOT NULL CHECK (occurrence >= '1900-01-01' AND occurrence < '2200-01-01'),
    start_local    timestamp NOT NULL CHECK (start_local >= '1900-01-01' AND start_local < '2200-01-01'
                                             AND start_local BETWEEN occurrence - 31 AND occurrence + 32),
    length_seconds bigint NOT NULL CHECK (length_seconds > 0 AND length_seconds <= 92 * 86400),
    note           text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    moved_by       text NOT NULL DEFAULT current_user,
    moved_at       timestamptz NOT NULL DEFAULT now() CHECK (moved_at >= '1900-01-01' AND moved_at < '2200-01-01'),
    PRIMARY KEY (series_id, occurrence)
);

CREATE FUNCTION public.vakt_maintenance_moved() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- vakt_bump_version raises the version of the series.
    UPDATE public.maintenance_series SET version = version WHERE id = NEW.series_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER maintenance_moves_raise_sequence AFTER INSERT OR UPDATE ON public.maintenance_moves
    FOR EACH ROW EXECUTE FUNCTION public.vakt_maintenance_moved();
CREATE TRIGGER maintenance_moves_moved_by BEFORE INSERT OR UPDATE ON public.maintenance_moves
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('moved_by', 'moved_at');
CREATE TRIGGER maintenance_moves_changed AFTER INSERT OR UPDATE OR DELETE ON public.maintenance_moves
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

GRANT SELECT ON public.maintenance_moves TO vakt_viewer;
GRANT INSERT, UPDATE ON public.maintenance_moves TO vakt_admin;
