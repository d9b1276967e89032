-- Fencing: every cycle takes the next epoch of its source when it starts, and each page it commits
-- and its outcome are written only while the epoch is still its own. A cycle whose lock session died
-- (and whose source another replica took over) can therefore never commit a stale page, overwrite a
-- checkpoint or mark the new holder's state.
ALTER TABLE source ADD COLUMN sync_epoch bigint NOT NULL DEFAULT 0;

-- Replicas alive: a lease each, renewed by a heartbeat until expires_at (set by the replica itself,
-- so replicas with other heartbeat settings still agree), deleted on a clean stop. Sources are
-- shared out among the live replicas that are not leaving; a leaving replica (stopping, its cycles
-- winding down) is still alive, so nobody ends its lock sessions. Times are the database's.
CREATE TABLE sync_replica (
    id           text        COLLATE "C" PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    leaving      boolean     NOT NULL DEFAULT false
);
