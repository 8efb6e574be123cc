-- Up Migration
-- Rollups for the console charts: the same names and columns on both paths, so one query serves both.
-- TimescaleDB: continuous aggregates, the 1h ones built on the 1m ones (averages re-weighted by samples).
-- Plain PostgreSQL: ordinary tables that MaintenanceService upserts from the same expressions.

-- How far the plain-path maintenance has refreshed the rollups (unused on TimescaleDB).
CREATE TABLE rollup_watermark (
  name         text PRIMARY KEY,
  refreshed_to timestamptz NOT NULL
);

DO $$
DECLARE
  v text;
BEGIN
  IF ioc_timescaledb_enabled() THEN
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW flood_level_1m WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, device_id, kind,
             avg(level_cm) AS level_avg, min(level_cm) AS level_min, max(level_cm) AS level_max, count(*) AS samples
      FROM flood_reading WHERE level_cm IS NOT NULL
      GROUP BY 1, 2, 3 WITH NO DATA
    $ddl$;
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW rain_1m WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, device_id,
             sum(rain_mm) AS rain_mm, count(*) AS samples
      FROM flood_reading WHERE rain_mm IS NOT NULL
      GROUP BY 1, 2 WITH NO DATA
    $ddl$;
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW bin_fill_1m WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, device_id,
             avg(fill_pct) AS fill_avg, max(fill_pct) AS fill_max, max(temperature_c) AS temperature_max, count(*) AS samples
      FROM waste_reading WHERE kind = 'bin-fill' AND fill_pct IS NOT NULL
      GROUP BY 1, 2 WITH NO DATA
    $ddl$;
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW camera_traffic_1m WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, device_id,
             sum(vehicle_count) AS vehicles, avg(avg_speed_kmh) AS speed_avg, count(*) AS samples
      FROM camera_event WHERE kind = 'camera-traffic'
      GROUP BY 1, 2 WITH NO DATA
    $ddl$;
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW camera_detection_1m WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, device_id, event_type,
             count(*) AS detections, avg(confidence) AS confidence_avg
      FROM camera_event WHERE kind = 'camera-detection' AND event_type IS NOT NULL
      GROUP BY 1, 2, 3 WITH NO DATA
    $ddl$;

    -- Hierarchical: an hourly average is the samples-weighted mean of the minute averages.
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW flood_level_1h WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, device_id, kind,
             sum(level_avg * samples) / sum(samples)::double precision AS level_avg,
             min(level_min) AS level_min, max(level_max) AS level_max, sum(samples)::bigint AS samples
      FROM flood_level_1m
      GROUP BY 1, 2, 3 WITH NO DATA
    $ddl$;
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW rain_1h WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, device_id,
             sum(rain_mm) AS rain_mm, sum(samples)::bigint AS samples
      FROM rain_1m
      GROUP BY 1, 2 WITH NO DATA
    $ddl$;
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW bin_fill_1h WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, device_id,
             sum(fill_avg * samples) / sum(samples)::double precision AS fill_avg,
             max(fill_max) AS fill_max, max(temperature_max) AS temperature_max, sum(samples)::bigint AS samples
      FROM bin_fill_1m
      GROUP BY 1, 2 WITH NO DATA
    $ddl$;
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW camera_traffic_1h WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, device_id,
             sum(vehicles)::bigint AS vehicles,
             sum(speed_avg * samples) / sum(samples)::double precision AS speed_avg,
             sum(samples)::bigint AS samples
      FROM camera_traffic_1m
      GROUP BY 1, 2 WITH NO DATA
    $ddl$;
    EXECUTE $ddl$
      CREATE MATERIALIZED VIEW camera_detection_1h WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
      SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, device_id, event_type,
             sum(detections)::bigint AS detections,
             sum(confidence_avg * detections) / sum(detections)::double precision AS confidence_avg
      FROM camera_detection_1m
      GROUP BY 1, 2, 3 WITH NO DATA
    $ddl$;

    -- Refresh policies (run by the scheduler, or by MaintenanceService when there is none) and retention.
    FOREACH v IN ARRAY ARRAY['flood_level_1m', 'rain_1m', 'bin_fill_1m', 'camera_traffic_1m', 'camera_detection_1m'] LOOP
      EXECUTE format($ddl$SELECT add_continuous_aggregate_policy(%L::regclass,
        start_offset => INTERVAL '2 days', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute')$ddl$, v);
      EXECUTE format($ddl$SELECT add_retention_policy(%L::regclass, INTERVAL '90 days')$ddl$, v);
    END LOOP;
    FOREACH v IN ARRAY ARRAY['flood_level_1h', 'rain_1h', 'bin_fill_1h', 'camera_traffic_1h', 'camera_detection_1h'] LOOP
      EXECUTE format($ddl$SELECT add_continuous_aggregate_policy(%L::regclass,
        start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes')$ddl$, v);
      EXECUTE format($ddl$SELECT add_retention_policy(%L::regclass, INTERVAL '5 years')$ddl$, v);
    END LOOP;
  ELSE
    CREATE TABLE flood_level_1m (
      bucket timestamptz NOT NULL, device_id text NOT NULL, kind text NOT NULL,
      level_avg double precision, level_min double precision, level_max double precision, samples bigint NOT NULL,
      PRIMARY KEY (bucket, device_id, kind)
    );
    CREATE TABLE flood_level_1h (LIKE flood_level_1m INCLUDING ALL);
    CREATE TABLE rain_1m (
      bucket timestamptz NOT NULL, device_id text NOT NULL,
      rain_mm double precision, samples bigint NOT NULL,
      PRIMARY KEY (bucket, device_id)
    );
    CREATE TABLE rain_1h (LIKE rain_1m INCLUDING ALL);
    CREATE TABLE bin_fill_1m (
      bucket timestamptz NOT NULL, device_id text NOT NULL,
      fill_avg double precision, fill_max double precision, temperature_max double precision, samples bigint NOT NULL,
      PRIMARY KEY (bucket, device_id)
    );
    CREATE TABLE bin_fill_1h (LIKE bin_fill_1m INCLUDING ALL);
    CREATE TABLE camera_traffic_1m (
      bucket timestamptz NOT NULL, device_id text NOT NULL,
      vehicles bigint, speed_avg double precision, samples bigint NOT NULL,
      PRIMARY KEY (bucket, device_id)
    );
    CREATE TABLE camera_traffic_1h (LIKE camera_traffic_1m INCLUDING ALL);
    CREATE TABLE camera_detection_1m (
      bucket timestamptz NOT NULL, device_id text NOT NULL, event_type text NOT NULL,
      detections bigint NOT NULL, confidence_avg double precision,
      PRIMARY KEY (bucket, device_id, event_type)
    );
    CREATE TABLE camera_detection_1h (LIKE camera_detection_1m INCLUDING ALL);
  END IF;
END $$;

-- Down Migration
DO $$
DECLARE
  v text;
BEGIN
  -- 1h first: on TimescaleDB they are built on the 1m aggregates.
  FOREACH v IN ARRAY ARRAY['flood_level_1h', 'rain_1h', 'bin_fill_1h', 'camera_traffic_1h', 'camera_detection_1h',
                           'flood_level_1m', 'rain_1m', 'bin_fill_1m', 'camera_traffic_1m', 'camera_detection_1m'] LOOP
    IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(v) AND relkind = 'v') THEN
      -- A continuous aggregate (its policies and materialization hypertable go with it).
      EXECUTE format('DROP MATERIALIZED VIEW %I', v);
    ELSIF to_regclass(v) IS NOT NULL THEN
      EXECUTE format('DROP TABLE %I', v);
    END IF;
  END LOOP;
END $$;
DROP TABLE IF EXISTS rollup_watermark;
