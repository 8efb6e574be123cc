import type { Pool, PoolClient } from 'pg';
import { encodeDeviceMessages } from '@ioc/contracts';
import { kindsOf, type DeviceMessage, type DeviceType, type Domain, type QuarantinedMessage } from '@ioc/domain';
import type { Database } from './database';
import { chunkBySize, namedStatementsFor, statement } from './statement-size';

export interface NewDevice {
  readonly id: string;
  readonly type: DeviceType;
  readonly domain: Domain;
}

export interface IngestBatch {
  readonly accepted: readonly DeviceMessage[];
  readonly quarantined: readonly QuarantinedMessage[];
  /** Devices seen for the first time, registered automatically (provisioned = false) just before the batch's transaction. */
  readonly newDevices: readonly NewDevice[];
}

export interface IngestCommitResult {
  /** The accepted messages that were new; the others were already stored (redelivery or resend). */
  readonly stored: DeviceMessage[];
  readonly duplicates: number;
  /**
   * The stored messages in the device-message wire form, when the write already had that text: every accepted
   * message was new and went in one statement. Saves the event stream encoding the batch a second time.
   */
  readonly storedWire?: string;
}

/**
 * The whole write of accepted messages in one statement. The batch arrives as one JSON document in the device-message
 * wire form (the text the event stream carries too): serialising it is one string join, where per-column arrays cost
 * an escape per element. `raw_message` takes every message once (idempotent on device, message id and time); only the
 * rows it actually inserted go on to the per-domain tables, their columns read from the stored body. A camera's lanes
 * are totalled: vehicles summed, speed weighted by vehicles (the plain mean when no vehicle passed).
 * Returns how many were new and, only when some were not, which ones.
 */
const ACCEPTED_INSERT = `
  WITH m AS (
    SELECT * FROM json_to_recordset($1::json) AS m(ts timestamptz, "deviceId" text, "msgId" text, kind text,
                                                    "receivedAt" timestamptz, topic text, "gatewayId" text, body jsonb)
  ), raw AS (
    INSERT INTO raw_message (time, device_id, msg_id, kind, received_at, topic, gateway_id, body)
    SELECT ts, "deviceId", "msgId", kind, "receivedAt", topic, "gatewayId", body FROM m
    ON CONFLICT (time, device_id, msg_id) DO NOTHING
    RETURNING time, device_id, msg_id, kind, body
  ), flood AS (
    INSERT INTO flood_reading (time, device_id, kind, level_cm, rain_mm, interval_s, status, flow_m3h, opening_pct, battery_pct)
    SELECT time, device_id, kind, (body->>'levelCm')::float8, (body->>'rainMm')::float8, (body->>'intervalS')::numeric::int4,
           body->>'status', (body->>'flowM3h')::float8, (body->>'openingPct')::float8, (body->>'batteryPct')::float8
    FROM raw WHERE kind = ANY($2::text[])
  ), waste AS (
    INSERT INTO waste_reading (time, device_id, kind, fill_pct, temperature_c, tilt_deg, battery_pct, lat, lon, speed_kmh,
                               heading_deg, route_id, progress_pct, bin_id, weight_kg)
    SELECT time, device_id, kind, (body->>'fillPct')::float8, (body->>'temperatureC')::float8, (body->>'tiltDeg')::float8,
           (body->>'batteryPct')::float8, (body->>'lat')::float8, (body->>'lon')::float8, (body->>'speedKmh')::float8,
           (body->>'headingDeg')::float8, body->>'routeId', (body->>'progressPct')::float8, body->>'binId', (body->>'weightKg')::float8
    FROM raw WHERE kind = ANY($3::text[])
  ), camera AS (
    INSERT INTO camera_event (time, device_id, kind, event_type, confidence, model_version, snapshot_ref, count, density_per_m2,
                              vehicle_count, avg_speed_kmh, congestion, interval_s, lanes, online, tampered, fps)
    SELECT r.time, r.device_id, r.kind, r.body->>'eventType', (r.body->>'confidence')::float8, r.body->>'modelVersion',
           r.body->>'snapshotRef', (r.body->>'count')::numeric::int4, (r.body->>'densityPerM2')::float8,
           CASE WHEN l.has_lanes THEN coalesce(l.vehicles, 0)::int4 END, l.avg_speed, r.body->>'congestion',
           (r.body->>'intervalS')::numeric::int4, CASE WHEN l.has_lanes THEN r.body->'lanes' END,
           (r.body->>'online')::boolean, (r.body->>'tampered')::boolean, (r.body->>'fps')::float8
    FROM raw r
    CROSS JOIN LATERAL (
      SELECT jsonb_typeof(r.body->'lanes') = 'array' AS has_lanes, sum(vc) AS vehicles,
             CASE WHEN sum(vc) > 0 THEN sum(sp * vc) / sum(vc) ELSE avg(sp) END AS avg_speed
      FROM (SELECT (x->>'vehicleCount')::float8 AS vc, (x->>'avgSpeedKmh')::float8 AS sp
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.body->'lanes') = 'array' THEN r.body->'lanes' ELSE '[]'::jsonb END) x) lane
    ) l
    WHERE r.kind = ANY($4::text[])
  ), stored AS (SELECT count(*)::int AS n FROM raw)
  SELECT n AS stored,
         CASE WHEN n < (SELECT count(*) FROM m)
              THEN (SELECT coalesce(json_agg(json_build_array(device_id, msg_id, floor(extract(epoch FROM time) * 1000))), '[]')::text FROM raw)
         END AS keys
  FROM stored`;

/** $2, $3, $4 of ACCEPTED_INSERT: the kinds each domain table takes. */
const DOMAIN_KINDS = [kindsOf('flood'), kindsOf('waste'), kindsOf('camera')];

const QUARANTINE_INSERT = `
  INSERT INTO quarantine (received_at, topic, payload, code, reason, device_id, msg_id, gateway_id, details)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
  RETURNING id`;

const DEVICE_REGISTER = `
  INSERT INTO device (id, type, domain, provisioned)
  SELECT id, type, domain, false FROM unnest($1::text[], $2::text[], $3::text[]) AS d(id, type, domain)
  ON CONFLICT (id) DO NOTHING`;

const key = (deviceId: string, msgId: string, epochMs: number) => `${deviceId}\u0000${msgId}\u0000${epochMs}`;

/**
 * The ingest write path: one transaction per batch. The raw insert is idempotent on (time, device_id, msg_id), and only
 * the rows it actually inserted go on to the per-domain tables, so a redelivered message is stored exactly once.
 */
export interface IngestRepositoryOptions {
  /**
   * Largest parameter payload of one statement (Database.maxStatementBytes): past it a batch is written as several
   * statements in the same transaction, and a large quarantined payload is appended in pieces. Undefined: no limit.
   */
  readonly maxStatementBytes?: number;
  /** Named (server-side prepared) statements; off where successive connections share one session (PGlite). */
  readonly namedStatements?: boolean;
}

/** The options the database needs: its statement-size limit, and no named statements where one session is shared. */
export function ingestRepositoryOptionsFor(
  db: Pick<Database, 'embedded' | 'maxStatementBytes'>,
): IngestRepositoryOptions {
  return { maxStatementBytes: db.maxStatementBytes, namedStatements: namedStatementsFor(db) };
}

const QUARANTINE_APPEND = `UPDATE quarantine SET payload = payload || $2::bytea WHERE id = $1`;

export class IngestRepository {
  constructor(
    private readonly pool: Pool,
    private readonly options: IngestRepositoryOptions = {},
  ) {}

  private stmt(name: string, text: string, values: unknown[]) {
    return statement(this.options.namedStatements !== false, name, text, values);
  }

  async commit(batch: IngestBatch): Promise<IngestCommitResult> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      if (batch.newDevices.length > 0) await this.register(client, batch.newDevices);
      const chunks = this.acceptedChunks(batch);
      // The usual batch (accepted messages only, within one statement's limit) is one statement, a transaction by
      // itself: no BEGIN and COMMIT round trips.
      if (chunks.length <= 1 && batch.quarantined.length === 0) return await this.write(client, batch, chunks);
      await client.query('BEGIN');
      const result = await this.write(client, batch, chunks);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // Outside a transaction ROLLBACK only warns: either way it tells whether the connection can be reused.
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** Message bodies are bounded by the contract (a few KiB), so every chunk holds at least one message. */
  private acceptedChunks(batch: IngestBatch): DeviceMessage[][] {
    return chunkBySize(batch.accepted, (m) => m.bodyJson.length + m.topic.length + 160, this.options.maxStatementBytes);
  }

  /**
   * Devices heard from for the first time, registered in a short transaction of their own ahead of the batch: a device
   * that first reports in several batches at once (every device of a fleet coming up) makes each concurrent
   * registration wait for the one that inserted it first, and that wait must last a row insert, not a whole batch
   * commit. Sorted by id, so two registrations that overlap take their row locks in the same order (no deadlock).
   * A registration whose batch then fails stays: the device did report.
   */
  private async register(client: PoolClient, devices: readonly NewDevice[]): Promise<void> {
    const unique = [...new Map(devices.map((d) => [d.id, d])).values()].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    for (const d of chunkBySize(unique, (x) => x.id.length + 40, this.options.maxStatementBytes)) {
      await client.query(
        this.stmt('ioc_device_register', DEVICE_REGISTER, [
          d.map((x) => x.id),
          d.map((x) => x.type),
          d.map((x) => x.domain),
        ]),
      );
    }
  }

  private async write(
    client: PoolClient,
    batch: IngestBatch,
    chunks: readonly DeviceMessage[][],
  ): Promise<IngestCommitResult> {
    const limit = this.options.maxStatementBytes;
    const stored: DeviceMessage[] = [];
    let storedWire: string | undefined;
    for (const a of chunks) {
      const written = await this.writeAccepted(client, a);
      stored.push(...written.stored);
      if (chunks.length === 1 && written.stored.length === a.length) storedWire = written.wire;
    }
    for (const q of chunkBySize(
      batch.quarantined,
      (x) => Math.min(x.payload.length * 2, limit ?? Infinity) + x.reason.length + 200,
      limit,
    )) {
      await this.writeQuarantined(client, q, limit);
    }
    return {
      stored,
      duplicates: batch.accepted.length - stored.length,
      ...(storedWire === undefined ? {} : { storedWire }),
    };
  }

  private async writeAccepted(
    client: PoolClient,
    a: readonly DeviceMessage[],
  ): Promise<{ stored: DeviceMessage[]; wire: string }> {
    const wire = encodeDeviceMessages(a);
    const { rows } = await client.query<{ stored: number; keys: string | null }>(
      this.stmt('ioc_accepted_insert', ACCEPTED_INSERT, [wire, ...DOMAIN_KINDS]),
    );
    if (rows[0].keys === null) return { stored: [...a], wire };
    const fresh = new Set(
      (JSON.parse(rows[0].keys) as Array<[string, string, number]>).map(([d, m, t]) => key(d, m, t)),
    );
    // The same message twice in one batch: the first copy takes the key, later ones are duplicates.
    return { stored: a.filter((m) => fresh.delete(key(m.deviceId, m.msgId, m.ts.getTime()))), wire };
  }

  private async writeQuarantined(
    client: PoolClient,
    q: readonly QuarantinedMessage[],
    limit: number | undefined,
  ): Promise<void> {
    // Hex doubles the bytes on the wire: a payload past half the limit is inserted empty, then appended in pieces.
    const piece = limit ? Math.floor(limit / 2) - 1024 : Infinity;
    const small = q.filter((x) => x.payload.length <= piece);
    if (small.length) await this.insertQuarantine(client, small);
    for (const large of q.filter((x) => x.payload.length > piece)) {
      const { rows } = await this.insertQuarantine(client, [{ ...large, payload: Buffer.alloc(0) }]);
      for (let at = 0; at < large.payload.length; at += piece) {
        await client.query(
          this.stmt('ioc_quarantine_append', QUARANTINE_APPEND, [rows[0].id, large.payload.subarray(at, at + piece)]),
        );
      }
    }
  }

  private insertQuarantine(client: PoolClient, q: readonly QuarantinedMessage[]) {
    return client.query<{ id: string }>(
      this.stmt('ioc_quarantine_insert', QUARANTINE_INSERT, [
        q.map((x) => x.receivedAt),
        q.map((x) => x.topic),
        q.map((x) => x.payload),
        q.map((x) => x.code),
        q.map((x) => x.reason),
        q.map((x) => x.deviceId ?? null),
        q.map((x) => x.msgId ?? null),
        q.map((x) => x.gatewayId ?? null),
        q.map((x) => (x.details ? JSON.stringify(x.details) : null)),
      ]),
    );
  }
}
