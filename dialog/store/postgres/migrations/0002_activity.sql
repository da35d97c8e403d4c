-- Analytics events: what happened in each conversation, one row per event,
-- appended in the transaction of the change it records and never updated.
-- Reports (firstline report) are computed from this table alone. It starts
-- empty: nothing is derived for what happened before this migration. It
-- matches the SQLite store's migration 0004.
--
-- Columns a kind does not use keep their defaults (see dialog.Activity).

CREATE TABLE activity (
    id                 bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at                 timestamptz      NOT NULL,
    kind               text             NOT NULL,
    conversation_id    bigint           NOT NULL REFERENCES conversations (id),
    ticket_id          bigint           REFERENCES tickets (id), -- NULL when none
    message_id         bigint           REFERENCES messages (id), -- the customer message of the turn; NULL for agents' actions
    channel            text             NOT NULL DEFAULT '',
    lang               text             NOT NULL DEFAULT '',
    author             text             NOT NULL DEFAULT '',
    agent              text             NOT NULL DEFAULT '',
    intent             text             NOT NULL DEFAULT '',
    confidence         double precision NOT NULL DEFAULT 0,
    options            jsonb            NOT NULL DEFAULT '[]',
    reason             text             NOT NULL DEFAULT '',
    queue              text             NOT NULL DEFAULT '',
    from_queue         text             NOT NULL DEFAULT '',
    priority           text             NOT NULL DEFAULT '',
    value              integer          NOT NULL DEFAULT 0,
    first_response_due timestamptz, -- NULL when the SLA sets none
    resolution_due     timestamptz  -- NULL when the SLA sets none
);

-- A report finds the conversations active in its range by time, then
-- reads each of them whole, in id order.
CREATE INDEX activity_at ON activity (at);
CREATE INDEX activity_conversation ON activity (conversation_id, id);
