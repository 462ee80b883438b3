-- The alternative channel, automatically: Stockholm and ROR name SMS as the channel to fall back on when the
-- network is affected. An e-mail can carry the SMS to send in its place (rendered with the update, in the MIM's
-- transaction); it is queued when the e-mail has failed three times (about a minute and a half of back-off) or
-- goes dead, whichever comes first, by whoever records that outcome (vakt serve). The SMS has the key a chosen SMS
-- of the same update would have, so a contact never gets both, and a retried e-mail never queues it twice.
ALTER TABLE outbox
    ADD COLUMN fallback jsonb,
    ADD COLUMN fallback_summary text,
    ADD CONSTRAINT outbox_fallback_is_sms CHECK (fallback IS NULL OR fallback -> 'recipient' ->> 'channel' = 'sms'),
    ADD CONSTRAINT outbox_fallback_has_summary CHECK (fallback IS NULL OR btrim(coalesce(fallback_summary, '')) <> '');

CREATE FUNCTION vakt_queue_fallback() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (idempotency_key, major_id, channel, audience, message, summary, exercise)
    VALUES (NEW.fallback ->> 'idempotency_key', NEW.major_id, 'sms', NEW.audience, NEW.fallback,
            NEW.fallback_summary, NEW.exercise)
    ON CONFLICT (idempotency_key) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_queue_fallback AFTER UPDATE OF state ON outbox
    FOR EACH ROW
    WHEN (NEW.fallback IS NOT NULL AND (NEW.state = 'dead' OR (NEW.state = 'retrying' AND NEW.attempts >= 3)))
    EXECUTE FUNCTION vakt_queue_fallback();
