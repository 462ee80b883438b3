-- Maintenance calendar (issue 10), step 8: a note on one window of a series, and whether its work was left
-- unfinished. Tranemo/Ulricehamn's secondary window is used only when the primary's work could not be finished:
-- the calendar warns about a secondary window whose primary has no unfinished work recorded.
-- Only admins write; every role reads. Follows the schema's pattern (docs/architecture.md).

CREATE TABLE public.maintenance_notes (
    series_id  bigint NOT NULL REFERENCES public.maintenance_series (id),
    occurrence date NOT NULL CHECK (occurrence >= '1900-01-01' AND occurrence < '2200-01-01'),
    unfinished boolean NOT NULL DEFAULT false,
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    noted_by   text NOT NULL DEFAULT current_user,
    noted_at   timestamptz NOT NULL DEFAULT now() CHECK (noted_at >= '1900-01-01' AND noted_at < '2200-01-01'),
    PRIMARY KEY (series_id, occurrence)
);

CREATE TRIGGER maintenance_notes_noted_by BEFORE INSERT OR UPDATE ON public.maintenance_notes
    FOR EACH ROW EXECUTE FUNCTION public.vakt_stamp_login('noted_by', 'noted_at');
CREATE TRIGGER maintenance_notes_changed AFTER INSERT OR UPDATE OR DELETE ON public.maintenance_notes
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();

GRANT SELECT ON public.maintenance_notes TO vakt_viewer;
GRANT INSERT, UPDATE ON public.maintenance_notes TO vakt_admin;
