-- Up Migration
-- Every accepted message as received; (device_id, msg_id, time) is the dedup key.
CREATE TABLE raw_message (
  time        timestamptz NOT NULL,
  device_id   text NOT NULL,
  msg_id      text NOT NULL,
  kind        text NOT NULL,
  received_at timestamptz NOT NULL,
  topic       text NOT NULL,
  gateway_id  text,
  body        jsonb NOT NULL,
  UNIQUE (device_id, msg_id, time)
);

CREATE TABLE flood_reading (
  time        timestamptz NOT NULL,
  device_id   text NOT NULL,
  kind        text NOT NULL,
  level_cm    double precision,
  rain_mm     double precision,
  interval_s  integer,
  status      text,
  flow_m3h    double precision,
  opening_pct double precision,
  battery_pct double precision
);

CREATE TABLE waste_reading (
  time          timestamptz NOT NULL,
  device_id     text NOT NULL,
  kind          text NOT NULL,
  fill_pct      double precision,
  temperature_c double precision,
  tilt_deg      double precision,
  battery_pct   double precision,
  lat           double precision,
  lon           double precision,
  speed_kmh     double precision,
  heading_deg   double precision,
  route_id      text,
  progress_pct  double precision,
  bin_id        text,
  weight_kg     double precision
);

CREATE TABLE camera_event (
  time           timestamptz NOT NULL,
  device_id      text NOT NULL,
  kind           text NOT NULL,
  event_type     text,
  confidence     double precision,
  model_version  text,
  snapshot_ref   text,
  count          integer,
  density_per_m2 double precision,
  vehicle_count  integer,
  avg_speed_kmh  double precision,
  congestion     text,
  interval_s     integer,
  lanes          jsonb,
  online         boolean,
  tampered       boolean,
  fps            double precision
);

CREATE INDEX raw_message_device_time_idx ON raw_message (device_id, time DESC);
CREATE INDEX flood_reading_device_time_idx ON flood_reading (device_id, time DESC);
CREATE INDEX waste_reading_device_time_idx ON waste_reading (device_id, time DESC);
CREATE INDEX camera_event_device_time_idx ON camera_event (device_id, time DESC);

DO $$
DECLARE
  t text;
BEGIN
  IF ioc_timescaledb_enabled() THEN
    -- Hypertables in 6-hour chunks, compressed after 2 days, dropped after 90 days (raw) / 400 days (readings).
    -- EXECUTE: the plain server has none of these functions or storage options.
    FOREACH t IN ARRAY ARRAY['raw_message', 'flood_reading', 'waste_reading', 'camera_event'] LOOP
      EXECUTE format($ddl$SELECT create_hypertable(%L::regclass, by_range('time', INTERVAL '6 hours'))$ddl$, t);
      EXECUTE format($ddl$ALTER TABLE %I SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id', timescaledb.compress_orderby = 'time DESC')$ddl$, t);
      EXECUTE format($ddl$SELECT add_compression_policy(%L::regclass, INTERVAL '2 days')$ddl$, t);
      EXECUTE format($ddl$SELECT add_retention_policy(%L::regclass, %L::interval)$ddl$,
        t, CASE WHEN t = 'raw_message' THEN '90 days' ELSE '400 days' END);
    END LOOP;
  ELSE
    -- Plain PostgreSQL: time-ordered appends make BRIN cheap for the range scans of retention and rollups.
    CREATE INDEX raw_message_time_brin ON raw_message USING brin (time);
    CREATE INDEX flood_reading_time_brin ON flood_reading USING brin (time);
    CREATE INDEX waste_reading_time_brin ON waste_reading USING brin (time);
    CREATE INDEX camera_event_time_brin ON camera_event USING brin (time);
  END IF;
END $$;

-- Down Migration
-- Dropping a hypertable also removes its chunks and its compression/retention jobs.
DROP TABLE IF EXISTS camera_event;
DROP TABLE IF EXISTS waste_reading;
DROP TABLE IF EXISTS flood_reading;
DROP TABLE IF EXISTS raw_message;
