-- The deadlines a customer was told a ticket runs late for, as Unix
-- milliseconds, 0 for none: one late notice per deadline, whichever
-- replica sends it, and a new one when a reopen sets a new deadline.
-- It matches SQLite's migration 0106 (64-bit integers there too).
ALTER TABLE tickets ADD COLUMN late_first_response BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN late_resolution BIGINT NOT NULL DEFAULT 0;
