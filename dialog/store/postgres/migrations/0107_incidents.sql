-- Known outages and planned works (incidents): what customers asking
-- about the intents one covers hear first, while it is open. text and
-- close_text are JSON objects by language; intents and areas JSON
-- arrays. It matches SQLite's migration 0107.
CREATE TABLE incidents (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text         text        NOT NULL DEFAULT '{}',
    intents      jsonb       NOT NULL DEFAULT '[]',
    areas        jsonb       NOT NULL DEFAULT '[]',
    starts_at    timestamptz NOT NULL,
    expected_end timestamptz,             -- NULL when nobody knows
    closed_at    timestamptz,             -- NULL while open
    close_text   text        NOT NULL DEFAULT '{}',
    created_by   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint      NOT NULL DEFAULT 1
);

-- Who is told when an incident is closed: the customers who asked to be
-- (subscribed), and, added when it closes, the customers of the open
-- tickets linked to it. notified_at is claimed in the transaction that
-- sends the message, so each is told once.
CREATE TABLE incident_notices (
    incident_id     bigint      NOT NULL REFERENCES incidents (id),
    conversation_id bigint      NOT NULL REFERENCES conversations (id),
    subscribed      boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    notified_at     timestamptz,
    PRIMARY KEY (incident_id, conversation_id)
);
CREATE INDEX incident_notices_due ON incident_notices (incident_id) WHERE notified_at IS NULL;

-- The incident a ticket is about, when it was open while one covering
-- its intent was.
ALTER TABLE tickets ADD COLUMN incident_id bigint REFERENCES incidents (id);
CREATE INDEX tickets_incident ON tickets (incident_id) WHERE incident_id IS NOT NULL;
