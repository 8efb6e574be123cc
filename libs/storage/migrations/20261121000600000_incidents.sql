-- Up Migration
-- Incidents and their event log (the audit trail). Plain tables on both paths: a few thousand rows a day, read by id,
-- by filters and by seq, never scanned by time bucket, so TimescaleDB brings nothing here.

-- The current state of each incident (the decider's record, folded from its events). Written only by
-- IncidentRepository, inside the transaction that appends the events.
CREATE TABLE incident (
  id               uuid PRIMARY KEY,
  dedup_key        text NOT NULL,
  type             text NOT NULL,
  rule_id          text NOT NULL,
  zone_kind        text NOT NULL,
  zone_id          text NOT NULL,
  severity         text NOT NULL CHECK (severity IN ('minor', 'moderate', 'major', 'critical')),
  state            text NOT NULL CHECK (state IN ('open', 'acknowledged', 'assigned', 'resolved', 'closed')),
  exercise         boolean NOT NULL DEFAULT false,
  title            jsonb NOT NULL,
  opened_at        timestamptz NOT NULL,
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  assignee         text,
  assigned_at      timestamptz,
  resolved_at      timestamptz,
  resolved_by      text,
  resolution       text,
  closed_at        timestamptz,
  closed_by        text,
  escalation_level integer NOT NULL DEFAULT 0,
  reopen_count     integer NOT NULL DEFAULT 0,
  -- The most recent evidence (bounded); every piece is also in the events that added it.
  evidence         jsonb NOT NULL DEFAULT '[]',
  evidence_count   integer NOT NULL DEFAULT 0,
  absorbs          text[] NOT NULL DEFAULT '{}',
  -- SOP snapshot (id, version, steps) attached at open, and the steps done so far.
  sop_id           text,
  sop_version      integer,
  sop              jsonb,
  sop_done         jsonb NOT NULL DEFAULT '[]',
  -- Events in this incident's stream, and the global seq of the latest one.
  version          integer NOT NULL,
  last_seq         bigint NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);

-- The dedup guarantee: at most one incident that is not closed per key (live and exercise apart). Two raises of one
-- key milliseconds apart, or from two server processes, meet here: the second INSERT … ON CONFLICT waits for the
-- first transaction and then finds its row.
CREATE UNIQUE INDEX incident_active_key_uq ON incident (dedup_key, exercise) WHERE state <> 'closed';
CREATE INDEX incident_opened_at_idx ON incident (opened_at DESC, id DESC);
CREATE INDEX incident_state_opened_at_idx ON incident (state, opened_at DESC);
CREATE INDEX incident_zone_idx ON incident (zone_kind, zone_id, opened_at DESC);
CREATE INDEX incident_resolved_at_idx ON incident (resolved_at) WHERE state = 'resolved';

-- Every change to an incident, in order: who (actor), when (at, event time; recorded_at, commit clock) and what.
-- seq is global: the console resumes a socket with "events after seq N". Writers take one transaction-level
-- advisory lock before drawing seq values and keep it until commit, so seq order is commit order; a rolled-back
-- transaction leaves a gap (consumers must tolerate gaps, never wait for one to fill).
CREATE TABLE incident_event (
  seq              bigserial PRIMARY KEY,
  incident_id      uuid NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
  incident_version integer NOT NULL,
  type             text NOT NULL,
  at               timestamptz NOT NULL,
  actor            text NOT NULL,
  data             jsonb NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (incident_id, incident_version)
);

-- Down Migration
DROP TABLE IF EXISTS incident_event;
DROP TABLE IF EXISTS incident;
