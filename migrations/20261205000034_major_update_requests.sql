-- A stakeholder update sent from a console whose connection dropped during COMMIT may or may not have been recorded
-- (issue 15, faults). The console names each update it sends with a request key, made before the first attempt and
-- kept until the update is known to be recorded; sending it again finds the recorded one instead of queueing the
-- messages a second time under new idempotency keys. One request key records at most one update of a major.

ALTER TABLE public.major_updates ADD COLUMN request_key text;

ALTER TABLE public.major_updates ADD CONSTRAINT major_updates_request_key_shape
    CHECK (request_key IS NULL OR coalesce(pg_catalog.length(request_key) BETWEEN 1 AND 200, false));

CREATE UNIQUE INDEX major_updates_request_key ON public.major_updates (major_id, request_key)
    WHERE request_key IS NOT NULL;
