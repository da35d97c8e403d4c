-- API tokens get an id, by which one is listed and revoked, an optional
-- name (unique per user when given) and the time of their last use.
-- SQLite cannot add a primary key to a table, so the table is made again;
-- the tokens in it keep working, without a name.
--
-- Disabling a user now revokes its tokens, so that enabling it again
-- does not bring them back: tokens of users disabled before this
-- migration are revoked here.
--
-- Times follow 0001: UTC text that sorts as it compares, NULL for "none".

CREATE TABLE api_tokens_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    last_used_at TEXT    -- NULL until the token is used
);

INSERT INTO api_tokens_new (token_hash, user_id, created_at)
SELECT token_hash, user_id, created_at FROM api_tokens
WHERE user_id NOT IN (SELECT id FROM users WHERE disabled)
ORDER BY created_at, token_hash;

DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;

CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE UNIQUE INDEX api_tokens_user_name ON api_tokens (user_id, name) WHERE name <> '';
