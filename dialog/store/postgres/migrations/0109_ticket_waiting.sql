-- A ticket waiting for the customer's answer: since when, and when the
-- customer was reminded; both NULL while it does not wait. It matches
-- SQLite's migration 0109 (times are text there).
ALTER TABLE tickets ADD COLUMN waiting_since timestamptz DEFAULT NULL;
ALTER TABLE tickets ADD COLUMN reminded_at timestamptz DEFAULT NULL;
