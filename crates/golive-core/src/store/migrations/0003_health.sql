-- golive schema version 3: production health. Environments and their
-- monitors, credential metadata (the secrets live in the OS keychain only),
-- probe results with per-minute and per-hour rollups, monitor state that
-- survives restarts, alerts and maintenance windows.
-- Released migrations are never edited.

CREATE TABLE environments (
    id          TEXT PRIMARY KEY,
    launch_id   TEXT NOT NULL REFERENCES launches(id),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    production  INTEGER NOT NULL DEFAULT 0 CHECK (production IN (0, 1)),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE UNIQUE INDEX environments_by_name ON environments(launch_id, name COLLATE NOCASE);

-- What the store knows of a credential: never the secret itself. `origin`
-- (scheme://host:port) is the only origin it may ever be sent to.
CREATE TABLE credentials (
    id          TEXT PRIMARY KEY CHECK (length(trim(id)) > 0),
    label       TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('bearer', 'basic', 'header')),
    -- The header an API key goes in, e.g. X-Api-Key (kind 'header' only).
    header_name TEXT,
    origin      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE monitors (
    id                TEXT PRIMARY KEY,
    environment_id    TEXT NOT NULL REFERENCES environments(id),
    name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
    url               TEXT NOT NULL,
    method            TEXT NOT NULL DEFAULT 'GET',
    headers_json      TEXT NOT NULL DEFAULT '[]',   -- [[name, value], …]
    body              TEXT,
    credential_id     TEXT REFERENCES credentials(id),
    interval_s        INTEGER NOT NULL CHECK (interval_s >= 1),
    timeout_ms        INTEGER NOT NULL CHECK (timeout_ms >= 100),
    failure_threshold INTEGER NOT NULL CHECK (failure_threshold >= 1),
    success_threshold INTEGER NOT NULL CHECK (success_threshold >= 1),
    conditions_json   TEXT NOT NULL DEFAULT '[]',   -- ["status == 200", …]
    format            TEXT NOT NULL,
    -- A PEM file of extra trusted certificates (an internal CA).
    ca_file           TEXT,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL
);
CREATE UNIQUE INDEX monitors_by_name ON monitors(environment_id, name COLLATE NOCASE);

-- The settled state of a monitor: it only changes after the failure or
-- success threshold, and it is what survives a restart.
CREATE TABLE monitor_state (
    monitor_id      TEXT PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
    state           TEXT NOT NULL CHECK (state IN ('unknown', 'up', 'degraded', 'down', 'credential_unavailable')),
    failures_in_row INTEGER NOT NULL DEFAULT 0,
    passes_in_row   INTEGER NOT NULL DEFAULT 0,
    since_ms        INTEGER NOT NULL,
    last_at_ms      INTEGER,
    last_verdict    TEXT,
    last_latency_ms INTEGER,
    last_reason     TEXT,
    last_detail     TEXT,
    cert_days_left  INTEGER,
    components_json TEXT NOT NULL DEFAULT '[]',
    measurements_json TEXT NOT NULL DEFAULT '[]'
);

-- One row per probe. Times are Unix milliseconds: 30 days of one probe a
-- minute for 100 monitors is 4.3 million rows, so they are kept small.
CREATE TABLE probe_results (
    monitor_id  TEXT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    at_ms       INTEGER NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('pass', 'warn', 'fail', 'credential_unavailable')),
    latency_ms  INTEGER,
    status      INTEGER,
    reason      TEXT,            -- why it failed, e.g. 'timeout', 'certificate_expired'
    detail      TEXT,            -- in words, e.g. "$.status is DOWN, expected UP"
    cert_days_left INTEGER
);
CREATE INDEX probe_results_by_monitor ON probe_results(monitor_id, at_ms);

-- Per-minute (bucket_s = 60) and per-hour (3600) sums that charts and
-- success metrics read instead of raw results. `histogram` counts latencies
-- in fixed buckets (see health/rollup.rs) so percentiles stay computable.
CREATE TABLE probe_rollups (
    monitor_id  TEXT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    bucket_s    INTEGER NOT NULL CHECK (bucket_s IN (60, 3600)),
    start_s     INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    warned      INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    latency_count  INTEGER NOT NULL,
    latency_max_ms INTEGER NOT NULL,
    histogram   BLOB NOT NULL,
    PRIMARY KEY (monitor_id, bucket_s, start_s)
) WITHOUT ROWID;

-- An alert of one rule for one monitor. At most one is open (not resolved)
-- per monitor and rule, which is what keeps a restart from raising a second
-- "down". `notified_*` is the desktop notification outbox: a notification
-- is marked sent only after it was shown, so none is lost to a restart.
CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    monitor_id      TEXT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    rule_key        TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('critical', 'warning')),
    title           TEXT NOT NULL,
    message         TEXT NOT NULL,
    raised_at       TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    ack_note        TEXT,
    resolved_at     TEXT,
    resolution      TEXT,
    notified_raise  INTEGER NOT NULL DEFAULT 0,
    notified_resolve INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX alerts_open ON alerts(monitor_id, rule_key) WHERE resolved_at IS NULL;
CREATE INDEX alerts_by_raised ON alerts(raised_at);

-- Silences alerts of a monitor, or of every monitor of an environment.
CREATE TABLE maintenance_windows (
    id              TEXT PRIMARY KEY,
    environment_id  TEXT REFERENCES environments(id) ON DELETE CASCADE,
    monitor_id      TEXT REFERENCES monitors(id) ON DELETE CASCADE,
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL CHECK (ends_at > starts_at),
    reason          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    CHECK ((environment_id IS NULL) <> (monitor_id IS NULL))
);

-- Settings of the store as key and value, e.g. how long raw probe results
-- are kept (`health.raw_retention_days`).
CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
