-- golive schema version 12: the user feedback log of the stabilization
-- period. Each entry is numbered per launch (FB-1, …): a bug report, a
-- feature request, a question or praise, with its source, the reporter, the
-- support tier handling it, an owner, a status, and when it was reported
-- and resolved. `external_id` is a help desk's ticket id, so a re-imported
-- export updates its entries instead of repeating them.
-- Released migrations are never edited.

CREATE TABLE feedback (
    id               TEXT PRIMARY KEY,
    launch_id        TEXT NOT NULL REFERENCES launches(id),
    number           INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('bug', 'feature', 'question', 'praise')),
    title            TEXT NOT NULL CHECK (length(trim(title)) > 0),
    detail           TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL DEFAULT '',
    reporter         TEXT NOT NULL DEFAULT '',
    tier             INTEGER CHECK (tier IS NULL OR tier BETWEEN 1 AND 3),
    owner_contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL,
    status           TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'resolved', 'wont_fix')),
    reported_at      TEXT NOT NULL,
    resolved_at      TEXT,
    resolution       TEXT NOT NULL DEFAULT '',
    external_id      TEXT,
    CHECK ((status IN ('resolved', 'wont_fix')) = (resolved_at IS NOT NULL)),
    UNIQUE (launch_id, number),
    UNIQUE (launch_id, external_id)
);
CREATE INDEX feedback_by_time ON feedback(launch_id, reported_at);
