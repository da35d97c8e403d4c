-- When the customer of a queued conversation was last told that a message
-- of theirs joined the ticket, so that a burst of messages is acknowledged
-- once, whichever replica handles each. NULL: not since the conversation
-- last escalated. It matches SQLite's migration 0103.
ALTER TABLE conversations ADD COLUMN acked_at timestamptz DEFAULT NULL;
