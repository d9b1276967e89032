-- /last-runs?taskId=: each device's last run of one task. Without this index the per-device probe
-- reads every run of every device until it has found a page of devices that ran the task (measured
-- on 1M runs / 50k devices / 2k tasks: 20k devices probed, 486k buffers, ~3 s per page). In this
-- order a task's runs are grouped by (source, device), newest first, so RunQueries reads only that
-- task's runs (DISTINCT ON over an index scan, keyset on (source, device)). It also serves
-- /runs?taskId=, which otherwise scans all runs (~450 ms) for a rare task.
CREATE INDEX run_task_device_latest ON run (task_id, source_id, device_id, started_at DESC, run_id DESC);
