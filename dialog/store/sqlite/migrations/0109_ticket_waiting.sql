-- A ticket waiting for the customer's answer: since when, and when the
-- customer was reminded; both NULL while it does not wait. It matches
-- PostgreSQL's migration 0109 (timestamptz there).
ALTER TABLE tickets ADD COLUMN waiting_since TEXT DEFAULT NULL;
ALTER TABLE tickets ADD COLUMN reminded_at TEXT DEFAULT NULL;
