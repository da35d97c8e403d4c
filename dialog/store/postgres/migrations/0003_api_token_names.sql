-- API tokens get an id, by which one is listed and revoked, an optional
-- name (unique per user when given) and the time of their last use. The
-- tokens already issued keep working, without a name.
--
-- Disabling a user now revokes its tokens, so that enabling it again
-- does not bring them back: tokens of users disabled before this
-- migration are revoked here.
--
-- It matches the SQLite store's migration 0005.

ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_pkey;
ALTER TABLE api_tokens ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);
ALTER TABLE api_tokens ADD COLUMN name text NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at timestamptz; -- NULL until the token is used

CREATE UNIQUE INDEX api_tokens_user_name ON api_tokens (user_id, name) WHERE name <> '';

DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE disabled);
