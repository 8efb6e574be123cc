-- Up Migration
-- The people who use the IOC (console and REST API). One role each; passwords only as argon2id hashes. Disabled
-- users keep their row (their id stays in incident audit trails) and can no longer log in.
CREATE TABLE app_user (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username      text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('operator', 'supervisor', 'trainer', 'integrator', 'admin')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled      boolean NOT NULL DEFAULT false,
  CONSTRAINT app_user_username_uq UNIQUE (username)
);

-- Down Migration
DROP TABLE IF EXISTS app_user;
