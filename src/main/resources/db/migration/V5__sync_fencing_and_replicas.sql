-- Fencing: every cycle takes the next epoch of its source when it starts, and each page it commits
-- and its outcome are written only while the epoch is still its own. A cycle whose lock session died
-- (and whose source another replica took over) can therefore never commit a stale page, overwrite a
-- checkpoint or mark the new holder's state.
ALTER TABLE source ADD COLUMN sync_epoch bigint NOT NULL DEFAULT 0;

-- Replicas alive (a lease each, renewed by a heartbeat, deleted on a clean stop): sources are shared
-- out among the replicas listed here. Times are the database's, so replicas' clocks need not agree.
CREATE TABLE sync_replica (
    id           text        COLLATE "C" PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
