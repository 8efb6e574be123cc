-- Up Migration
-- Messages that were not accepted, with the reason; a plain table on both paths (low volume, listed by id).
CREATE TABLE quarantine (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at timestamptz NOT NULL,
  topic       text NOT NULL,
  payload     bytea NOT NULL,
  code        text NOT NULL,
  reason      text NOT NULL,
  device_id   text,
  msg_id      text,
  gateway_id  text,
  details     jsonb
);
CREATE INDEX quarantine_received_at_idx ON quarantine (received_at);
CREATE INDEX quarantine_device_received_at_idx ON quarantine (device_id, received_at);

-- Down Migration
DROP TABLE IF EXISTS quarantine;
