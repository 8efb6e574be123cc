/**
 * The chart rollups: one whitelist of names and columns shared by the migrations' two paths,
 * TimeseriesRepository (which only ever puts these constant names into SQL) and the plain-path refresh.
 */
export const ROLLUP_NAMES = [
  'flood_level_1m',
  'flood_level_1h',
  'rain_1m',
  'rain_1h',
  'bin_fill_1m',
  'bin_fill_1h',
  'camera_traffic_1m',
  'camera_traffic_1h',
  'camera_detection_1m',
  'camera_detection_1h',
] as const;
export type RollupName = (typeof ROLLUP_NAMES)[number];

export const ROLLUPS_1M = ROLLUP_NAMES.filter((n) => n.endsWith('_1m'));
export const ROLLUPS_1H = ROLLUP_NAMES.filter((n) => n.endsWith('_1h'));

type ColumnType = 'text' | 'number' | 'count';
interface RollupColumn {
  readonly column: string;
  readonly field: string;
  readonly type: ColumnType;
}
const col = (column: string, type: ColumnType): RollupColumn => ({
  column,
  field: column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  type,
});

const FAMILY_COLUMNS = {
  flood_level: [
    col('kind', 'text'),
    col('level_avg', 'number'),
    col('level_min', 'number'),
    col('level_max', 'number'),
    col('samples', 'count'),
  ],
  rain: [col('rain_mm', 'number'), col('samples', 'count')],
  bin_fill: [
    col('fill_avg', 'number'),
    col('fill_max', 'number'),
    col('temperature_max', 'number'),
    col('samples', 'count'),
  ],
  camera_traffic: [col('vehicles', 'count'), col('speed_avg', 'number'), col('samples', 'count')],
  camera_detection: [col('event_type', 'text'), col('detections', 'count'), col('confidence_avg', 'number')],
} as const satisfies Record<string, readonly RollupColumn[]>;

export function isRollupName(value: string): value is RollupName {
  return (ROLLUP_NAMES as readonly string[]).includes(value);
}

/** Value columns (after bucket and device_id) of a rollup. */
export function rollupColumns(name: RollupName): readonly RollupColumn[] {
  return FAMILY_COLUMNS[name.slice(0, -3) as keyof typeof FAMILY_COLUMNS];
}

/** One chart point; counts arrive from pg as bigint strings and are returned as numbers. */
export interface RollupRow {
  readonly bucket: Date;
  readonly deviceId: string;
  readonly [field: string]: Date | string | number | null;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Widens [from, to) outwards to whole hours, so every 1m and 1h bucket it touches is recomputed complete. */
export function alignWindow(from: Date, to: Date, stepMs = HOUR_MS): { from: Date; to: Date } {
  const start = Math.floor(from.getTime() / stepMs) * stepMs;
  const end = Math.max(Math.ceil(to.getTime() / stepMs) * stepMs, start + stepMs);
  return { from: new Date(start), to: new Date(end) };
}
