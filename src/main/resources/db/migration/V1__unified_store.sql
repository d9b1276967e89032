-- The unified store: one row per vendor account (source), device, task and run, plus per-source
-- sync checkpoints. Natural keys are unique so that writing a vendor record twice never makes two rows.
-- Key columns use the "C" collation: "ties are broken by the greater runId" and keyset paging must
-- order identically on every server, whatever its locale (and survive glibc collation changes).

CREATE TABLE source (
    id                     text        COLLATE "C" PRIMARY KEY,
    vendor                 text        NOT NULL,
    enabled                boolean     NOT NULL DEFAULT true,
    state                  text        NOT NULL DEFAULT 'IDLE'
                           CHECK (state IN ('IDLE', 'SYNCING', 'BACKING_OFF', 'FAILING')),
    last_sync_started_at   timestamptz,
    last_sync_succeeded_at timestamptz,
    last_error             text,
    last_error_at          timestamptz,
    -- shared by all replicas: when the next cycle is due, and how many cycles failed in a row
    next_sync_at           timestamptz,
    consecutive_failures   integer     NOT NULL DEFAULT 0,
    -- kept by the batch write (+ rows it inserts) so /sources never counts a million rows
    runs_stored            bigint      NOT NULL DEFAULT 0,
    CONSTRAINT source_id_format CHECK (id ~ '^[a-z][a-z0-9]{0,39}$')
);

CREATE TABLE task (
    source_id  text        COLLATE "C" NOT NULL REFERENCES source (id),
    task_id    text        COLLATE "C" NOT NULL,
    task_name  text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, task_id)
);

CREATE TABLE run (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id     text        COLLATE "C" NOT NULL REFERENCES source (id),
    run_id        text        COLLATE "C" NOT NULL,
    device_id     text        COLLATE "C" NOT NULL,
    task_id       text        COLLATE "C" NOT NULL,
    status        text        NOT NULL
                  CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SUPPRESSED', 'UNKNOWN')),
    vendor_status text        NOT NULL,
    started_at    timestamptz NOT NULL,
    ended_at      timestamptz,
    error         jsonb,
    raw           jsonb       NOT NULL,
    -- when this service last saw the run change (or the vendor's own modified time where it has one)
    updated_at    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT run_natural_key UNIQUE (source_id, run_id)
);

-- A device's history newest first, its last run per source, and the per-device probe of /last-runs
-- with run filters: (device_id, started_at DESC, run_id DESC) is the "last run" order itself.
CREATE INDEX run_device_latest ON run (device_id, started_at DESC, run_id DESC, source_id DESC);
-- /runs newest first, keyset (started_at, run_id, source_id)
CREATE INDEX run_latest ON run (started_at DESC, run_id DESC, source_id DESC);

-- One row per device, its last run kept current by the batch write: "last run of every device"
-- reads this table in key order instead of scanning all runs.
CREATE TABLE device (
    source_id   text        COLLATE "C" NOT NULL REFERENCES source (id),
    device_id   text        COLLATE "C" NOT NULL,
    device_name text,
    last_run_id bigint      NOT NULL REFERENCES run (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, device_id)
);

-- Where a source's incremental sync stands: one row per (source, scope), e.g. a task or a time window.
CREATE TABLE sync_checkpoint (
    source_id  text        COLLATE "C" NOT NULL REFERENCES source (id),
    scope      text        COLLATE "C" NOT NULL,
    value      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, scope)
);
