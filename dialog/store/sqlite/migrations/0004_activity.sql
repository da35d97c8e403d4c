-- Analytics events: what happened in each conversation, one row per event,
-- appended in the transaction of the change it records and never updated.
-- Reports (firstline report) are computed from this table alone. It starts
-- empty: nothing is derived for what happened before this migration.
--
-- Times follow 0001: UTC text that sorts as it compares, NULL for "none".
-- Columns a kind does not use keep their defaults (see dialog.Activity).

CREATE TABLE activity (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    at                 TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    conversation_id    INTEGER NOT NULL REFERENCES conversations (id),
    ticket_id          INTEGER REFERENCES tickets (id), -- NULL when none
    message_id         INTEGER REFERENCES messages (id), -- the customer message of the turn; NULL for agents' actions
    channel            TEXT    NOT NULL DEFAULT '',
    lang               TEXT    NOT NULL DEFAULT '',
    author             TEXT    NOT NULL DEFAULT '',
    agent              TEXT    NOT NULL DEFAULT '',
    intent             TEXT    NOT NULL DEFAULT '',
    confidence         REAL    NOT NULL DEFAULT 0,
    options            TEXT    NOT NULL DEFAULT '[]',
    reason             TEXT    NOT NULL DEFAULT '',
    queue              TEXT    NOT NULL DEFAULT '',
    from_queue         TEXT    NOT NULL DEFAULT '',
    priority           TEXT    NOT NULL DEFAULT '',
    value              INTEGER NOT NULL DEFAULT 0,
    first_response_due TEXT, -- NULL when the SLA sets none
    resolution_due     TEXT  -- NULL when the SLA sets none
);

-- A report finds the conversations active in its range by time, then
-- reads each of them whole, in id order.
CREATE INDEX activity_at ON activity (at);
CREATE INDEX activity_conversation ON activity (conversation_id, id);
