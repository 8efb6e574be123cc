import { Inject, Injectable } from '@nestjs/common';
import type { IncidentSignal } from '@ioc/domain';
import { DATABASE, type Database } from './database';

/** An engine decision set aside after a failure that would recur, with why. */
export interface SignalDeadLetter {
  readonly failedAt: Date;
  readonly key: string;
  readonly op: IncidentSignal['op'];
  /** An IocError's code, a SQLSTATE, or the error's class name. */
  readonly code: string;
  readonly message: string;
  /** The devices of the signal's evidence (none for a clear). */
  readonly deviceIds: readonly string[];
  readonly signal: IncidentSignal;
}

export interface StoredSignalDeadLetter extends SignalDeadLetter {
  /** bigint identity, as a decimal string (as pg returns it). */
  readonly id: string;
}

interface DeadLetterRow {
  id: string;
  failed_at: Date;
  dedup_key: string;
  op: IncidentSignal['op'];
  code: string;
  message: string;
  device_ids: string[];
  signal: IncidentSignal;
}

/** Signals the correlate role could not apply and went past: kept for operators to see and re-drive. */
@Injectable()
export class SignalDeadLetterRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async add(l: SignalDeadLetter): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO signal_dead_letter (failed_at, dedup_key, op, code, message, device_ids, signal) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [l.failedAt, l.key, l.op, l.code, l.message, l.deviceIds, JSON.stringify(l.signal)],
    );
  }

  /** The latest first. */
  async recent(limit: number): Promise<StoredSignalDeadLetter[]> {
    const { rows } = await this.db.pool.query<DeadLetterRow>(
      `SELECT id, failed_at, dedup_key, op, code, message, device_ids, signal FROM signal_dead_letter ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      failedAt: r.failed_at,
      key: r.dedup_key,
      op: r.op,
      code: r.code,
      message: r.message,
      deviceIds: r.device_ids,
      signal: r.signal,
    }));
  }
}
