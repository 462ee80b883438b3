-- The MIM on duty and the deputy must hold the MIM role: the duty line rings them and they run the cockpit.
-- And the rota's gap message names the period the way the console does (minutes, UTC).
CREATE FUNCTION vakt_rota_people() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Someone who is not staff at all is left to the foreign keys' message.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = NEW.mim)
       OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = NEW.deputy) THEN
        RETURN NEW;
    END IF;
    IF NOT pg_has_role(NEW.mim, 'vakt_mim', 'USAGE') THEN
        RAISE EXCEPTION '% cannot be MIM on duty: they do not hold the MIM role (vakt staff add … --role mim)', NEW.mim
            USING ERRCODE = '23514';
    END IF;
    IF NOT pg_has_role(NEW.deputy, 'vakt_mim', 'USAGE') THEN
        RAISE EXCEPTION '% cannot deputise: they do not hold the MIM role (vakt staff add … --role mim)', NEW.deputy
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER rota_shifts_people BEFORE INSERT OR UPDATE OF mim, deputy ON rota_shifts
    FOR EACH ROW EXECUTE FUNCTION vakt_rota_people();

CREATE OR REPLACE FUNCTION vakt_rota_continuous() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    gap record;
BEGIN
    SELECT prev_end, starts_at INTO gap FROM (
        SELECT starts_at, lag(ends_at) OVER (ORDER BY starts_at) AS prev_end FROM rota_shifts
    ) shifts WHERE prev_end < starts_at ORDER BY starts_at LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the rota leaves % – % UTC without a MIM on duty',
            to_char(gap.prev_end AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
            to_char(gap.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
            USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END
$$;
