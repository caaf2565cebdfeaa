-- golive schema version 6: the full people directory. A contact gains a
-- chat handle, a deputy (who covers when they are away), and two flags:
-- reachable 24/7, and a member of the emergency response team.
-- Released migrations are never edited.

ALTER TABLE contacts ADD COLUMN chat TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN deputy_id TEXT REFERENCES contacts(id) ON DELETE SET NULL;
ALTER TABLE contacts ADD COLUMN always_on INTEGER NOT NULL DEFAULT 0 CHECK (always_on IN (0, 1));
ALTER TABLE contacts ADD COLUMN emergency INTEGER NOT NULL DEFAULT 0 CHECK (emergency IN (0, 1));
