-- Up Migration
-- Field reports (phản ánh hiện trường) taken by the API: evidence for the correlation engine like any reading.
-- `channel` is the engine's device id for the report (the intake it came through); `reported_by` the user id.
-- A plain table on both paths: a few hundred rows a day.
CREATE TABLE field_report (
  id          uuid PRIMARY KEY,
  reported_at timestamptz NOT NULL,
  channel     text NOT NULL,
  category    text NOT NULL,
  lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon         double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  text        text NOT NULL,
  photo_ref   text,
  reported_by text NOT NULL,
  ward_id     text,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX field_report_reported_at_idx ON field_report (reported_at DESC, id DESC);

-- Down Migration
DROP TABLE IF EXISTS field_report;
