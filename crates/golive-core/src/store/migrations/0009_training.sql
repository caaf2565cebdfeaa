-- golive schema version 9: training sessions. A session is numbered per
-- launch (TRN-1, …), for one audience, with its start and end as instants
-- and the time zone it was planned in, a place or link, a trainer and
-- materials; attendees come from the directory with attendance and
-- completion. `uid` and `sequence` are the session's iCalendar identity, so
-- an exported invitation and a later re-import update the same session.
-- Released migrations are never edited.

CREATE TABLE training_sessions (
    id                 TEXT PRIMARY KEY,
    launch_id          TEXT NOT NULL REFERENCES launches(id),
    number             INTEGER NOT NULL,
    uid                TEXT NOT NULL,
    title              TEXT NOT NULL CHECK (length(trim(title)) > 0),
    audience           TEXT NOT NULL CHECK (audience IN ('administrators', 'end_users', 'support_team')),
    starts_at          TEXT NOT NULL,
    ends_at            TEXT NOT NULL CHECK (ends_at > starts_at),
    time_zone          TEXT NOT NULL,
    place              TEXT NOT NULL DEFAULT '',
    trainer_contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL,
    materials          TEXT NOT NULL DEFAULT '[]',  -- JSON array of links
    sequence           INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    UNIQUE (launch_id, number),
    UNIQUE (launch_id, uid)
);

CREATE TABLE training_attendees (
    session_id TEXT NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    attended   INTEGER NOT NULL DEFAULT 0 CHECK (attended IN (0, 1)),
    completed  INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    -- Completing a session means having attended it.
    CHECK (completed = 0 OR attended = 1),
    PRIMARY KEY (session_id, contact_id)
);
CREATE INDEX training_attendees_of_contact ON training_attendees(contact_id);
