-- Up Migration
-- Injects and scripts of exercises (issue 19). An inject is an event the trainer adds to a running drill at a time of
-- its recording (drill_at): a sensor sticks, a camera goes dark, a ward loses power… Its `params` (the inject's JSON
-- without `at`) are compiled, deterministically, into engine input merged with the recording, so the log of an
-- exercise (recording + injects) replays to the same incidents. `seq` numbers an exercise's injects from 1; the
-- compiled events' message ids derive from it. `incident_keys`: the exercise incidents whose evidence came from it.
CREATE TABLE exercise_inject (
  exercise_id   uuid        NOT NULL REFERENCES exercise (id) ON DELETE CASCADE,
  seq           integer     NOT NULL CHECK (seq > 0),
  drill_at      timestamptz NOT NULL,
  kind          text        NOT NULL,
  params        jsonb       NOT NULL,
  incident_keys text[]      NOT NULL DEFAULT '{}',
  created_by    text        NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (exercise_id, seq)
);

-- A drill saved to be run again, by anyone: a recording and injects planned at times of it (`injects`: a JSON array
-- of {at, kind, …} as the API takes them, in time order). A script outlives its recording's deletion (recording_id
-- null) but can no longer be started.
CREATE TABLE exercise_script (
  id           uuid        PRIMARY KEY,
  name         text        NOT NULL,
  recording_id uuid        REFERENCES exercise_recording (id) ON DELETE SET NULL,
  injects      jsonb       NOT NULL,
  created_by   text        NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX exercise_script_created_idx ON exercise_script (created_at DESC);

-- Down Migration
DROP TABLE IF EXISTS exercise_script;
DROP TABLE IF EXISTS exercise_inject;
