import { Inject, Injectable } from '@nestjs/common';
import type { Domain, MessageKind } from '@ioc/domain';
import { DATABASE, type Database } from './database';

/** The newest reading of a device, its non-null columns as camelCase values. */
export interface LatestReading {
  readonly deviceId: string;
  readonly kind: MessageKind;
  readonly time: Date;
  readonly values: Readonly<Record<string, unknown>>;
}

interface LatestRow {
  device_id: string;
  kind: MessageKind;
  time: Date;
  values: Record<string, unknown>;
}

// Per device, the index (device_id, time DESC) gives the newest row of each table directly.
const LATEST_BY_TABLE = [
  `SELECT d.id AS device_id, r.kind, r.time, jsonb_strip_nulls(to_jsonb(r) - 'time' - 'device_id' - 'kind') AS values
   FROM unnest($1::text[]) AS d(id)
   CROSS JOIN LATERAL (SELECT * FROM flood_reading t WHERE t.device_id = d.id ORDER BY t.time DESC LIMIT 1) r`,
  `SELECT d.id AS device_id, r.kind, r.time, jsonb_strip_nulls(to_jsonb(r) - 'time' - 'device_id' - 'kind') AS values
   FROM unnest($1::text[]) AS d(id)
   CROSS JOIN LATERAL (SELECT * FROM waste_reading t WHERE t.device_id = d.id ORDER BY t.time DESC LIMIT 1) r`,
  `SELECT d.id AS device_id, r.kind, r.time, jsonb_strip_nulls(to_jsonb(r) - 'time' - 'device_id' - 'kind') AS values
   FROM unnest($1::text[]) AS d(id)
   CROSS JOIN LATERAL (SELECT * FROM camera_event t WHERE t.device_id = d.id ORDER BY t.time DESC LIMIT 1) r`,
];

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** One stored reading of a device, its non-null columns as camelCase values. */
export type StoredReading = LatestReading;

// The reading table of each domain: constant names, never from input.
const HISTORY_BY_DOMAIN: Readonly<Record<Domain, string>> = Object.fromEntries(
  (
    [
      ['flood', 'flood_reading'],
      ['waste', 'waste_reading'],
      ['camera', 'camera_event'],
    ] as const
  ).map(([domain, table]) => [
    domain,
    `SELECT device_id, kind, time, jsonb_strip_nulls(to_jsonb(r) - 'time' - 'device_id' - 'kind') AS values
     FROM ${table} r WHERE device_id = $1 AND time >= $2 AND time < $3 ORDER BY time DESC LIMIT $4`,
  ]),
) as Record<Domain, string>;

@Injectable()
export class ReadingsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Latest reading per device across the reading tables; devices with no readings are absent from the map. */
  async latest(deviceIds: readonly string[]): Promise<Map<string, LatestReading>> {
    const out = new Map<string, LatestReading>();
    if (deviceIds.length === 0) return out;
    const ids = [...new Set(deviceIds)];
    // Sequential, not Promise.all: the embedded pool has a single connection anyway.
    for (const sql of LATEST_BY_TABLE) {
      const { rows } = await this.db.pool.query<LatestRow>(sql, [ids]);
      for (const r of rows) {
        const prev = out.get(r.device_id);
        if (prev && prev.time >= r.time) continue;
        const values = Object.fromEntries(Object.entries(r.values).map(([k, v]) => [camel(k), v]));
        out.set(r.device_id, { deviceId: r.device_id, kind: r.kind, time: r.time, values });
      }
    }
    return out;
  }

  /** A device's readings with from ≤ time < to, newest first, from the reading table of its domain. */
  async history(deviceId: string, domain: Domain, from: Date, to: Date, limit: number): Promise<StoredReading[]> {
    const sql = HISTORY_BY_DOMAIN[domain];
    if (!sql) throw new RangeError(`Unknown domain: ${String(domain)}`);
    const { rows } = await this.db.pool.query<LatestRow>(sql, [deviceId, from, to, limit]);
    return rows.map((r) => ({
      deviceId: r.device_id,
      kind: r.kind,
      time: r.time,
      values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [camel(k), v])),
    }));
  }
}
