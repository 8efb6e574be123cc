-- Up Migration
-- Engine decisions the correlate role set aside because applying them failed for a reason that would recur (a
-- constraint the signal violates, the lifecycle refusing it, a bug), so the signals queued behind them went on. Kept
-- for an operator to see why and to re-drive: `signal` is the decision as the engine made it. Transient failures
-- (the database away) are retried in order and never land here. Low volume: a plain table on both paths.
CREATE TABLE signal_dead_letter (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  failed_at  timestamptz NOT NULL,
  dedup_key  text NOT NULL,
  op         text NOT NULL,
  code       text NOT NULL,
  message    text NOT NULL,
  device_ids text[] NOT NULL,
  signal     jsonb NOT NULL
);
CREATE INDEX signal_dead_letter_failed_at_idx ON signal_dead_letter (failed_at);

-- Down Migration
DROP TABLE IF EXISTS signal_dead_letter;
