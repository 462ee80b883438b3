-- The heat-map reads the rollup by a range of days across every service (a year of weeks is a fifth of five years
-- of history): an index that starts with the day serves that range without reading the whole table.
CREATE INDEX service_days_day_idx ON public.service_days (day, service_id);
