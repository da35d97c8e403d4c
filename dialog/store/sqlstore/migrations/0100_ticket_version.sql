-- A ticket's version: a counter that every change of the ticket moves on,
-- so that a form made from one version is refused once another change
-- was saved. (Until now the time of the last change served, which ties
-- when two changes share a clock reading.)
ALTER TABLE tickets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
