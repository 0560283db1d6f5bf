-- Every scan as it was printed, so draft, monday and outcome work on the latest one.
CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    analysis_moment TEXT NOT NULL,
    sources TEXT NOT NULL,
    seller TEXT NOT NULL,
    document TEXT NOT NULL
);

-- What happened after tystnad's advice, recorded by the seller. It survives every re-scan.
CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('replied', 'meeting', 'won', 'lost', 'no_reply')),
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL
);
CREATE INDEX outcomes_by_organization ON outcomes (organization, id);
