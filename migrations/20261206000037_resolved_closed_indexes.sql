-- Service reports count the incidents resolved in the period (first-line share, Tranemo/Ulricehamn) and the survey
-- draws of the incidents closed in it. Without an index on either time PostgreSQL read all incidents (0.54 s) or
-- joined every draw of the agreement to its incident (1.46 s) at 1,010,000 incidents; with these, 80 ms and 46 ms
-- (`cargo bench --bench heatmap`, part (d); docs/performance.md, "Growth table").
CREATE INDEX incidents_resolved_idx ON public.incidents (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX incidents_closed_idx ON public.incidents (closed_at) WHERE closed_at IS NOT NULL;
