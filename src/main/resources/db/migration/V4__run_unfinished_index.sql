-- Runs not yet final, per source, oldest first: what a connector re-polls each cycle (Alibaba's
-- tasks still "handling"). Partial, so it holds only the few in flight, not the million settled.
CREATE INDEX run_unfinished ON run (source_id, started_at, run_id) WHERE status IN ('PENDING', 'RUNNING');
