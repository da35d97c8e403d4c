-- The details a customer gave before the handoff, as the escalating
-- intent asked for them (collect: in the knowledge base): a JSON array of
-- {"name", "value"} objects, in the order they were asked.
ALTER TABLE tickets ADD COLUMN fields TEXT NOT NULL DEFAULT '[]';
