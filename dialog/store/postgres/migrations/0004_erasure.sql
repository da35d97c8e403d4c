-- Erasing customers' personal data (firstline customer erase, the panel,
-- privacy.retain_closed): when a conversation was erased, and indexes to
-- find what a retention period lets go and a conversation's outbox items.
-- It matches the SQLite store's migration 0006.

ALTER TABLE conversations ADD COLUMN erased_at timestamptz; -- NULL while kept

-- The conversations a retention period may erase: not erased yet, oldest
-- first.
CREATE INDEX conversations_idle ON conversations (updated_at, id) WHERE erased_at IS NULL;
CREATE INDEX outbox_conversation ON outbox (conversation_id);

-- A processed update is kept only to recognise a redelivery; its payload
-- holds the customer's words and name, and is emptied from now on when
-- the update is processed.
UPDATE inbox SET payload = ''::bytea WHERE processed_at IS NOT NULL;
