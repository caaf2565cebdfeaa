-- golive schema version 7: escalation levels and support tiers, editable
-- per launch, and who answers at each: everyone holding a role, or one
-- contact. Launches created before this get their plan's levels and tiers
-- with golive's default waits and roles (the standard plan's).
-- Released migrations are never edited.

CREATE TABLE escalation_levels (
    launch_id      TEXT NOT NULL REFERENCES launches(id),
    level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- Minutes at this level before the next is due; NULL at the last level.
    wait_minutes   INTEGER CHECK (wait_minutes IS NULL OR wait_minutes > 0),
    -- Whether the contacts flagged `emergency` answer at this level.
    emergency_team INTEGER NOT NULL DEFAULT 0 CHECK (emergency_team IN (0, 1)),
    PRIMARY KEY (launch_id, level)
);

CREATE TABLE support_tiers (
    launch_id TEXT NOT NULL REFERENCES launches(id),
    tier      INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 3),
    name      TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- What the tier takes, a JSON list of texts.
    handles   TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (launch_id, tier)
);

-- Who answers at a level (`kind` 'level') or works a tier ('tier').
CREATE TABLE responders (
    launch_id  TEXT NOT NULL REFERENCES launches(id),
    kind       TEXT NOT NULL CHECK (kind IN ('level', 'tier')),
    number     INTEGER NOT NULL,
    role_key   TEXT,
    contact_id TEXT REFERENCES contacts(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    CHECK ((role_key IS NULL) <> (contact_id IS NULL)),
    FOREIGN KEY (launch_id, role_key) REFERENCES roles(launch_id, key)
);
CREATE INDEX responders_of ON responders(launch_id, kind, number);

INSERT INTO escalation_levels (launch_id, level, name, wait_minutes, emergency_team)
SELECT l.id, json_extract(e.value, '$.level'), json_extract(e.value, '$.name'),
       CASE json_extract(e.value, '$.level') WHEN 1 THEN 15 WHEN 2 THEN 30 WHEN 3 THEN 60 WHEN 4 THEN 60 END,
       json_extract(e.value, '$.level') = 5
FROM launches l, json_each(l.plan_json, '$.escalation_levels') e;

INSERT INTO support_tiers (launch_id, tier, name, handles)
SELECT l.id, json_extract(t.value, '$.tier'), json_extract(t.value, '$.name'),
       coalesce(json_extract(t.value, '$.handles'), '[]')
FROM launches l, json_each(l.plan_json, '$.support_tiers') t;

-- The standard plan's roles, where the launch has them.
INSERT INTO responders (launch_id, kind, number, role_key, position)
SELECT r.launch_id, d.kind, d.number, r.key, d.position
FROM (SELECT 'level' AS kind, 1 AS number, 'support' AS role_key, 0 AS position
      UNION ALL SELECT 'level', 2, 'support', 0
      UNION ALL SELECT 'level', 3, 'tech', 0
      UNION ALL SELECT 'level', 4, 'pm', 0
      UNION ALL SELECT 'level', 5, 'tech', 0
      UNION ALL SELECT 'level', 5, 'security', 1
      UNION ALL SELECT 'tier', 1, 'support', 0
      UNION ALL SELECT 'tier', 2, 'support', 0
      UNION ALL SELECT 'tier', 2, 'tech', 1
      UNION ALL SELECT 'tier', 3, 'tech', 0
      UNION ALL SELECT 'tier', 3, 'security', 1) d
JOIN roles r ON r.key = d.role_key
WHERE (d.kind = 'level' AND EXISTS (SELECT 1 FROM escalation_levels x WHERE x.launch_id = r.launch_id AND x.level = d.number))
   OR (d.kind = 'tier' AND EXISTS (SELECT 1 FROM support_tiers x WHERE x.launch_id = r.launch_id AND x.tier = d.number));
