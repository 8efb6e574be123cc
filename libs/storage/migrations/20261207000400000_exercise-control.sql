-- Up Migration
-- Control of a running exercise (issue 19): pause, resume, change speed, seek; several exercises at once.
-- The replay's clock is kept as an anchor: at wall time anchor_at the drill was at anchor_to (the recording's own
-- time), and runs `speed` times faster than the wall clock from there (0: as fast as the machine goes), unless paused.
-- `run` counts backward seeks: each restarts the replay from the recording's start under a key prefix of its own
-- (`<key_prefix>r<run>/`), so a rewound drill's incidents never mix with the earlier run's; replayed_to and
-- signals_applied are the checkpoint of the current run. Decisions the replay makes up to quiet_until (a seek's
-- target) are applied without the runner fanning them out.
ALTER TABLE exercise DROP CONSTRAINT IF EXISTS exercise_speed_check;
ALTER TABLE exercise ADD CONSTRAINT exercise_speed_check CHECK (speed BETWEEN 0 AND 3600);
ALTER TABLE exercise
  ADD COLUMN anchor_at   timestamptz,
  ADD COLUMN anchor_to   timestamptz,
  ADD COLUMN paused      boolean NOT NULL DEFAULT false,
  ADD COLUMN run         integer NOT NULL DEFAULT 0,
  ADD COLUMN quiet_until timestamptz;
UPDATE exercise SET anchor_at = started_at, anchor_to = window_from;
ALTER TABLE exercise ALTER COLUMN anchor_at SET NOT NULL, ALTER COLUMN anchor_to SET NOT NULL;
-- Several run at once now; their number is the service's limit (EXERCISES_MAX_RUNNING), taken under an advisory lock.
DROP INDEX IF EXISTS exercise_one_running;
CREATE INDEX exercise_running_idx ON exercise (started_at) WHERE status = 'running';

-- Down Migration
DROP INDEX IF EXISTS exercise_running_idx;
-- One at a time again: all but the newest running exercise are stopped.
UPDATE exercise SET status = 'stopped', ended_at = now()
  WHERE status = 'running'
    AND id <> (SELECT id FROM exercise WHERE status = 'running' ORDER BY started_at DESC, id LIMIT 1);
CREATE UNIQUE INDEX IF NOT EXISTS exercise_one_running ON exercise ((true)) WHERE status = 'running';
ALTER TABLE exercise DROP COLUMN IF EXISTS quiet_until, DROP COLUMN IF EXISTS run, DROP COLUMN IF EXISTS paused,
  DROP COLUMN IF EXISTS anchor_to, DROP COLUMN IF EXISTS anchor_at;
UPDATE exercise SET speed = 60 WHERE speed = 0 OR speed > 60;
ALTER TABLE exercise DROP CONSTRAINT IF EXISTS exercise_speed_check;
ALTER TABLE exercise ADD CONSTRAINT exercise_speed_check CHECK (speed BETWEEN 1 AND 60);
