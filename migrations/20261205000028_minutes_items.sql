-- Minutes taken item by item (the console's minutes screen, `vakt minutes notes|decide|item|attend`):
-- * a decision or follow-up point made on an agenda item belongs to an item of its own meeting; the database
--   holds this, not only the console, so no login can file a decision into other minutes;
-- * attendance and decisions tell every console when they change (as items, follow-up points and corrections
--   already do), so two consoles on the same minutes see each other's marks within a second.

ALTER TABLE public.meeting_items ADD CONSTRAINT meeting_items_id_meeting_key UNIQUE (id, meeting_id);

-- NOT VALID: rows written before this version are not checked again (an upgrade never stops on old data); every
-- new or changed row is.
ALTER TABLE public.meeting_decisions ADD CONSTRAINT meeting_decisions_item_in_meeting
    FOREIGN KEY (item_id, meeting_id) REFERENCES public.meeting_items (id, meeting_id) NOT VALID;
ALTER TABLE public.follow_ups ADD CONSTRAINT follow_ups_item_in_meeting
    FOREIGN KEY (item_id, meeting_id) REFERENCES public.meeting_items (id, meeting_id) NOT VALID;

CREATE TRIGGER meeting_attendance_changed AFTER INSERT OR UPDATE OR DELETE ON public.meeting_attendance
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
CREATE TRIGGER meeting_decisions_changed AFTER INSERT OR UPDATE OR DELETE ON public.meeting_decisions
    FOR EACH ROW EXECUTE FUNCTION public.vakt_row_changed();
