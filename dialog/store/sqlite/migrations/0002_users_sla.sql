-- The people who log in to the panel, their sessions and API tokens; and
-- what the panel needs of tickets: reopen counts, SLA deadlines, a
-- searchable customer name, and indexes for its filters.
--
-- Times follow 0001: UTC text that sorts as it compares, NULL for "none".

ALTER TABLE tickets ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN first_response_due TEXT; -- NULL when the SLA sets none
ALTER TABLE tickets ADD COLUMN resolution_due TEXT;     -- NULL when the SLA sets none
ALTER TABLE tickets ADD COLUMN first_response_at TEXT;  -- NULL before the first agent reply

-- customer_name lower-cased by Go (strings.ToLower), for a case-insensitive
-- search: SQLite's lower() and LIKE fold ASCII letters only, and customers
-- write their names in Cyrillic too. The migration's Go step fills it in
-- for the tickets already stored.
ALTER TABLE tickets ADD COLUMN customer_name_lower TEXT NOT NULL DEFAULT '';

-- The panel lists tickets by queue and by assignee, mostly the open ones;
-- the open ones are few, so sorting them into the queue order is cheap.
CREATE INDEX tickets_queue ON tickets (queue, status, id);
CREATE INDEX tickets_assignee ON tickets (assignee, status, id);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Tickets refer to their assignee by this name, so it never changes.
    name             TEXT    NOT NULL UNIQUE,
    role             TEXT    NOT NULL,
    password_hash    TEXT    NOT NULL DEFAULT '',
    disabled         INTEGER NOT NULL DEFAULT 0,
    lang             TEXT    NOT NULL DEFAULT '',
    queues           TEXT    NOT NULL DEFAULT '[]', -- empty: every queue
    last_seen_at     TEXT,
    last_assigned_at TEXT,
    created_at       TEXT    NOT NULL
);

-- Only hashes of tokens are stored: a leaked database leaks no logins.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);
