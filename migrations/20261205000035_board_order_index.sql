-- The board's order (soonest deadline, then oldest, then id) as one partial index over the open incidents, so the
-- console's first page (`db::incidents::list_open_first`: the first screenful, LIMIT ~100) is read in index order
-- and stops early instead of sorting all open incidents. It replaces incidents_open_idx, whose key is this one's
-- first column: every query that used that one can use this one.
CREATE INDEX incidents_board_order_idx ON public.incidents (next_due_at NULLS LAST, received_at, id)
    WHERE status NOT IN ('resolved', 'closed');
DROP INDEX public.incidents_open_idx;
