-- The change feed (GET /api/v1/changes) and each source's recent sync cycles (the console).
-- New tables only: safe on a populated store, nothing is rewritten or locked for long.

-- One row per commit that altered a device's last run: a new last run, or a new status of it.
-- The batch write adds them at the end of its transaction, under a transaction-level advisory lock
-- held until commit, so ids are taken in commit order: a reader that has seen id N has seen every
-- id below it, whichever replica wrote them (docs/change-feed.md). The run's columns are copied as
-- they were at that commit, so a later change of the run never rewrites an earlier change.
CREATE TABLE last_run_change (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id       text        COLLATE "C" NOT NULL,
    device_id       text        COLLATE "C" NOT NULL,
    run_id          text        COLLATE "C" NOT NULL,
    task_id         text        COLLATE "C" NOT NULL,
    status          text        NOT NULL,
    previous_status text,
    vendor_status   text        NOT NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    updated_at      timestamptz NOT NULL,
    error           jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- What retention has removed: every id up to pruned_through is gone, so a client resuming from
-- an earlier id would miss changes and gets 410 instead. One row.
CREATE TABLE change_feed_state (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through bigint  NOT NULL DEFAULT 0
);
INSERT INTO change_feed_state DEFAULT VALUES;

-- Every finished sync cycle, newest first per source; pruned with the feed's retention.
CREATE TABLE sync_cycle (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id    text        COLLATE "C" NOT NULL REFERENCES source (id),
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED', 'ABANDONED', 'SUPERSEDED')),
    pages        integer     NOT NULL,
    runs_written integer     NOT NULL,
    bad_records  integer     NOT NULL,
    error        text
);
CREATE INDEX sync_cycle_latest ON sync_cycle (source_id, started_at DESC);
