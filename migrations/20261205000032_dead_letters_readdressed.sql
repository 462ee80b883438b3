-- A contact's address fixed after a dead letter (issue 14, the admin tab): the admin may send the dead messages
-- again, to the fixed address. The recipient lives inside the outbox message, which no login may rewrite, so one
-- function does it, owned by vakt_postmaster: a role that logs in as nobody and may change only the recipients and
-- state of dead e-mail in the outbox. Each message keeps its idempotency key (the old address never received it);
-- the outbox rules still allow only dead → pending, and the audit log records each row changed.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vakt_postmaster') THEN
        CREATE ROLE vakt_postmaster NOLOGIN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE pg_catalog.format('GRANT vakt_postmaster TO %I', current_user);
    END IF;
END
$$;

-- Sends the dead e-mail addressed to `p_old_address` again to contact `p_contact`'s address as it is now; returns
-- how many messages were queued again.
CREATE FUNCTION public.vakt_resend_dead_to(p_contact bigint, p_old_address text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_new text;
    v_old text := pg_catalog.lower(pg_catalog.btrim(coalesce(p_old_address, '')));
    v_count integer;
BEGIN
    IF NOT pg_catalog.pg_has_role(public.vakt_actor(), 'vakt_admin', 'MEMBER') THEN
        RAISE EXCEPTION 'only an admin sends dead letters again' USING ERRCODE = '42501';
    END IF;
    SELECT pg_catalog.btrim(c.email) INTO v_new FROM public.contacts c WHERE c.id = p_contact;
    IF v_new IS NULL OR v_new = '' THEN
        RAISE EXCEPTION 'contact % has no e-mail address to send to', p_contact USING ERRCODE = '22023';
    END IF;
    IF v_old = '' OR v_old = pg_catalog.lower(v_new) THEN
        RAISE EXCEPTION 'the address did not change: the dead letters would fail again' USING ERRCODE = '22023';
    END IF;
    UPDATE public.outbox o
       SET message = pg_catalog.jsonb_set(o.message, '{recipient,to}', (
               SELECT pg_catalog.jsonb_agg(CASE
                   WHEN pg_catalog.lower(a) = v_old THEN v_new
                   WHEN pg_catalog.lower(a) LIKE '%<' || v_old || '>'
                       THEN pg_catalog.left(a, pg_catalog.length(a) - pg_catalog.length(v_old) - 1) || v_new || '>'
                   ELSE a END)
               FROM pg_catalog.jsonb_array_elements_text(o.message -> 'recipient' -> 'to') a)),
           state = 'pending'
     WHERE o.state = 'dead'
       AND o.message -> 'recipient' ->> 'channel' = 'email'
       AND EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements_text(o.message -> 'recipient' -> 'to') a
                   WHERE pg_catalog.lower(a) = v_old OR pg_catalog.lower(a) LIKE '%<' || v_old || '>');
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
REVOKE ALL ON FUNCTION public.vakt_resend_dead_to(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.vakt_resend_dead_to(bigint, text) TO vakt_admin;

GRANT USAGE ON SCHEMA public TO vakt_postmaster;
GRANT SELECT (id, email) ON public.contacts TO vakt_postmaster;
GRANT SELECT (id, state, message), UPDATE (message, state) ON public.outbox TO vakt_postmaster;
GRANT CREATE ON SCHEMA public TO vakt_postmaster;
ALTER FUNCTION public.vakt_resend_dead_to(bigint, text) OWNER TO vakt_postmaster;
REVOKE CREATE ON SCHEMA public FROM vakt_postmaster;
