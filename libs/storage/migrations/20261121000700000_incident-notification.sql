-- Up Migration
-- Escalation notifications: one row per (incident, level), written before the notification is delivered. The unique
-- key is the exactly-once guarantee: a retried or concurrent escalation job meets the existing row (INSERT … ON
-- CONFLICT DO NOTHING) and only completes a pending delivery (delivered_at IS NULL). The id is the delivery's
-- idempotency key. Plain table on both paths (a handful of rows per incident).
-- No foreign key to incident yet: added with the wiring of escalation to the incident lifecycle.
CREATE TABLE incident_notification (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id  uuid NOT NULL,
  level        integer NOT NULL CHECK (level >= 1),
  kind         text NOT NULL CHECK (kind IN ('escalation', 'reminder')),
  recipients   text[] NOT NULL CHECK (cardinality(recipients) > 0),
  channel      text NOT NULL,
  created_at   timestamptz NOT NULL,
  delivered_at timestamptz,
  CONSTRAINT incident_notification_level_uq UNIQUE (incident_id, level)
);
-- Pending deliveries, for a sweep and for monitoring.
CREATE INDEX incident_notification_pending_idx ON incident_notification (created_at) WHERE delivered_at IS NULL;

-- Down Migration
DROP TABLE IF EXISTS incident_notification;
