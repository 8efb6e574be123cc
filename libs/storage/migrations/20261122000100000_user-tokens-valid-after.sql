-- Up Migration
-- Bearer tokens of a user issued before this time (whole seconds, as a token's `iat`) are refused: set when the
-- user's password is set or changed, so a token taken with the old password stops working. NULL: no such limit.
ALTER TABLE app_user ADD COLUMN tokens_valid_after timestamptz;

-- Down Migration
ALTER TABLE app_user DROP COLUMN IF EXISTS tokens_valid_after;
