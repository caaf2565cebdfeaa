-- golive schema version 1. Released migrations are never edited.

CREATE TABLE launches (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    platform        TEXT NOT NULL DEFAULT '',
    go_live_local   TEXT NOT NULL,          -- civil date-time of Day 0, e.g. 2026-12-07T09:00:00
    time_zone       TEXT NOT NULL,          -- IANA name, e.g. Europe/Berlin
    template_name   TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    plan_json       TEXT NOT NULL,          -- thresholds, targets, escalation, tiers, communication
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);

CREATE TABLE roles (
    launch_id   TEXT NOT NULL REFERENCES launches(id),
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    signoff     INTEGER NOT NULL CHECK (signoff IN (0, 1)),
    position    INTEGER NOT NULL,
    PRIMARY KEY (launch_id, key)
);

CREATE TABLE phases (
    id          TEXT PRIMARY KEY,
    launch_id   TEXT NOT NULL REFERENCES launches(id),
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    first_day   INTEGER NOT NULL,
    last_day    INTEGER NOT NULL CHECK (last_day >= first_day),
    position    INTEGER NOT NULL,
    UNIQUE (launch_id, key)
);

CREATE TABLE sections (
    id          TEXT PRIMARY KEY,
    launch_id   TEXT NOT NULL REFERENCES launches(id),
    phase_id    TEXT NOT NULL REFERENCES phases(id),
    key         TEXT NOT NULL,
    title       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    UNIQUE (launch_id, key)
);

CREATE TABLE items (
    id          TEXT PRIMARY KEY,
    launch_id   TEXT NOT NULL REFERENCES launches(id),
    section_id  TEXT NOT NULL REFERENCES sections(id),
    key         TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_role  TEXT NOT NULL,
    due_day     INTEGER NOT NULL,
    gate        INTEGER NOT NULL DEFAULT 0 CHECK (gate IN (0, 1)),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'blocked', 'na')),
    status_note TEXT,                       -- the tick's note, or the reason it was reopened
    status_by   TEXT,
    status_at   TEXT,
    position    INTEGER NOT NULL,
    UNIQUE (launch_id, key),
    FOREIGN KEY (launch_id, owner_role) REFERENCES roles(launch_id, key)
);
CREATE INDEX items_by_section ON items(section_id, position);

CREATE TABLE profiles (
    os_user      TEXT PRIMARY KEY,
    display_name TEXT,
    role         TEXT
);

-- The audit trail: append-only and hash-chained (see audit.rs for the
-- encoding that `hash` covers).
CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    launch_id   TEXT,
    actor       TEXT NOT NULL,
    actor_role  TEXT,
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    details     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_by_launch ON audit_events(launch_id, seq);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: events cannot be changed');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: events cannot be deleted');
END;
