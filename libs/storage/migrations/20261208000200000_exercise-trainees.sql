-- Up Migration
-- The trainees of an exercise (issue 19): users a trainer assigns to it, each in a team. A trainee (an operator) sees
-- and acts on the incidents of the exercises they are assigned to, and no other exercise's; their actions are the
-- incident events whose actor is their user id, which the scoring rules (seeds/scoring.yaml) turn into points.
-- The whole group is replaced at once (PUT), so assigned_by/assigned_at say who set it last and when.
CREATE TABLE exercise_trainee (
  exercise_id uuid NOT NULL REFERENCES exercise (id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES app_user (id),
  team        text NOT NULL CHECK (length(team) BETWEEN 1 AND 60),
  assigned_by text NOT NULL,
  assigned_at timestamptz NOT NULL,
  PRIMARY KEY (exercise_id, user_id)
);
-- A trainee's exercises (their key prefixes), read on every request of theirs that touches exercise incidents.
CREATE INDEX exercise_trainee_user_idx ON exercise_trainee (user_id);

-- Down Migration
DROP TABLE IF EXISTS exercise_trainee;
