-- The deadlines a customer was told a ticket runs late for, as Unix
-- milliseconds, 0 for none: one late notice per deadline, whichever
-- replica sends it, and a new one when a reopen sets a new deadline.
-- It matches PostgreSQL's migration 0106 (BIGINT there).
ALTER TABLE tickets ADD COLUMN late_first_response INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN late_resolution INTEGER NOT NULL DEFAULT 0;
