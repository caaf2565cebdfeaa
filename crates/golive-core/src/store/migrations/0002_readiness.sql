-- golive schema version 2: contacts and item owners, evidence (links and
-- comments), go/no-go sign-offs, auto-checked items, rehearsal launches.
-- Released migrations are never edited.

-- A rehearsal is a launch created from another one to practise on staging.
ALTER TABLE launches ADD COLUMN rehearsal_of TEXT REFERENCES launches(id);
-- The go/no-go decision as last recorded in the audit trail; a change that
-- moves it appends a `decision.change` event and updates this.
ALTER TABLE launches ADD COLUMN decision TEXT NOT NULL DEFAULT 'pending'
    CHECK (decision IN ('go', 'no_go', 'pending'));

-- The people of a launch. `os_user` links a contact to the OS account of the
-- person using the app, which is what "My items" filters by.
CREATE TABLE contacts (
    id          TEXT PRIMARY KEY,
    launch_id   TEXT NOT NULL REFERENCES launches(id),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL DEFAULT '',
    os_user     TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE UNIQUE INDEX contacts_by_name ON contacts(launch_id, name COLLATE NOCASE);
CREATE UNIQUE INDEX contacts_by_os_user ON contacts(launch_id, os_user) WHERE os_user IS NOT NULL;

CREATE TABLE contact_roles (
    contact_id  TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    launch_id   TEXT NOT NULL,
    role_key    TEXT NOT NULL,
    PRIMARY KEY (contact_id, role_key),
    FOREIGN KEY (launch_id, role_key) REFERENCES roles(launch_id, key)
);

-- An item belongs to a role and may be assigned to one contact.
ALTER TABLE items ADD COLUMN owner_contact_id TEXT REFERENCES contacts(id);
-- An auto-check rule such as `section_done:pre-infra` (see rules/), and the
-- JSON evidence the rule saw when the item was ticked.
ALTER TABLE items ADD COLUMN rule TEXT;
ALTER TABLE items ADD COLUMN rule_evidence TEXT;

CREATE TABLE item_links (
    id          TEXT PRIMARY KEY,
    item_id     TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    url         TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    UNIQUE (item_id, url)
);

CREATE TABLE item_comments (
    id          TEXT PRIMARY KEY,
    item_id     TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX item_comments_by_item ON item_comments(item_id, at);

-- The current go/no-go of each sign-off role; earlier ones are in the audit
-- trail. `stale_reason` is set when a gate item is reopened after the
-- sign-off: it then needs re-confirmation.
CREATE TABLE signoffs (
    launch_id    TEXT NOT NULL,
    role_key     TEXT NOT NULL,
    verdict      TEXT NOT NULL CHECK (verdict IN ('go', 'no_go')),
    comment      TEXT NOT NULL DEFAULT '',
    signed_by    TEXT NOT NULL,
    signed_at    TEXT NOT NULL,
    stale_reason TEXT,
    PRIMARY KEY (launch_id, role_key),
    FOREIGN KEY (launch_id, role_key) REFERENCES roles(launch_id, key)
);
