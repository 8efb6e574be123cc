import type { RollupName } from './rollups';

/**
 * Plain-PostgreSQL refresh of the rollups over [$1, $2) (an hour-aligned window): the same expressions as the
 * continuous aggregates in the rollups migration, so both paths return the same numbers. Upserts only: a bucket
 * recomputed from complete input is final, and buckets whose input aged out are left to retention.
 * date_bin with a fixed origin, not date_trunc, so buckets do not depend on the session time zone.
 */
const BUCKET_1M = `date_bin(INTERVAL '1 minute', time, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
const BUCKET_1H = `date_bin(INTERVAL '1 hour', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

export const PLAIN_ROLLUP_REFRESH: Readonly<Record<RollupName, string>> = {
  flood_level_1m: `
    INSERT INTO flood_level_1m (bucket, device_id, kind, level_avg, level_min, level_max, samples)
    SELECT ${BUCKET_1M}, device_id, kind, avg(level_cm), min(level_cm), max(level_cm), count(*)
    FROM flood_reading
    WHERE level_cm IS NOT NULL AND time >= $1 AND time < $2
    GROUP BY 1, 2, 3
    ON CONFLICT (bucket, device_id, kind) DO UPDATE SET
      level_avg = EXCLUDED.level_avg, level_min = EXCLUDED.level_min, level_max = EXCLUDED.level_max, samples = EXCLUDED.samples`,
  rain_1m: `
    INSERT INTO rain_1m (bucket, device_id, rain_mm, samples)
    SELECT ${BUCKET_1M}, device_id, sum(rain_mm), count(*)
    FROM flood_reading
    WHERE rain_mm IS NOT NULL AND time >= $1 AND time < $2
    GROUP BY 1, 2
    ON CONFLICT (bucket, device_id) DO UPDATE SET rain_mm = EXCLUDED.rain_mm, samples = EXCLUDED.samples`,
  bin_fill_1m: `
    INSERT INTO bin_fill_1m (bucket, device_id, fill_avg, fill_max, temperature_max, samples)
    SELECT ${BUCKET_1M}, device_id, avg(fill_pct), max(fill_pct), max(temperature_c), count(*)
    FROM waste_reading
    WHERE kind = 'bin-fill' AND fill_pct IS NOT NULL AND time >= $1 AND time < $2
    GROUP BY 1, 2
    ON CONFLICT (bucket, device_id) DO UPDATE SET
      fill_avg = EXCLUDED.fill_avg, fill_max = EXCLUDED.fill_max, temperature_max = EXCLUDED.temperature_max, samples = EXCLUDED.samples`,
  camera_traffic_1m: `
    INSERT INTO camera_traffic_1m (bucket, device_id, vehicles, speed_avg, samples)
    SELECT ${BUCKET_1M}, device_id, sum(vehicle_count), avg(avg_speed_kmh), count(*)
    FROM camera_event
    WHERE kind = 'camera-traffic' AND time >= $1 AND time < $2
    GROUP BY 1, 2
    ON CONFLICT (bucket, device_id) DO UPDATE SET
      vehicles = EXCLUDED.vehicles, speed_avg = EXCLUDED.speed_avg, samples = EXCLUDED.samples`,
  camera_detection_1m: `
    INSERT INTO camera_detection_1m (bucket, device_id, event_type, detections, confidence_avg)
    SELECT ${BUCKET_1M}, device_id, event_type, count(*), avg(confidence)
    FROM camera_event
    WHERE kind = 'camera-detection' AND event_type IS NOT NULL AND time >= $1 AND time < $2
    GROUP BY 1, 2, 3
    ON CONFLICT (bucket, device_id, event_type) DO UPDATE SET
      detections = EXCLUDED.detections, confidence_avg = EXCLUDED.confidence_avg`,
  flood_level_1h: `
    INSERT INTO flood_level_1h (bucket, device_id, kind, level_avg, level_min, level_max, samples)
    SELECT ${BUCKET_1H}, device_id, kind,
           sum(level_avg * samples) / sum(samples)::double precision, min(level_min), max(level_max), sum(samples)::bigint
    FROM flood_level_1m
    WHERE bucket >= $1 AND bucket < $2
    GROUP BY 1, 2, 3
    ON CONFLICT (bucket, device_id, kind) DO UPDATE SET
      level_avg = EXCLUDED.level_avg, level_min = EXCLUDED.level_min, level_max = EXCLUDED.level_max, samples = EXCLUDED.samples`,
  rain_1h: `
    INSERT INTO rain_1h (bucket, device_id, rain_mm, samples)
    SELECT ${BUCKET_1H}, device_id, sum(rain_mm), sum(samples)::bigint
    FROM rain_1m
    WHERE bucket >= $1 AND bucket < $2
    GROUP BY 1, 2
    ON CONFLICT (bucket, device_id) DO UPDATE SET rain_mm = EXCLUDED.rain_mm, samples = EXCLUDED.samples`,
  bin_fill_1h: `
    INSERT INTO bin_fill_1h (bucket, device_id, fill_avg, fill_max, temperature_max, samples)
    SELECT ${BUCKET_1H}, device_id,
           sum(fill_avg * samples) / sum(samples)::double precision, max(fill_max), max(temperature_max), sum(samples)::bigint
    FROM bin_fill_1m
    WHERE bucket >= $1 AND bucket < $2
    GROUP BY 1, 2
    ON CONFLICT (bucket, device_id) DO UPDATE SET
      fill_avg = EXCLUDED.fill_avg, fill_max = EXCLUDED.fill_max, temperature_max = EXCLUDED.temperature_max, samples = EXCLUDED.samples`,
  camera_traffic_1h: `
    INSERT INTO camera_traffic_1h (bucket, device_id, vehicles, speed_avg, samples)
    SELECT ${BUCKET_1H}, device_id,
           sum(vehicles)::bigint, sum(speed_avg * samples) / sum(samples)::double precision, sum(samples)::bigint
    FROM camera_traffic_1m
    WHERE bucket >= $1 AND bucket < $2
    GROUP BY 1, 2
    ON CONFLICT (bucket, device_id) DO UPDATE SET
      vehicles = EXCLUDED.vehicles, speed_avg = EXCLUDED.speed_avg, samples = EXCLUDED.samples`,
  camera_detection_1h: `
    INSERT INTO camera_detection_1h (bucket, device_id, event_type, detections, confidence_avg)
    SELECT ${BUCKET_1H}, device_id, event_type,
           sum(detections)::bigint, sum(confidence_avg * detections) / sum(detections)::double precision
    FROM camera_detection_1m
    WHERE bucket >= $1 AND bucket < $2
    GROUP BY 1, 2, 3
    ON CONFLICT (bucket, device_id, event_type) DO UPDATE SET
      detections = EXCLUDED.detections, confidence_avg = EXCLUDED.confidence_avg`,
};

/** Plain-path retention, $1 = now (TimescaleDB does the same with drop_chunks policies). */
export const PLAIN_RETENTION: ReadonlyArray<{ readonly table: string; readonly sql: string }> = [
  { table: 'raw_message', sql: `DELETE FROM raw_message WHERE time < $1::timestamptz - INTERVAL '90 days'` },
  { table: 'flood_reading', sql: `DELETE FROM flood_reading WHERE time < $1::timestamptz - INTERVAL '400 days'` },
  { table: 'waste_reading', sql: `DELETE FROM waste_reading WHERE time < $1::timestamptz - INTERVAL '400 days'` },
  { table: 'camera_event', sql: `DELETE FROM camera_event WHERE time < $1::timestamptz - INTERVAL '400 days'` },
  { table: 'flood_level_1m', sql: `DELETE FROM flood_level_1m WHERE bucket < $1::timestamptz - INTERVAL '90 days'` },
  { table: 'rain_1m', sql: `DELETE FROM rain_1m WHERE bucket < $1::timestamptz - INTERVAL '90 days'` },
  { table: 'bin_fill_1m', sql: `DELETE FROM bin_fill_1m WHERE bucket < $1::timestamptz - INTERVAL '90 days'` },
  {
    table: 'camera_traffic_1m',
    sql: `DELETE FROM camera_traffic_1m WHERE bucket < $1::timestamptz - INTERVAL '90 days'`,
  },
  {
    table: 'camera_detection_1m',
    sql: `DELETE FROM camera_detection_1m WHERE bucket < $1::timestamptz - INTERVAL '90 days'`,
  },
  { table: 'flood_level_1h', sql: `DELETE FROM flood_level_1h WHERE bucket < $1::timestamptz - INTERVAL '5 years'` },
  { table: 'rain_1h', sql: `DELETE FROM rain_1h WHERE bucket < $1::timestamptz - INTERVAL '5 years'` },
  { table: 'bin_fill_1h', sql: `DELETE FROM bin_fill_1h WHERE bucket < $1::timestamptz - INTERVAL '5 years'` },
  {
    table: 'camera_traffic_1h',
    sql: `DELETE FROM camera_traffic_1h WHERE bucket < $1::timestamptz - INTERVAL '5 years'`,
  },
  {
    table: 'camera_detection_1h',
    sql: `DELETE FROM camera_detection_1h WHERE bucket < $1::timestamptz - INTERVAL '5 years'`,
  },
];

/** Quarantine is a plain table on both paths, so its retention is always ours. */
export const QUARANTINE_RETENTION_SQL = `DELETE FROM quarantine WHERE received_at < $1::timestamptz - INTERVAL '90 days'`;
