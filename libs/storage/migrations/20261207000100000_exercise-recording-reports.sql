-- Up Migration
-- Field reports (phản ánh hiện trường) of a recording's window, copied with its device messages: evidence the replay
-- hands the correlation engine as the live role did, so an incident that reports raised or confirmed (a dumping
-- hotspot, a confirmed flood) is raised in the drill as it was.
ALTER TABLE exercise_recording ADD COLUMN reports integer NOT NULL DEFAULT 0;

CREATE TABLE exercise_recording_report (
  recording_id uuid NOT NULL REFERENCES exercise_recording (id) ON DELETE CASCADE,
  id           uuid NOT NULL,
  reported_at  timestamptz NOT NULL,
  channel      text NOT NULL,
  category     text NOT NULL,
  lat          double precision NOT NULL,
  lon          double precision NOT NULL,
  text         text NOT NULL,
  photo_ref    text,
  PRIMARY KEY (recording_id, reported_at, id)
);

-- Down Migration
DROP TABLE IF EXISTS exercise_recording_report;
ALTER TABLE exercise_recording DROP COLUMN IF EXISTS reports;
