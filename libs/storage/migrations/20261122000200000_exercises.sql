-- Up Migration
-- Trainers' exercises. A recording keeps a copy of the device messages stored in a window of event time (raw_message
-- loses them to retention); an exercise replays one recording through the correlation engine as exercise incidents,
-- at a chosen speed. The exercise row is the replay's checkpoint: how far it got and how many engine decisions it has
-- applied, so a worker that dies is followed by one that replays the same recording to the same point and goes on.
CREATE TABLE exercise_recording (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  window_from timestamptz NOT NULL,
  window_to   timestamptz NOT NULL,
  messages    integer NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT exercise_recording_window CHECK (window_to > window_from)
);

-- raw_message's columns, per recording; read back in the engine's canonical order (time, device, message id).
CREATE TABLE exercise_recording_message (
  recording_id uuid NOT NULL REFERENCES exercise_recording (id) ON DELETE CASCADE,
  time         timestamptz NOT NULL,
  device_id    text NOT NULL,
  msg_id       text NOT NULL,
  kind         text NOT NULL,
  received_at  timestamptz NOT NULL,
  topic        text NOT NULL,
  gateway_id   text,
  body         jsonb NOT NULL,
  PRIMARY KEY (recording_id, time, device_id, msg_id)
);

-- Keeps its recording's name and window, so the record stands after the recording is deleted.
CREATE TABLE exercise (
  id              uuid PRIMARY KEY,
  recording_id    uuid REFERENCES exercise_recording (id) ON DELETE SET NULL,
  recording_name  text NOT NULL,
  window_from     timestamptz NOT NULL,
  window_to       timestamptz NOT NULL,
  speed           integer NOT NULL CHECK (speed BETWEEN 1 AND 60),
  key_prefix      text NOT NULL UNIQUE,
  status          text NOT NULL CHECK (status IN ('running', 'finished', 'stopped', 'failed')),
  started_by      text NOT NULL,
  started_at      timestamptz NOT NULL,
  replayed_to     timestamptz,
  signals_applied integer NOT NULL DEFAULT 0,
  ended_at        timestamptz,
  ended_by        text,
  error           text,
  -- Whether its incidents still active at the end have been resolved (the runner's last step).
  wound_up        boolean NOT NULL DEFAULT false
);
-- One exercise runs at a time.
CREATE UNIQUE INDEX exercise_one_running ON exercise ((true)) WHERE status = 'running';
CREATE INDEX exercise_started_at_idx ON exercise (started_at DESC);

-- Down Migration
DROP TABLE IF EXISTS exercise;
DROP TABLE IF EXISTS exercise_recording_message;
DROP TABLE IF EXISTS exercise_recording;
