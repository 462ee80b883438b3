-- The incidents ever flagged as security incidents, found by their flag events: a service report's "Notifications to
-- authorities" asks which of an agreement's incidents were flagged before the period's end. Without this index that
-- question read every event of every incident of the agreement (0.9 s at 1,010,000 incidents, and the monthly
-- reports of all agreements went from 64 ms to 2.0 s); flags are rare, so the index is tiny (`cargo bench --bench
-- heatmap`, part (d); docs/performance.md).
CREATE INDEX incident_events_security_flagged_idx ON public.incident_events (incident_id, at)
    WHERE kind = 'security_flagged';
