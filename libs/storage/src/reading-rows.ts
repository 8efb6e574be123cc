import type { DeviceMessage } from '@ioc/domain';

/**
 * Pure mapping of validated messages to the columns of the per-domain tables. Each table is written from
 * column arrays (one array per column) so a whole batch is one `INSERT ... SELECT FROM unnest(...)`.
 */
type Column = unknown[];
type Body = Record<string, unknown>;

const num = (b: Body, k: string): number | null => (typeof b[k] === 'number' ? (b[k] as number) : null);
const str = (b: Body, k: string): string | null => (typeof b[k] === 'string' ? (b[k] as string) : null);
const bool = (b: Body, k: string): boolean | null => (typeof b[k] === 'boolean' ? (b[k] as boolean) : null);

export interface TableColumns {
  readonly table: 'flood_reading' | 'waste_reading' | 'camera_event';
  readonly columns: readonly string[];
  readonly types: readonly string[];
  readonly extract: (m: DeviceMessage) => unknown[];
}

const head = (m: DeviceMessage) => [m.ts, m.deviceId, m.kind];

export const FLOOD_COLUMNS: TableColumns = {
  table: 'flood_reading',
  columns: ['time', 'device_id', 'kind', 'level_cm', 'rain_mm', 'interval_s', 'status', 'flow_m3h', 'opening_pct', 'battery_pct'],
  types: ['timestamptz', 'text', 'text', 'float8', 'float8', 'int4', 'text', 'float8', 'float8', 'float8'],
  extract: (m) => {
    const b = m.body as Body;
    return [...head(m), num(b, 'levelCm'), num(b, 'rainMm'), num(b, 'intervalS'), str(b, 'status'), num(b, 'flowM3h'), num(b, 'openingPct'), num(b, 'batteryPct')];
  },
};

export const WASTE_COLUMNS: TableColumns = {
  table: 'waste_reading',
  columns: ['time', 'device_id', 'kind', 'fill_pct', 'temperature_c', 'tilt_deg', 'battery_pct', 'lat', 'lon', 'speed_kmh', 'heading_deg', 'route_id', 'progress_pct', 'bin_id', 'weight_kg'],
  types: ['timestamptz', 'text', 'text', 'float8', 'float8', 'float8', 'float8', 'float8', 'float8', 'float8', 'float8', 'text', 'float8', 'text', 'float8'],
  extract: (m) => {
    const b = m.body as Body;
    return [
      ...head(m), num(b, 'fillPct'), num(b, 'temperatureC'), num(b, 'tiltDeg'), num(b, 'batteryPct'), num(b, 'lat'), num(b, 'lon'),
      num(b, 'speedKmh'), num(b, 'headingDeg'), str(b, 'routeId'), num(b, 'progressPct'), str(b, 'binId'), num(b, 'weightKg'),
    ];
  },
};

interface Lane {
  vehicleCount: number;
  avgSpeedKmh: number;
}

/** Totals over lanes: vehicles summed, speed weighted by vehicles (plain mean when no vehicle passed). */
export function laneTotals(lanes: readonly Lane[]): { vehicles: number; avgSpeedKmh: number | null } {
  if (lanes.length === 0) return { vehicles: 0, avgSpeedKmh: null };
  const vehicles = lanes.reduce((s, l) => s + l.vehicleCount, 0);
  const avg = vehicles > 0
    ? lanes.reduce((s, l) => s + l.avgSpeedKmh * l.vehicleCount, 0) / vehicles
    : lanes.reduce((s, l) => s + l.avgSpeedKmh, 0) / lanes.length;
  return { vehicles, avgSpeedKmh: avg };
}

export const CAMERA_COLUMNS: TableColumns = {
  table: 'camera_event',
  columns: ['time', 'device_id', 'kind', 'event_type', 'confidence', 'model_version', 'snapshot_ref', 'count', 'density_per_m2', 'vehicle_count', 'avg_speed_kmh', 'congestion', 'interval_s', 'lanes', 'online', 'tampered', 'fps'],
  types: ['timestamptz', 'text', 'text', 'text', 'float8', 'text', 'text', 'int4', 'float8', 'int4', 'float8', 'text', 'int4', 'jsonb', 'bool', 'bool', 'float8'],
  extract: (m) => {
    const b = m.body as Body;
    const lanes = Array.isArray(b.lanes) ? (b.lanes as Lane[]) : null;
    const totals = lanes ? laneTotals(lanes) : null;
    return [
      ...head(m), str(b, 'eventType'), num(b, 'confidence'), str(b, 'modelVersion'), str(b, 'snapshotRef'), num(b, 'count'),
      num(b, 'densityPerM2'), totals?.vehicles ?? null, totals?.avgSpeedKmh ?? null, str(b, 'congestion'), num(b, 'intervalS'),
      lanes ? JSON.stringify(lanes) : null, bool(b, 'online'), bool(b, 'tampered'), num(b, 'fps'),
    ];
  },
};

export const DOMAIN_TABLES = { flood: FLOOD_COLUMNS, waste: WASTE_COLUMNS, camera: CAMERA_COLUMNS } as const;

/** Transposes rows into one array per column, the shape `unnest($1::type[], $2::type[], ...)` takes. */
export function toColumnArrays(spec: TableColumns, messages: readonly DeviceMessage[]): Column[] {
  const columns: Column[] = spec.columns.map(() => new Array(messages.length));
  messages.forEach((m, i) => {
    const row = spec.extract(m);
    for (let c = 0; c < row.length; c++) columns[c][i] = row[c];
  });
  return columns;
}

/** `INSERT INTO t (a, b) SELECT * FROM unnest($1::x[], $2::y[])` for a table spec: fixed text, values as parameters. */
export function unnestInsertSql(spec: TableColumns): string {
  const params = spec.types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  return `INSERT INTO ${spec.table} (${spec.columns.join(', ')}) SELECT * FROM unnest(${params})`;
}
