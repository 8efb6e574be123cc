-- Up Migration
-- The trainer's review of an exercise (issue 19): what went well and what to improve, written once the exercise has
-- ended, shown in its after-action report. One row per exercise, replaced by each save; it goes with the exercise.
CREATE TABLE exercise_review (
  exercise_id uuid PRIMARY KEY REFERENCES exercise (id) ON DELETE CASCADE,
  went_well   text NOT NULL DEFAULT '',
  to_improve  text NOT NULL DEFAULT '',
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL,
  CONSTRAINT exercise_review_went_well_length CHECK (char_length(went_well) <= 4000),
  CONSTRAINT exercise_review_to_improve_length CHECK (char_length(to_improve) <= 4000)
);

-- Down Migration
DROP TABLE IF EXISTS exercise_review;
