-- Up Migration
-- The device registry; provisioned = false for devices registered automatically on first message.
CREATE TABLE device (
  id           text PRIMARY KEY,
  type         text NOT NULL,
  domain       text NOT NULL,
  name         text,
  lat          double precision,
  lon          double precision,
  ward_code    text,
  zone_id      text,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  provisioned  boolean NOT NULL DEFAULT false,
  attrs        jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz
);
CREATE INDEX device_domain_type_idx ON device (domain, type);
CREATE INDEX device_zone_idx ON device (zone_id);

-- Down Migration
DROP TABLE IF EXISTS device;
