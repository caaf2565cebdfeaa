-- golive schema version 5: deployment triggers and their runs.
-- Released migrations are never edited.

-- A deploy, rollback or validation action of an environment. `spec` is the
-- kind's settings as JSON: a program with its argument list (never a shell
-- string), working folder, plain and secret environment variables (the
-- secrets are keychain credentials, named here by id), or a webhook.
CREATE TABLE triggers (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments(id),
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    action         TEXT NOT NULL CHECK (action IN ('deploy', 'rollback', 'validation')),
    kind           TEXT NOT NULL CHECK (kind IN ('command', 'webhook')),
    spec           TEXT NOT NULL,
    timeout_s      INTEGER CHECK (timeout_s IS NULL OR timeout_s >= 1),
    -- A rollback trigger armed to run by itself (once per deploy) when a
    -- critical alert fires during the rollback watch.
    auto_rollback  INTEGER NOT NULL DEFAULT 0 CHECK (auto_rollback IN (0, 1)),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX triggers_by_name ON triggers(environment_id, name COLLATE NOCASE);

-- One execution of a trigger. `num` keeps the log table small (a million
-- lines repeat it a million times); `id` is what people and the record see.
CREATE TABLE runs (
    num             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    launch_id       TEXT NOT NULL REFERENCES launches(id),
    environment_id  TEXT NOT NULL REFERENCES environments(id),
    trigger_id      TEXT REFERENCES triggers(id) ON DELETE SET NULL,
    -- Copied so the history reads the same after the trigger is edited or removed.
    trigger_name    TEXT NOT NULL,
    action          TEXT NOT NULL CHECK (action IN ('deploy', 'rollback', 'validation')),
    kind            TEXT NOT NULL CHECK (kind IN ('command', 'webhook')),
    production      INTEGER NOT NULL CHECK (production IN (0, 1)),
    state           TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted')),
    version         TEXT,
    -- Why it was started (a rollback's reason) and why a gate or failing
    -- pre-deployment checks were overridden; the overrides are flagged in the record.
    reason          TEXT,
    gate_override   TEXT,
    checks_override TEXT,
    -- The deploy a validation or rollback run belongs to.
    parent_run_id   TEXT REFERENCES runs(id),
    automatic       INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
    started_at      TEXT NOT NULL,
    started_ms      INTEGER NOT NULL,
    started_by      TEXT NOT NULL,
    ended_at        TEXT,
    ended_ms        INTEGER,
    exit_code       INTEGER,
    -- The signal golive sent last (TERM or KILL) when it stopped the run.
    signal          TEXT,
    -- Why it ended as it did, in words ("exited with 3", "program not found").
    detail          TEXT,
    -- Who runs it: the golive process (pid and its start time, so a reused
    -- pid is not mistaken for it) and the child's process group.
    owner_pid       INTEGER,
    owner_start     TEXT,
    pgid            INTEGER,
    cancel_requested_at TEXT,
    cancel_requested_by TEXT,
    line_count      INTEGER NOT NULL DEFAULT 0,
    -- Pre-deployment checks and post-deployment validation, as JSON.
    precheck_json   TEXT,
    validation_state TEXT CHECK (validation_state IS NULL OR validation_state IN ('running', 'passed', 'failed')),
    validation_json TEXT
);
-- The environment lock: one running run per environment, whatever process
-- started it; it survives restarts because it is the run's own row.
CREATE UNIQUE INDEX runs_one_running_per_environment ON runs(environment_id) WHERE state = 'running';
CREATE INDEX runs_by_launch ON runs(launch_id, started_ms);

-- Every output line of a run, masked before it was written, stored in the
-- batches the writer commits: one row holds lines first_seq..=last_seq,
-- each with its stream (0 golive's own notes, 1 stdout, 2 stderr), time
-- and text, encoded by `deploy::chunk`. A million lines are a few hundred
-- rows, so storing them keeps up with the program printing them.
CREATE TABLE run_output (
    run       INTEGER NOT NULL REFERENCES runs(num),
    first_seq INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL CHECK (last_seq >= first_seq),
    lines     BLOB NOT NULL
);
CREATE UNIQUE INDEX run_output_by_seq ON run_output(run, first_seq);
