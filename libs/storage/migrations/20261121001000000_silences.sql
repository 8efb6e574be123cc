-- Up Migration
-- Silences (Alertmanager's): while one lasts, the correlation engine neither raises nor updates the incidents it
-- matches; a raise waits for its end. Matchers are ANDed; at least one is set. Expiring a silence early moves its
-- end to that moment (the row stays, with who did it: the audit of why an alarm was quiet).
CREATE TABLE silence (
  id            uuid PRIMARY KEY,
  incident_type text,
  zone_id       text,
  dedup_key     text,
  rule_id       text,
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL,
  comment       text NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expired_by    text,
  expired_at    timestamptz,
  CONSTRAINT silence_ends_after_start CHECK (ends_at > starts_at),
  CONSTRAINT silence_has_matcher CHECK (num_nonnulls(incident_type, zone_id, dedup_key, rule_id) > 0)
);
CREATE INDEX silence_ends_at_idx ON silence (ends_at DESC);

-- Down Migration
DROP TABLE IF EXISTS silence;
