-- golive schema version 8: incidents. An incident is numbered per launch
-- (INC-1, INC-2, …), has a severity (SEV1–4), an escalation level and since
-- when, an owner and an affected environment, and may come from an alert.
-- People and golive add timeline entries; follow-up actions have owners.
-- Alerts and runs on the environment join the timeline when it is read.
-- Released migrations are never edited.

CREATE TABLE incidents (
    id               TEXT PRIMARY KEY,
    launch_id        TEXT NOT NULL REFERENCES launches(id),
    number           INTEGER NOT NULL,
    title            TEXT NOT NULL CHECK (length(trim(title)) > 0),
    severity         INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    level            INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    level_since      TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('open', 'investigating', 'mitigated', 'resolved')),
    owner_contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL,
    environment_id   TEXT REFERENCES environments(id) ON DELETE SET NULL,
    alert_id         TEXT REFERENCES alerts(id) ON DELETE SET NULL,
    opened_at        TEXT NOT NULL,
    opened_by        TEXT NOT NULL,
    resolved_at      TEXT,
    summary          TEXT,
    UNIQUE (launch_id, number)
);
-- One open incident per alert.
CREATE UNIQUE INDEX incidents_per_alert ON incidents(alert_id) WHERE alert_id IS NOT NULL AND state != 'resolved';

CREATE TABLE incident_entries (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('opened', 'state', 'escalated', 'owner', 'note', 'action', 'resolved')),
    text        TEXT NOT NULL
);
CREATE INDEX incident_entries_of ON incident_entries(incident_id, at);

CREATE TABLE incident_actions (
    id               TEXT PRIMARY KEY,
    incident_id      TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    text             TEXT NOT NULL CHECK (length(trim(text)) > 0),
    owner_contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    done_at          TEXT
);
