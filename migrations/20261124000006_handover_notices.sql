-- Hand-overs notify the consoles too, so the incoming MIM sees a waiting hand-over at once.
CREATE TRIGGER handovers_changed AFTER INSERT OR UPDATE ON handovers
    FOR EACH ROW EXECUTE FUNCTION vakt_row_changed();
