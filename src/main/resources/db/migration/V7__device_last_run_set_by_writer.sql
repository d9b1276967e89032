-- V6's device_last_run_copy looked the last run up again, through PL/pgSQL, for every device row the
-- batch write inserted or re-pointed: about as many calls as runs in a backfill. The batch write now
-- sets last_started_at and last_status itself, from the run row its device refresh reads anyway, so
-- the look-up runs only for writers that set the pointer alone (a replica of the previous version
-- during a rolling update, a hand-written fix). The WHEN conditions are evaluated without calling
-- the function at all.
--  * insert: the writer gave no start or status;
--  * update of last_run_id: the pointer moved but start and status were left as they were. A writer
--    that sets all three to a run whose start and status equal the old run's also gets the look-up,
--    which finds the same values.
-- Triggers only (no row is rewritten): a short lock on device, safe on a populated store.
DROP TRIGGER device_last_run_copy ON device;

CREATE TRIGGER device_last_run_copy BEFORE INSERT ON device
    FOR EACH ROW WHEN (NEW.last_started_at IS NULL OR NEW.last_status IS NULL)
    EXECUTE FUNCTION device_last_run_copy();

CREATE TRIGGER device_last_run_repoint BEFORE UPDATE OF last_run_id ON device
    FOR EACH ROW WHEN (NEW.last_run_id IS DISTINCT FROM OLD.last_run_id
                       AND (NEW.last_started_at, NEW.last_status) IS NOT DISTINCT FROM (OLD.last_started_at, OLD.last_status))
    EXECUTE FUNCTION device_last_run_copy();
