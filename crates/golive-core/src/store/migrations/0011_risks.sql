-- golive schema version 11: the risk register. A risk is numbered per
-- launch (RSK-1, …), technical or operational, with likelihood and impact
-- (1–5; the score is their product), proactive and reactive mitigation, an
-- owner and a status, and links to checklist items, alerts and incidents.
-- Released migrations are never edited.

CREATE TABLE risks (
    id               TEXT PRIMARY KEY,
    launch_id        TEXT NOT NULL REFERENCES launches(id),
    number           INTEGER NOT NULL,
    title            TEXT NOT NULL CHECK (length(trim(title)) > 0),
    category         TEXT NOT NULL CHECK (category IN ('technical', 'operational')),
    likelihood       INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact           INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    proactive        TEXT NOT NULL DEFAULT '',
    reactive         TEXT NOT NULL DEFAULT '',
    owner_contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'mitigating', 'accepted', 'closed')),
    created_at       TEXT NOT NULL,
    UNIQUE (launch_id, number)
);

-- `target` is an item key, an alert id or an incident id.
CREATE TABLE risk_links (
    risk_id TEXT NOT NULL REFERENCES risks(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('item', 'alert', 'incident')),
    target  TEXT NOT NULL,
    PRIMARY KEY (risk_id, kind, target)
);
