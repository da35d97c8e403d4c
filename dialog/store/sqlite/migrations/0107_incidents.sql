-- Known outages and planned works (incidents): what customers asking
-- about the intents one covers hear first, while it is open. text and
-- close_text are JSON objects by language; intents and areas JSON
-- arrays. It matches PostgreSQL's migration 0107.
CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    text         TEXT    NOT NULL DEFAULT '{}',
    intents      TEXT    NOT NULL DEFAULT '[]',
    areas        TEXT    NOT NULL DEFAULT '[]',
    starts_at    TEXT    NOT NULL,
    expected_end TEXT,             -- NULL when nobody knows
    closed_at    TEXT,             -- NULL while open
    close_text   TEXT    NOT NULL DEFAULT '{}',
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);

-- Who is told when an incident is closed: the customers who asked to be
-- (subscribed), and, added when it closes, the customers of the open
-- tickets linked to it. notified_at is claimed in the transaction that
-- sends the message, so each is told once.
CREATE TABLE incident_notices (
    incident_id     INTEGER NOT NULL REFERENCES incidents (id),
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    subscribed      INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    notified_at     TEXT,
    PRIMARY KEY (incident_id, conversation_id)
);
CREATE INDEX incident_notices_due ON incident_notices (incident_id) WHERE notified_at IS NULL;

-- The incident a ticket is about, when it was open while one covering
-- its intent was.
ALTER TABLE tickets ADD COLUMN incident_id INTEGER REFERENCES incidents (id);
CREATE INDEX tickets_incident ON tickets (incident_id) WHERE incident_id IS NOT NULL;
