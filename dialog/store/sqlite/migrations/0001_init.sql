-- Conversations, their transcripts, and the tickets they escalate into.
--
-- Times are UTC text in the fixed-width form 2006-01-02T15:04:05.000000Z, so
-- they read well and sort as they compare. Lists are JSON arrays of text.
-- An id of 0 in Go ("none") is NULL here, so foreign keys can check the rest.
-- AUTOINCREMENT keeps ids from ever being reused: ticket numbers are made
-- from ids, and clients page through transcripts by id.

CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT    NOT NULL,
    chat_id         TEXT    NOT NULL,
    customer_name   TEXT    NOT NULL DEFAULT '',
    lang            TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL,
    ticket_id       INTEGER REFERENCES tickets (id),
    pending         TEXT    NOT NULL DEFAULT '',
    pending_options TEXT    NOT NULL DEFAULT '[]',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (channel, chat_id)
);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Made from the id right after the insert, in the same transaction, so
    -- it is only ever NULL inside that transaction.
    number          TEXT    UNIQUE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    status          TEXT    NOT NULL,
    reason          TEXT    NOT NULL DEFAULT '',
    intent          TEXT    NOT NULL DEFAULT '',
    candidates      TEXT    NOT NULL DEFAULT '[]',
    priority        TEXT    NOT NULL DEFAULT '',
    queue           TEXT    NOT NULL DEFAULT '',
    channel         TEXT    NOT NULL DEFAULT '',
    customer_name   TEXT    NOT NULL DEFAULT '',
    assignee        TEXT    NOT NULL DEFAULT '',
    csat            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    closed_at       TEXT -- NULL while open
);

CREATE INDEX tickets_status ON tickets (status, id);
CREATE INDEX tickets_conversation ON tickets (conversation_id, id);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    ticket_id       INTEGER REFERENCES tickets (id),
    author          TEXT    NOT NULL,
    author_name     TEXT    NOT NULL DEFAULT '',
    external_id     TEXT    NOT NULL DEFAULT '',
    reply_to        INTEGER REFERENCES messages (id),
    text            TEXT    NOT NULL DEFAULT '',
    buttons         TEXT    NOT NULL DEFAULT '[]',
    lang            TEXT    NOT NULL DEFAULT '',
    intent          TEXT    NOT NULL DEFAULT '',
    confidence      REAL    NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL
);

-- A channel may deliver the same inbound message twice; the second insert
-- must conflict. Messages without an external id (replies) never do.
CREATE UNIQUE INDEX messages_external_id
    ON messages (conversation_id, external_id) WHERE external_id <> '';
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_reply_to ON messages (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX messages_ticket ON messages (ticket_id, id) WHERE ticket_id IS NOT NULL;
