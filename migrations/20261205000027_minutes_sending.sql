-- Status meetings (issue 12), sending: published minutes go through the outbox to the series' distribution list, a
-- correction notice with the difference to everyone who received them, and vakt serve reminds owners of follow-up
-- points. The outbox's rules (latest in migration 22) gain two branches; every existing branch is kept as it was.
--
-- Recipients: an entry of meeting_series.distribution with an @ is an address; any other entry is an organisation
-- code, whose contacts with an e-mail address receive the minutes. An address reached both ways is sent once.

-- The recipients of a meeting's minutes as the caller sees the meeting: a key suffix that stays the same for the
-- same recipient (the contact's id, or 'a' and the md5 of the lower-cased address), a name and the address.
CREATE FUNCTION public.vakt_minutes_recipients(p_meeting bigint)
RETURNS TABLE (suffix text, name text, email text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT DISTINCT ON (pg_catalog.lower(r.email)) r.suffix, r.name, r.email
    FROM (
        SELECT c.id::text AS suffix, c.name, c.email, 0 AS preference
        FROM public.meetings m
        JOIN public.meeting_series s ON s.id = m.series_id
        JOIN public.organisations o
          ON pg_catalog.lower(o.code) IN (SELECT pg_catalog.lower(d) FROM pg_catalog.unnest(s.distribution) d)
        JOIN public.contacts c ON c.organisation_id = o.id
        WHERE m.id = p_meeting AND c.email IS NOT NULL AND c.email LIKE '%@%'
        UNION ALL
        SELECT 'a' || pg_catalog.md5(pg_catalog.lower(pg_catalog.btrim(d))), pg_catalog.btrim(d),
               pg_catalog.btrim(d), 1
        FROM public.meetings m
        JOIN public.meeting_series s ON s.id = m.series_id
        CROSS JOIN LATERAL pg_catalog.unnest(s.distribution) d
        WHERE m.id = p_meeting AND d LIKE '%@%'
    ) r
    ORDER BY pg_catalog.lower(r.email), r.preference, r.suffix
$$;

CREATE OR REPLACE FUNCTION public.vakt_outbox_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    update_id bigint;
    report_id bigint;
    meeting_id bigint;
    correction_id bigint;
    v_chair boolean := pg_catalog.pg_has_role(public.vakt_actor(), 'vakt_chair', 'MEMBER');
BEGIN
    IF public.vakt_is_superuser() OR pg_catalog.pg_has_role(public.vakt_actor(), 'vakt_worker', 'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NOT (OLD.state = 'dead' AND NEW.state = 'pending') THEN
            RAISE EXCEPTION 'only vakt serve records deliveries; a MIM may send a dead message again (vakt outbox retry)'
                USING ERRCODE = '42501';
        END IF;
        -- Sent again from the start, whatever the client wrote, so the worker's counting cannot be upset.
        NEW.attempts := 0;
        NEW.next_attempt_at := pg_catalog.now();
        NEW.locked_by := NULL;
        NEW.locked_until := NULL;
        RETURN NEW;
    END IF;
    NEW.state := 'pending';
    NEW.attempts := 0;
    NEW.next_attempt_at := pg_catalog.now();
    NEW.locked_by := NULL;
    NEW.locked_until := NULL;
    NEW.last_error := NULL;
    NEW.receipt := NULL;
    NEW.sent_at := NULL;
    IF (NEW.message -> 'recipient' ->> 'channel') = 'webhook' AND NOT EXISTS (
        SELECT 1 FROM public.contacts c WHERE c.webhook_url = NEW.message -> 'recipient' ->> 'url') THEN
        RAISE EXCEPTION 'a webhook goes only to a channel in the contact directory (vakt contact add … --webhook)'
            USING ERRCODE = '42501';
    END IF;
    -- Migration 22: a service report. A MIM queues an issued report, by e-mail, to one of its agreement's report
    -- recipients (a contact of one of the agreement's organisations whose role names reports), under the key
    -- rep<report>-email-<contact>; it belongs to no major incident and is no exercise.
    report_id := (pg_catalog.substring(NEW.idempotency_key, '^rep([0-9]{1,18})-email-[0-9]{1,18}$'))::bigint;
    IF report_id IS NOT NULL THEN
        IF NEW.channel <> 'email' OR NEW.major_id IS NOT NULL OR NEW.exercise OR NEW.fallback IS NOT NULL
           OR NOT EXISTS (
               SELECT 1
               FROM public.service_reports r
               JOIN public.agreement_versions v ON v.agreement_id = r.agreement_id
               JOIN public.organisations o
                 ON v.document -> 'organisations' @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('code', o.code))
               JOIN public.contacts c ON c.organisation_id = o.id
               WHERE r.id = report_id
                 AND c.id = pg_catalog.split_part(NEW.idempotency_key, '-', 3)::bigint
                 AND c.role ~* '(rapport|report)'
                 AND NEW.message -> 'recipient' -> 'to' = pg_catalog.jsonb_build_array(c.email)) THEN
            RAISE EXCEPTION 'a service report goes, once issued, by e-mail to a report recipient of its agreement '
                            '(vakt report send)' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END IF;
    -- Migration 27: published minutes. A chair (or an admin) queues them, by e-mail, to one address of the
    -- meeting's distribution list (vakt_minutes_recipients) under the key min<meeting>-email-<recipient>; a
    -- correction notice goes, under minc<correction>-email-<recipient>, only to a recipient the minutes were queued
    -- to. Neither belongs to a major incident nor is an exercise. (vakt serve's worker passed above.)
    meeting_id := (pg_catalog.substring(NEW.idempotency_key, '^min([0-9]{1,18})-email-[a-z0-9]{1,40}$'))::bigint;
    IF meeting_id IS NOT NULL THEN
        IF NOT v_chair OR NEW.channel <> 'email' OR NEW.major_id IS NOT NULL OR NEW.exercise
           OR NEW.fallback IS NOT NULL OR NOT public.vakt_meeting_published(meeting_id)
           OR NOT EXISTS (
               SELECT 1 FROM public.vakt_minutes_recipients(meeting_id) r
               WHERE r.suffix = pg_catalog.split_part(NEW.idempotency_key, '-', 3)
                 AND NEW.message -> 'recipient' -> 'to' = pg_catalog.jsonb_build_array(r.email)) THEN
            RAISE EXCEPTION 'published minutes go, by a chair, by e-mail to an address on the meeting''s distribution '
                            'list (vakt minutes publish)' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END IF;
    correction_id := (pg_catalog.substring(NEW.idempotency_key, '^minc([0-9]{1,18})-email-[a-z0-9]{1,40}$'))::bigint;
    IF correction_id IS NOT NULL THEN
        IF NOT v_chair OR NEW.channel <> 'email' OR NEW.major_id IS NOT NULL OR NEW.exercise
           OR NEW.fallback IS NOT NULL OR NOT EXISTS (
               SELECT 1
               FROM public.minutes_corrections c
               CROSS JOIN LATERAL public.vakt_minutes_recipients(c.meeting_id) r
               WHERE c.id = correction_id
                 AND r.suffix = pg_catalog.split_part(NEW.idempotency_key, '-', 3)
                 AND NEW.message -> 'recipient' -> 'to' = pg_catalog.jsonb_build_array(r.email)
                 AND EXISTS (SELECT 1 FROM public.outbox o
                             WHERE o.idempotency_key = 'min' || c.meeting_id || '-email-' || r.suffix)) THEN
            RAISE EXCEPTION 'a correction notice goes, by a chair, by e-mail to a recipient of the corrected minutes '
                            '(vakt minutes correct)' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END IF;
    update_id := (pg_catalog.substring(NEW.idempotency_key, '^upd([0-9]{1,18})-(?:email|sms|webhook)-[0-9]{1,18}$'))::bigint;
    IF update_id IS NULL OR pg_catalog.split_part(NEW.idempotency_key, '-', 2) <> NEW.channel
       OR NOT EXISTS (SELECT 1 FROM public.major_updates u
                      WHERE u.id = update_id AND u.major_id = NEW.major_id
                        AND u.xmin = pg_catalog.pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION 'a MIM queues only the messages of a stakeholder update sent in the same transaction '
                        '(vakt major update)' USING ERRCODE = '42501';
    END IF;
    IF NEW.fallback IS NOT NULL
       AND NOT coalesce(NEW.fallback ->> 'idempotency_key' ~ ('^upd' || update_id || '-sms-[0-9]{1,18}$'), false) THEN
        RAISE EXCEPTION 'an SMS fallback belongs to the same update as its e-mail' USING ERRCODE = '42501';
    END IF;
    IF NEW.exercise IS DISTINCT FROM (SELECT m.exercise FROM public.majors m WHERE m.id = NEW.major_id) THEN
        RAISE EXCEPTION 'a message is marked as an exercise exactly when its major incident is one'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;

-- Chairs (and so admins) queue the minutes and correction notices themselves, in the transaction that publishes or
-- corrects; the rules above keep them to those two kinds. (Viewers already read id and idempotency_key.)
GRANT INSERT (idempotency_key, major_id, channel, audience, message, summary, exercise, fallback, fallback_summary)
    ON public.outbox TO vakt_chair;
GRANT USAGE ON SEQUENCE public.outbox_id_seq TO vakt_chair;
