-- Exercises run like real major incidents but must not count in SLA and availability figures. Every report,
-- heat-map and export is to read incidents through this view, never the table, so the exclusion cannot be
-- forgotten. (A view fixes its column list: recreate it when a migration adds columns to incidents.)
CREATE VIEW incidents_for_figures WITH (security_barrier) AS
SELECT i.*
FROM incidents i
WHERE NOT EXISTS (SELECT 1 FROM majors m WHERE m.incident_id = i.id AND m.exercise);

GRANT SELECT ON incidents_for_figures TO vakt_viewer;
