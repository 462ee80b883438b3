-- Service reports (issue 11), step 3: an issued report is sent through the outbox to its agreement's report
-- recipients. The outbox's rules (migration 13) gain one branch for it; every existing branch is kept as it was.

CREATE OR REPLACE FUNCTION public.vakt_outbox_rules() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    update_id bigint;
    report_id bigint;
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
