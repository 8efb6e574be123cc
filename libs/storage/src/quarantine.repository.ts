import { Inject, Injectable } from '@nestjs/common';
import type { QuarantinedMessage, RejectionCode } from '@ioc/domain';
import { DATABASE, type Database } from './database';

export interface QuarantineFilter {
  readonly deviceId?: string;
  readonly code?: RejectionCode;
  /** received_at >= from */
  readonly from?: Date;
  /** received_at < to */
  readonly to?: Date;
}

export interface QuarantineQuery extends QuarantineFilter {
  readonly limit: number;
  /** Keyset paging: only entries older (smaller id) than this one; a bigint, so a decimal string is accepted. */
  readonly beforeId?: number | string;
}

export interface QuarantineEntry extends QuarantinedMessage {
  /** bigint identity, as a decimal string (as pg returns it). */
  readonly id: string;
}

interface QuarantineRow {
  id: string;
  received_at: Date;
  topic: string;
  payload: Buffer;
  code: RejectionCode;
  reason: string;
  device_id: string | null;
  msg_id: string | null;
  gateway_id: string | null;
  details: Record<string, unknown> | null;
}

// Optional filters as "$n IS NULL OR ...": one readable statement instead of string-built WHERE clauses.
const FILTER = `
  ($1::text IS NULL OR device_id = $1)
  AND ($2::text IS NULL OR code = $2)
  AND ($3::timestamptz IS NULL OR received_at >= $3)
  AND ($4::timestamptz IS NULL OR received_at < $4)`;

const filterParams = (f: QuarantineFilter) => [f.deviceId ?? null, f.code ?? null, f.from ?? null, f.to ?? null];

@Injectable()
export class QuarantineRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Newest first (by id, i.e. by arrival). */
  async list(q: QuarantineQuery): Promise<QuarantineEntry[]> {
    const { rows } = await this.db.pool.query<QuarantineRow>(
      `SELECT id, received_at, topic, payload, code, reason, device_id, msg_id, gateway_id, details
       FROM quarantine
       WHERE ${FILTER} AND ($5::bigint IS NULL OR id < $5)
       ORDER BY id DESC
       LIMIT $6`,
      [...filterParams(q), q.beforeId ?? null, q.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      topic: r.topic,
      payload: r.payload,
      code: r.code,
      reason: r.reason,
      ...(r.device_id !== null && { deviceId: r.device_id }),
      ...(r.msg_id !== null && { msgId: r.msg_id }),
      ...(r.gateway_id !== null && { gatewayId: r.gateway_id }),
      ...(r.details !== null && { details: r.details }),
    }));
  }

  async count(f: QuarantineFilter = {}): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM quarantine WHERE ${FILTER}`,
      filterParams(f),
    );
    return Number(rows[0].n);
  }
}
