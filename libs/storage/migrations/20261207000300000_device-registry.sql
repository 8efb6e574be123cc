-- Up Migration
-- The device plane's registry: gateways, which device hangs off which gateway, the state of each identity's MQTT
-- credential, and the keys devices provision themselves with. The broker (Mosquitto's Dynamic Security plugin) holds
-- the passwords it checks; the IOC keeps only an argon2 hash of each, to prove which credential was issued when.
CREATE TABLE gateway (
  id                    text PRIMARY KEY,
  name                  text,
  ward_code             text,
  lat                   double precision,
  lon                   double precision,
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  credential_hash       text,
  credential_issued_at  timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  last_seen_at          timestamptz
);

ALTER TABLE device
  ADD COLUMN gateway_id           text REFERENCES gateway (id) ON DELETE SET NULL,
  ADD COLUMN credential_hash      text,
  ADD COLUMN credential_issued_at timestamptz,
  ADD COLUMN provisioned_by       text;
CREATE INDEX device_gateway_idx ON device (gateway_id) WHERE gateway_id IS NOT NULL;

CREATE TABLE provisioning_key (
  id            text PRIMARY KEY,
  secret_hash   text NOT NULL,
  device_types  text[] NOT NULL,
  ward_codes    text[] NOT NULL DEFAULT '{}',
  max_devices   integer NOT NULL CHECK (max_devices > 0),
  used          integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row: when the city's seed devices were registered (first start), so a device an admin deletes stays deleted.
CREATE TABLE registry_state (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seeded_at  timestamptz NOT NULL
);

-- Down Migration
DROP TABLE IF EXISTS registry_state;
DROP TABLE IF EXISTS provisioning_key;
DROP INDEX IF EXISTS device_gateway_idx;
ALTER TABLE device
  DROP COLUMN IF EXISTS provisioned_by,
  DROP COLUMN IF EXISTS credential_issued_at,
  DROP COLUMN IF EXISTS credential_hash,
  DROP COLUMN IF EXISTS gateway_id;
DROP TABLE IF EXISTS gateway;
