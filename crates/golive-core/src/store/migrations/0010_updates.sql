-- golive schema version 10: stakeholder updates. A cadence per phase
-- (minutes between updates, or none), the chat webhooks updates go to (the
-- URL is the secret and lives in the OS keychain; the store keeps only its
-- origin), and every update sent, numbered per launch.
-- Released migrations are never edited.

CREATE TABLE update_cadence (
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    phase_key     TEXT NOT NULL,
    every_minutes INTEGER CHECK (every_minutes IS NULL OR every_minutes BETWEEN 1 AND 10080),
    PRIMARY KEY (launch_id, phase_key)
);

CREATE TABLE update_channels (
    id         TEXT PRIMARY KEY,
    launch_id  TEXT NOT NULL REFERENCES launches(id),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind       TEXT NOT NULL CHECK (kind IN ('slack', 'teams')),
    origin     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (launch_id, name)
);

CREATE TABLE stakeholder_updates (
    id         TEXT PRIMARY KEY,
    launch_id  TEXT NOT NULL REFERENCES launches(id),
    number     INTEGER NOT NULL,
    body       TEXT NOT NULL CHECK (length(trim(body)) > 0),
    channel_id TEXT REFERENCES update_channels(id) ON DELETE SET NULL,
    -- The channel's name when sent, or 'clipboard' when copied to send by hand.
    sent_to    TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    sent_by    TEXT NOT NULL,
    UNIQUE (launch_id, number)
);
CREATE INDEX stakeholder_updates_by_time ON stakeholder_updates(launch_id, sent_at);

-- Launches from before this version get the standard cadence: the plan's
-- Day 0 cadence on the phase that starts on Day 0, daily in the phases
-- after it, none before.
INSERT INTO update_cadence (launch_id, phase_key, every_minutes)
SELECT p.launch_id, p.key,
       CASE WHEN p.first_day = 0
                THEN coalesce(json_extract(l.plan_json, '$.communication.status_update_minutes'), 15)
            WHEN p.first_day > 0 THEN 1440
       END
FROM phases p JOIN launches l ON l.id = p.launch_id;
