-- /last-runs?status= and ?startedAfter= filter on each device's last run. Read through the pointer,
-- a page had to join run for device after device until it found a page of matches: ~70 calls/s for
-- startedAfter one hour back on 1M runs / 50k devices, probing every device (docs/benchmarks.md). The
-- device row now carries its last run's start and status, so such a page filters device rows alone
-- (status) or reads an index range (a recent startedAfter).
--
-- Kept by triggers rather than by the batch write, so that every writer keeps them right, including a
-- replica of the previous version still syncing while a rolling update runs (it knows nothing of them):
--  * device_last_run_copy: whenever a device's pointer is set, copy the run's start and status;
--  * run_last_run_sync: when a run that some device points at changes its status or start, copy them.
-- Only changed runs fire the second (the batch write skips unchanged ones), ~one device probe each.
ALTER TABLE device ADD COLUMN last_started_at timestamptz, ADD COLUMN last_status text;

CREATE FUNCTION device_last_run_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT r.started_at, r.status INTO NEW.last_started_at, NEW.last_status FROM run r WHERE r.id = NEW.last_run_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER device_last_run_copy BEFORE INSERT OR UPDATE OF last_run_id ON device
    FOR EACH ROW EXECUTE FUNCTION device_last_run_copy();

CREATE FUNCTION run_last_run_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE device d SET last_started_at = NEW.started_at, last_status = NEW.status
     WHERE d.source_id = NEW.source_id AND d.device_id = NEW.device_id AND d.last_run_id = NEW.id
       AND (d.last_started_at, d.last_status) IS DISTINCT FROM (NEW.started_at, NEW.status);
    RETURN NULL;
END
$$;

CREATE TRIGGER run_last_run_sync AFTER UPDATE OF status, started_at ON run
    FOR EACH ROW WHEN ((OLD.status, OLD.started_at) IS DISTINCT FROM (NEW.status, NEW.started_at))
    EXECUTE FUNCTION run_last_run_sync();

-- Existing devices: one pass (row locks on device for its duration; a writer of the previous version
-- waits for it, readers do not). ~1 s per 50k devices measured on 2 cores.
UPDATE device d SET last_started_at = r.started_at, last_status = r.status FROM run r WHERE r.id = d.last_run_id;

ALTER TABLE device ALTER COLUMN last_started_at SET NOT NULL, ALTER COLUMN last_status SET NOT NULL;

-- startedAfter a recent moment: the few devices active since then, then sorted into page order.
CREATE INDEX device_last_started ON device (last_started_at);
