-- golive schema version 4: success metrics that do not come from golive's
-- own probes (KPIs): read from a JSON or Prometheus endpoint on an
-- interval, or entered by hand, each with its history.
-- Released migrations are never edited.

CREATE TABLE kpis (
    id            TEXT PRIMARY KEY,
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    key           TEXT NOT NULL,
    title         TEXT NOT NULL CHECK (length(trim(title)) > 0),
    unit          TEXT NOT NULL DEFAULT '',
    at_least      REAL,
    above         REAL,
    below         REAL,
    source        TEXT NOT NULL CHECK (source IN ('manual', 'json', 'prometheus')),
    url           TEXT,
    -- A JSON path ($.users.active) or a Prometheus series (name{label="v"}).
    selector      TEXT,
    credential_id TEXT REFERENCES credentials(id),
    interval_s    INTEGER NOT NULL DEFAULT 300 CHECK (interval_s >= 5),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (launch_id, key)
);

CREATE TABLE kpi_values (
    kpi_id      TEXT NOT NULL REFERENCES kpis(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    value       REAL,           -- NULL when a reading failed
    note        TEXT NOT NULL DEFAULT '',  -- where a value came from, or why a reading failed
    recorded_by TEXT NOT NULL
);
CREATE INDEX kpi_values_by_kpi ON kpi_values(kpi_id, at);

-- Launches created before this version get their plan's hand-entered
-- success targets as KPIs, as new launches do.
INSERT INTO kpis (id, launch_id, key, title, unit, at_least, above, below, source, created_at, created_by)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6))),
       l.id,
       json_extract(t.value, '$.key'),
       json_extract(t.value, '$.title'),
       CASE
         WHEN json_extract(t.value, '$.metric') LIKE '%\_ms' ESCAPE '\' THEN 'ms'
         WHEN json_extract(t.value, '$.metric') LIKE '%\_percent' ESCAPE '\' THEN '%'
         WHEN json_extract(t.value, '$.metric') LIKE '%\_hours' ESCAPE '\' THEN 'h'
         ELSE ''
       END,
       json_extract(t.value, '$.at_least'),
       json_extract(t.value, '$.above'),
       json_extract(t.value, '$.below'),
       'manual',
       l.created_at,
       l.created_by
FROM launches l, json_each(l.plan_json, '$.success_targets') t
WHERE json_extract(t.value, '$.source') = 'manual';
