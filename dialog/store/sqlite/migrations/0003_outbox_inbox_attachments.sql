-- What channels that push to customers (Telegram, WhatsApp) need: the files
-- customers send, an inbox of received updates, processed exactly once, and
-- an outbox of replies, delivered in order per chat.
--
-- Times follow 0001: UTC text that sorts as it compares, NULL for "none".
-- Blobs come last in their rows: SQLite reads a row's columns in order, so
-- a column after a large blob would drag the blob's pages along with it.

CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL REFERENCES messages (id),
    kind       TEXT    NOT NULL,
    file_name  TEXT    NOT NULL DEFAULT '',
    mime       TEXT    NOT NULL DEFAULT '',
    size       INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    data       BLOB    NOT NULL
);

CREATE INDEX attachments_message ON attachments (message_id, id);

CREATE TABLE inbox (
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    processed_at TEXT, -- NULL until processed
    payload      BLOB NOT NULL,
    PRIMARY KEY (channel, external_id)
);

-- Processed updates stay (they are what dedupes a redelivery); the
-- unprocessed ones are few, and this index finds them without the rest.
CREATE INDEX inbox_pending ON inbox (channel, external_id) WHERE processed_at IS NULL;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id      INTEGER NOT NULL REFERENCES messages (id),
    conversation_id INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    chat_id         TEXT    NOT NULL,
    text            TEXT    NOT NULL DEFAULT '',
    buttons         TEXT    NOT NULL DEFAULT '[]',
    status          TEXT    NOT NULL,
    parts_sent      INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claimed_until   TEXT, -- NULL when no sender holds it
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    sent_at         TEXT  -- NULL until sent
);

-- A claim looks for the oldest pending item of each chat of a channel.
CREATE INDEX outbox_chat ON outbox (channel, status, chat_id, id);
-- The backlog counts pending items per channel; sent ones pile up, and
-- this index leaves them out.
CREATE INDEX outbox_pending ON outbox (channel) WHERE status = 'pending';
