-- The whole schema of a new store: conversations, their transcripts and
-- tickets; the people who log in to the panel; and what channels that push
-- to customers need (attachments, an inbox, an outbox). It matches the
-- SQLite store's migrations 0001 to 0003 combined.
--
-- Times are timestamptz, to the microsecond, NULL for "none". An id of 0 in
-- Go ("none") is NULL here, so foreign keys can check the rest. Identity
-- columns draw from sequences, which never hand out an id twice: ticket
-- numbers are made from ids, and clients page through transcripts by id.
-- Lists are JSON arrays of text.

CREATE TABLE conversations (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel         text        NOT NULL,
    chat_id         text        NOT NULL,
    customer_name   text        NOT NULL DEFAULT '',
    lang            text        NOT NULL DEFAULT '',
    state           text        NOT NULL,
    ticket_id       bigint, -- REFERENCES tickets (id), added below
    pending         text        NOT NULL DEFAULT '',
    pending_options jsonb       NOT NULL DEFAULT '[]',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (channel, chat_id)
);

CREATE TABLE tickets (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Made from the id right after the insert, in the same transaction, so
    -- it is only ever NULL inside that transaction.
    number              text        UNIQUE,
    conversation_id     bigint      NOT NULL REFERENCES conversations (id),
    status              text        NOT NULL,
    reason              text        NOT NULL DEFAULT '',
    intent              text        NOT NULL DEFAULT '',
    candidates          jsonb       NOT NULL DEFAULT '[]',
    priority            text        NOT NULL DEFAULT '',
    queue               text        NOT NULL DEFAULT '',
    channel             text        NOT NULL DEFAULT '',
    customer_name       text        NOT NULL DEFAULT '',
    -- customer_name lower-cased by Go (strings.ToLower), for a
    -- case-insensitive search that does not depend on the server's locale:
    -- under the C locale lower() folds ASCII letters only, and customers
    -- write their names in Cyrillic too.
    customer_name_lower text        NOT NULL DEFAULT '',
    assignee            text        NOT NULL DEFAULT '',
    csat                integer     NOT NULL DEFAULT 0,
    reopens             integer     NOT NULL DEFAULT 0,
    first_response_due  timestamptz, -- NULL when the SLA sets none
    resolution_due      timestamptz, -- NULL when the SLA sets none
    first_response_at   timestamptz, -- NULL before the first agent reply
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    closed_at           timestamptz  -- NULL while open
);

ALTER TABLE conversations
    ADD FOREIGN KEY (ticket_id) REFERENCES tickets (id);

CREATE INDEX tickets_status ON tickets (status, id);
CREATE INDEX tickets_conversation ON tickets (conversation_id, id);
-- The panel lists tickets by queue and by assignee, mostly the open ones;
-- the open ones are few, so sorting them into the queue order is cheap.
CREATE INDEX tickets_queue ON tickets (queue, status, id);
CREATE INDEX tickets_assignee ON tickets (assignee, status, id);

CREATE TABLE messages (
    id              bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id bigint           NOT NULL REFERENCES conversations (id),
    ticket_id       bigint           REFERENCES tickets (id),
    author          text             NOT NULL,
    author_name     text             NOT NULL DEFAULT '',
    external_id     text             NOT NULL DEFAULT '',
    reply_to        bigint           REFERENCES messages (id),
    text            text             NOT NULL DEFAULT '',
    buttons         jsonb            NOT NULL DEFAULT '[]',
    lang            text             NOT NULL DEFAULT '',
    intent          text             NOT NULL DEFAULT '',
    confidence      double precision NOT NULL DEFAULT 0,
    created_at      timestamptz      NOT NULL
);

-- A channel may deliver the same inbound message twice; the second insert
-- must conflict. Messages without an external id (replies) never do.
CREATE UNIQUE INDEX messages_external_id
    ON messages (conversation_id, external_id) WHERE external_id <> '';
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_reply_to ON messages (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX messages_ticket ON messages (ticket_id, id) WHERE ticket_id IS NOT NULL;

CREATE TABLE users (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Tickets refer to their assignee by this name, so it never changes.
    name             text        NOT NULL UNIQUE,
    role             text        NOT NULL,
    password_hash    text        NOT NULL DEFAULT '',
    disabled         boolean     NOT NULL DEFAULT false,
    lang             text        NOT NULL DEFAULT '',
    queues           jsonb       NOT NULL DEFAULT '[]', -- empty: every queue
    last_seen_at     timestamptz,
    last_assigned_at timestamptz,
    created_at       timestamptz NOT NULL
);

-- Only hashes of tokens are stored: a leaked database leaks no logins.
CREATE TABLE sessions (
    token_hash text        PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    token_hash text        PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE attachments (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id bigint      NOT NULL REFERENCES messages (id),
    kind       text        NOT NULL,
    file_name  text        NOT NULL DEFAULT '',
    mime       text        NOT NULL DEFAULT '',
    size       bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    data       bytea       NOT NULL
);

CREATE INDEX attachments_message ON attachments (message_id, id);

CREATE TABLE inbox (
    channel      text        NOT NULL,
    external_id  text        NOT NULL,
    received_at  timestamptz NOT NULL,
    processed_at timestamptz, -- NULL until processed
    payload      bytea       NOT NULL,
    PRIMARY KEY (channel, external_id)
);

-- Processed updates stay (they are what dedupes a redelivery); the
-- unprocessed ones are few, and this index finds them without the rest.
CREATE INDEX inbox_pending ON inbox (channel, external_id) WHERE processed_at IS NULL;

CREATE TABLE outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      bigint      NOT NULL REFERENCES messages (id),
    conversation_id bigint      NOT NULL,
    channel         text        NOT NULL,
    chat_id         text        NOT NULL,
    text            text        NOT NULL DEFAULT '',
    buttons         jsonb       NOT NULL DEFAULT '[]',
    status          text        NOT NULL,
    parts_sent      integer     NOT NULL DEFAULT 0,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz, -- NULL when no sender holds it
    last_error      text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz  -- NULL until sent
);

-- A claim looks for the oldest pending item of each chat of a channel.
CREATE INDEX outbox_chat ON outbox (channel, status, chat_id, id);
-- The backlog counts pending items per channel; sent ones pile up, and
-- this index leaves them out.
CREATE INDEX outbox_pending ON outbox (channel) WHERE status = 'pending';
