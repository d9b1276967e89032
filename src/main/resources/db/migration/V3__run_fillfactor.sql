-- Leave room on each page so a run's status change (no indexed column changes) can be a HOT update:
-- no new index entries, less WAL. Applies to pages written from now on.
ALTER TABLE run SET (fillfactor = 90);
