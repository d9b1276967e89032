-- One task's runs newest first, for /runs?taskId=: without it the task's every run was read and
-- sorted for a page of 101 (10M runs, ~5k runs per task: 38 calls/s over HTTP, and as few for the
-- same SQL in pgbench). run_task_device_latest orders by device first, so it cannot give this order.
-- One more index on every run the batch write inserts, worth it for a core question ("what did this
-- task do?"). A plain CREATE INDEX blocks writes while it builds: measured on the benchmark store in
-- docs/benchmarks.md (10M runs); a replica syncing meanwhile waits, readers do not.
CREATE INDEX run_task_latest ON run (task_id, started_at DESC, run_id DESC, source_id DESC);
