-- golive schema version 14: a launch can be closed after its plan's last
-- day; from then on the store refuses every change to it (audit.rs).
ALTER TABLE launches ADD COLUMN closed_at TEXT;
ALTER TABLE launches ADD COLUMN closed_by TEXT;
