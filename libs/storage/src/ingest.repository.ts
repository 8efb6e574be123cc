import type { Pool, PoolClient } from 'pg';
import type { DeviceMessage, DeviceType, Domain, QuarantinedMessage } from '@ioc/domain';
import { DOMAIN_TABLES, toColumnArrays, unnestInsertSql } from './reading-rows';
import type { Database } from './database';
import { chunkBySize } from './statement-size';

export interface NewDevice {
  readonly id: string;
  readonly type: DeviceType;
  readonly domain: Domain;
}

export interface IngestBatch {
  readonly accepted: readonly DeviceMessage[];
  readonly quarantined: readonly QuarantinedMessage[];
  /** Devices seen for the first time, registered automatically (provisioned = false) in the same transaction. */
  readonly newDevices: readonly NewDevice[];
}

export interface IngestCommitResult {
  /** The accepted messages that were new; the others were already stored (redelivery or resend). */
  readonly stored: DeviceMessage[];
  readonly duplicates: number;
}

const RAW_INSERT = `
  INSERT INTO raw_message (time, device_id, msg_id, kind, received_at, topic, gateway_id, body)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::jsonb[])
  ON CONFLICT (device_id, msg_id, time) DO NOTHING
  RETURNING device_id, msg_id, time`;

const QUARANTINE_INSERT = `
  INSERT INTO quarantine (received_at, topic, payload, code, reason, device_id, msg_id, gateway_id, details)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
  RETURNING id`;

const DEVICE_REGISTER = `
  INSERT INTO device (id, type, domain, provisioned)
  SELECT id, type, domain, false FROM unnest($1::text[], $2::text[], $3::text[]) AS d(id, type, domain)
  ON CONFLICT (id) DO NOTHING`;

const DOMAIN_INSERTS = Object.fromEntries(
  Object.entries(DOMAIN_TABLES).map(([domain, spec]) => [domain, unnestInsertSql(spec)]),
) as Record<Domain, string>;

const key = (deviceId: string, msgId: string, time: Date) => `${deviceId}\u0000${msgId}\u0000${time.getTime()}`;

/**
 * The ingest write path: one transaction per batch. The raw insert is idempotent on (device_id, msg_id, time), and only
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
export function ingestRepositoryOptionsFor(db: Pick<Database, 'embedded' | 'maxStatementBytes'>): IngestRepositoryOptions {
  return { maxStatementBytes: db.maxStatementBytes, namedStatements: !db.embedded };
}

const QUARANTINE_APPEND = `UPDATE quarantine SET payload = payload || $2::bytea WHERE id = $1`;

export class IngestRepository {
  constructor(
    private readonly pool: Pool,
    private readonly options: IngestRepositoryOptions = {},
  ) {}

  private stmt(name: string, text: string, values: unknown[]) {
    return this.options.namedStatements === false ? { text, values } : { name, text, values };
  }

  async commit(batch: IngestBatch): Promise<IngestCommitResult> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await this.write(client, batch);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      broken = await client.query('ROLLBACK').then(() => false, () => true);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async write(client: PoolClient, batch: IngestBatch): Promise<IngestCommitResult> {
    const limit = this.options.maxStatementBytes;
    for (const d of chunkBySize(batch.newDevices, (x) => x.id.length + 40, limit)) {
      await client.query(this.stmt('ioc_device_register', DEVICE_REGISTER, [d.map((x) => x.id), d.map((x) => x.type), d.map((x) => x.domain)]));
    }
    const stored: DeviceMessage[] = [];
    // Message bodies are bounded by the contract (a few KiB), so every chunk holds at least one message.
    for (const a of chunkBySize(batch.accepted, (m) => m.bodyJson.length + m.topic.length + 160, limit)) {
      stored.push(...(await this.writeAccepted(client, a)));
    }
    for (const q of chunkBySize(batch.quarantined, (x) => Math.min(x.payload.length * 2, limit ?? Infinity) + x.reason.length + 200, limit)) {
      await this.writeQuarantined(client, q, limit);
    }
    return { stored, duplicates: batch.accepted.length - stored.length };
  }

  private async writeAccepted(client: PoolClient, a: readonly DeviceMessage[]): Promise<DeviceMessage[]> {
    const inserted = await client.query<{ device_id: string; msg_id: string; time: Date }>(
      this.stmt('ioc_raw_insert', RAW_INSERT, [
        a.map((m) => m.ts), a.map((m) => m.deviceId), a.map((m) => m.msgId), a.map((m) => m.kind), a.map((m) => m.receivedAt),
        a.map((m) => m.topic), a.map((m) => m.gatewayId ?? null), a.map((m) => m.bodyJson),
      ]),
    );
    const fresh = new Set(inserted.rows.map((r) => key(r.device_id, r.msg_id, r.time)));
    // The same message twice in one batch: the first copy takes the key, later ones are duplicates.
    const stored = a.filter((m) => fresh.delete(key(m.deviceId, m.msgId, m.ts)));
    for (const domain of Object.keys(DOMAIN_TABLES) as Domain[]) {
      const rows = stored.filter((m) => m.domain === domain);
      if (rows.length === 0) continue;
      await client.query(this.stmt(`ioc_${domain}_insert`, DOMAIN_INSERTS[domain], toColumnArrays(DOMAIN_TABLES[domain], rows)));
    }
    return stored;
  }

  private async writeQuarantined(client: PoolClient, q: readonly QuarantinedMessage[], limit: number | undefined): Promise<void> {
    // Hex doubles the bytes on the wire: a payload past half the limit is inserted empty, then appended in pieces.
    const piece = limit ? Math.floor(limit / 2) - 1024 : Infinity;
    const small = q.filter((x) => x.payload.length <= piece);
    if (small.length) await this.insertQuarantine(client, small);
    for (const large of q.filter((x) => x.payload.length > piece)) {
      const { rows } = await this.insertQuarantine(client, [{ ...large, payload: Buffer.alloc(0) }]);
      for (let at = 0; at < large.payload.length; at += piece) {
        await client.query(this.stmt('ioc_quarantine_append', QUARANTINE_APPEND, [rows[0].id, large.payload.subarray(at, at + piece)]));
      }
    }
  }

  private insertQuarantine(client: PoolClient, q: readonly QuarantinedMessage[]) {
    return client.query<{ id: string }>(
      this.stmt('ioc_quarantine_insert', QUARANTINE_INSERT, [
        q.map((x) => x.receivedAt), q.map((x) => x.topic), q.map((x) => x.payload), q.map((x) => x.code), q.map((x) => x.reason),
        q.map((x) => x.deviceId ?? null), q.map((x) => x.msgId ?? null), q.map((x) => x.gatewayId ?? null),
        q.map((x) => (x.details ? JSON.stringify(x.details) : null)),
      ]),
    );
  }
}
