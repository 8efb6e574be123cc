import { Inject, Injectable } from '@nestjs/common';
import { DOMAIN_OF_DEVICE_TYPE, type Device, type DeviceStatus, type DeviceType, type Domain } from '@ioc/domain';
import { DATABASE, type Database } from './database';
import { chunkBySize } from './statement-size';

/** A registry row to create or replace (seeds, provisioning). Omitted fields take their defaults. */
export interface DeviceUpsert {
  readonly id: string;
  readonly type: DeviceType;
  /** Defaults to the domain of the type. */
  readonly domain?: Domain;
  readonly name?: string | null;
  readonly lat?: number | null;
  readonly lon?: number | null;
  readonly wardCode?: string | null;
  readonly zoneId?: string | null;
  readonly status?: DeviceStatus;
  /** Defaults to true: upserted devices are the provisioned ones. */
  readonly provisioned?: boolean;
  readonly attrs?: Readonly<Record<string, unknown>>;
}

/** A device first heard of in a message, registered unprovisioned. */
export interface UnknownDevice {
  readonly id: string;
  readonly type: DeviceType;
  readonly domain?: Domain;
}

/** Optional filters of DeviceRepository.list; omitted ones match everything. */
export interface DeviceFilter {
  readonly types?: readonly DeviceType[];
  readonly domain?: Domain;
  readonly status?: DeviceStatus;
}

export interface LastSeenEntry {
  readonly deviceId: string;
  readonly lastSeen: Date;
}

interface DeviceRow {
  id: string;
  type: DeviceType;
  domain: Domain;
  name: string | null;
  lat: number | null;
  lon: number | null;
  ward_code: string | null;
  zone_id: string | null;
  status: DeviceStatus;
  provisioned: boolean;
  attrs: Record<string, unknown>;
  created_at: Date;
  last_seen_at: Date | null;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  type: r.type,
  domain: r.domain,
  name: r.name,
  lat: r.lat,
  lon: r.lon,
  wardCode: r.ward_code,
  zoneId: r.zone_id,
  status: r.status,
  provisioned: r.provisioned,
  attrs: r.attrs,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
});

const SELECT_DEVICE = `
  SELECT id, type, domain, name, lat, lon, ward_code, zone_id, status, provisioned, attrs, created_at, last_seen_at
  FROM device`;

@Injectable()
export class DeviceRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findAll(): Promise<Device[]> {
    const { rows } = await this.db.pool.query<DeviceRow>(`${SELECT_DEVICE} ORDER BY id`);
    return rows.map(toDevice);
  }

  async list(f: DeviceFilter): Promise<Device[]> {
    const { rows } = await this.db.pool.query<DeviceRow>(
      `${SELECT_DEVICE}
       WHERE ($1::text[] IS NULL OR type = ANY($1)) AND ($2::text IS NULL OR domain = $2) AND ($3::text IS NULL OR status = $3)
       ORDER BY id`,
      [f.types ? [...f.types] : null, f.domain ?? null, f.status ?? null],
    );
    return rows.map(toDevice);
  }

  async findById(id: string): Promise<Device | null> {
    const { rows } = await this.db.pool.query<DeviceRow>(`${SELECT_DEVICE} WHERE id = $1`, [id]);
    return rows[0] ? toDevice(rows[0]) : null;
  }

  /** Creates or replaces registry rows (one statement per chunk); created_at and last_seen_at are kept. Returns rows written. */
  async upsertMany(all: readonly DeviceUpsert[]): Promise<number> {
    let written = 0;
    for (const devices of chunkBySize(
      all,
      (d) => d.id.length + JSON.stringify(d.attrs ?? {}).length + (d.name?.length ?? 0) * 3 + 120,
      this.db.maxStatementBytes,
    )) {
      written += await this.upsertChunk(devices);
    }
    return written;
  }

  private async upsertChunk(devices: readonly DeviceUpsert[]): Promise<number> {
    const { rowCount } = await this.db.pool.query(
      `INSERT INTO device (id, type, domain, name, lat, lon, ward_code, zone_id, status, provisioned, attrs)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[],
                            $7::text[], $8::text[], $9::text[], $10::boolean[], $11::jsonb[])
       ON CONFLICT (id) DO UPDATE SET
         type = EXCLUDED.type, domain = EXCLUDED.domain, name = EXCLUDED.name, lat = EXCLUDED.lat, lon = EXCLUDED.lon,
         ward_code = EXCLUDED.ward_code, zone_id = EXCLUDED.zone_id, status = EXCLUDED.status,
         provisioned = EXCLUDED.provisioned, attrs = EXCLUDED.attrs`,
      [
        devices.map((d) => d.id),
        devices.map((d) => d.type),
        devices.map((d) => d.domain ?? DOMAIN_OF_DEVICE_TYPE[d.type]),
        devices.map((d) => d.name ?? null),
        devices.map((d) => d.lat ?? null),
        devices.map((d) => d.lon ?? null),
        devices.map((d) => d.wardCode ?? null),
        devices.map((d) => d.zoneId ?? null),
        devices.map((d) => d.status ?? 'active'),
        devices.map((d) => d.provisioned ?? true),
        devices.map((d) => JSON.stringify(d.attrs ?? {})),
      ],
    );
    return rowCount ?? 0;
  }

  /** Registers devices first heard of in messages (provisioned = false); existing ids are left alone. Returns the ids inserted. */
  async registerUnknown(all: readonly UnknownDevice[]): Promise<string[]> {
    const inserted: string[] = [];
    for (const devices of chunkBySize(all, (d) => d.id.length + 48, this.db.maxStatementBytes)) {
      inserted.push(...(await this.registerChunk(devices)));
    }
    return inserted;
  }

  private async registerChunk(devices: readonly UnknownDevice[]): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ id: string }>(
      `INSERT INTO device (id, type, domain, provisioned)
       SELECT id, type, domain, false FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, type, domain)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        devices.map((d) => d.id),
        devices.map((d) => d.type),
        devices.map((d) => d.domain ?? DOMAIN_OF_DEVICE_TYPE[d.type]),
      ],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Moves last_seen_at forward (never back: late or replayed messages carry old times), in one statement per chunk.
   * Rows are locked in id order so two ingest processes flushing overlapping sets cannot deadlock.
   */
  async touchLastSeen(all: readonly LastSeenEntry[]): Promise<number> {
    // Chunks in id order keep the lock order global when the database makes us split.
    const sorted = [...all].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    let touched = 0;
    for (const entries of chunkBySize(sorted, (e) => e.deviceId.length + 40, this.db.maxStatementBytes)) {
      touched += await this.touchChunk(entries);
    }
    return touched;
  }

  private async touchChunk(entries: readonly LastSeenEntry[]): Promise<number> {
    const { rowCount } = await this.db.pool.query(
      `WITH seen AS (
         SELECT id, max(ts) AS last_seen FROM unnest($1::text[], $2::timestamptz[]) AS u(id, ts) GROUP BY id
       ), locked AS (
         SELECT d.id FROM device d JOIN seen s ON s.id = d.id
         WHERE d.last_seen_at IS NULL OR d.last_seen_at < s.last_seen
         ORDER BY d.id
         FOR UPDATE OF d
       )
       UPDATE device d SET last_seen_at = GREATEST(d.last_seen_at, s.last_seen)
       FROM seen s JOIN locked l ON l.id = s.id
       WHERE d.id = s.id`,
      [entries.map((e) => e.deviceId), entries.map((e) => e.lastSeen)],
    );
    return rowCount ?? 0;
  }
}
