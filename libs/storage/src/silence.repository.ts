import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from './database';

export interface SilenceRecord {
  readonly id: string;
  readonly matchers: {
    readonly type?: string;
    readonly zoneId?: string;
    readonly key?: string;
    readonly ruleId?: string;
  };
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly comment: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly expiredBy: string | null;
  readonly expiredAt: Date | null;
}

interface SilenceRow {
  id: string;
  incident_type: string | null;
  zone_id: string | null;
  dedup_key: string | null;
  rule_id: string | null;
  starts_at: Date;
  ends_at: Date;
  comment: string;
  created_by: string;
  created_at: Date;
  expired_by: string | null;
  expired_at: Date | null;
}

const COLUMNS =
  'id, incident_type, zone_id, dedup_key, rule_id, starts_at, ends_at, comment, created_by, created_at, expired_by, expired_at';

const toRecord = (r: SilenceRow): SilenceRecord => ({
  id: r.id,
  matchers: {
    ...(r.incident_type !== null && { type: r.incident_type }),
    ...(r.zone_id !== null && { zoneId: r.zone_id }),
    ...(r.dedup_key !== null && { key: r.dedup_key }),
    ...(r.rule_id !== null && { ruleId: r.rule_id }),
  },
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  comment: r.comment,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiredBy: r.expired_by,
  expiredAt: r.expired_at,
});

/** Silences: created by operators, read by the correlate role (which applies them) and the console. */
@Injectable()
export class SilenceRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async create(s: Omit<SilenceRecord, 'createdAt' | 'expiredBy' | 'expiredAt'>): Promise<SilenceRecord> {
    const { rows } = await this.db.pool.query<SilenceRow>(
      `INSERT INTO silence (id, incident_type, zone_id, dedup_key, rule_id, starts_at, ends_at, comment, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        s.id,
        s.matchers.type ?? null,
        s.matchers.zoneId ?? null,
        s.matchers.key ?? null,
        s.matchers.ruleId ?? null,
        s.startsAt,
        s.endsAt,
        s.comment,
        s.createdBy,
      ],
    );
    return toRecord(rows[0]);
  }

  async findById(id: string): Promise<SilenceRecord | undefined> {
    const { rows } = await this.db.pool.query<SilenceRow>(`SELECT ${COLUMNS} FROM silence WHERE id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  /** Silences still in force or yet to start at `at` (the engine's set), soonest end first. */
  async inForce(at: Date): Promise<SilenceRecord[]> {
    const { rows } = await this.db.pool.query<SilenceRow>(
      `SELECT ${COLUMNS} FROM silence WHERE ends_at > $1 ORDER BY ends_at, id`,
      [at],
    );
    return rows.map(toRecord);
  }

  /** Every silence that ended after `since` or has not ended, newest first (the console's list). */
  async list(since: Date, limit: number): Promise<SilenceRecord[]> {
    const { rows } = await this.db.pool.query<SilenceRow>(
      `SELECT ${COLUMNS} FROM silence WHERE ends_at > $1 ORDER BY created_at DESC, id LIMIT $2`,
      [since, limit],
    );
    return rows.map(toRecord);
  }

  /** Ends a silence at `at` if it lasts longer; undefined when there is no such silence. */
  async expire(id: string, by: string, at: Date): Promise<SilenceRecord | undefined> {
    const { rows } = await this.db.pool.query<SilenceRow>(
      `UPDATE silence SET ends_at = GREATEST(starts_at + interval '1 millisecond', LEAST(ends_at, $3)), expired_by = $2, expired_at = $3
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, by, at],
    );
    return rows[0] && toRecord(rows[0]);
  }
}
