-- One source's runs newest first: the runs a connector looks at again (those not final yet, within a
-- horizon: RunQueries.unfinished) without reading other sources' runs of the same days, and /runs?source=.
-- Deliberately not a partial index on status: a column in an index predicate makes every status
-- change a non-HOT update (see V3).
CREATE INDEX run_source_latest ON run (source_id, started_at DESC, run_id DESC);
