-- Outcomes a seller records to close the loop at once: a mail sent (which play it served) and a
-- deal snoozed until a day. SQLite cannot widen a CHECK, so the table is rebuilt, rows kept.
CREATE TABLE outcomes_new (
    id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('replied', 'meeting', 'won', 'lost', 'no_reply', 'sent', 'snoozed')),
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    play TEXT NOT NULL DEFAULT '',
    until TEXT
);
INSERT INTO outcomes_new (id, organization, outcome, note, recorded_at)
    SELECT id, organization, outcome, note, recorded_at FROM outcomes;
DROP TABLE outcomes;
ALTER TABLE outcomes_new RENAME TO outcomes;
CREATE INDEX outcomes_by_organization ON outcomes (organization, id);
