import { Inject, Injectable } from '@nestjs/common';
import type { FieldReport } from '@ioc/domain';
import { DATABASE, type Database } from './database';

export interface FieldReportRecord {
  readonly id: string;
  readonly reportedAt: Date;
  /** The engine's device id for the report: the intake it came through. */
  readonly channel: string;
  readonly category: string;
  readonly lat: number;
  readonly lon: number;
  readonly text: string;
  readonly photoRef: string | null;
  /** User id of the reporter. */
  readonly reportedBy: string;
  /** Ward containing the point, when it is inside the city model. */
  readonly wardId: string | null;
}

/** A stored report as the correlation engine's evidence (the domain's FieldReport: epoch ms, no photo left out). */
export function toFieldReport(
  r: Pick<FieldReportRecord, 'id' | 'reportedAt' | 'channel' | 'category' | 'lat' | 'lon' | 'text' | 'photoRef'>,
): FieldReport {
  return {
    id: r.id,
    reportedAt: r.reportedAt.getTime(),
    channel: r.channel,
    category: r.category,
    lat: r.lat,
    lon: r.lon,
    text: r.text,
    ...(r.photoRef !== null && { photoRef: r.photoRef }),
  };
}

export interface FieldReportQuery {
  readonly from?: Date;
  readonly to?: Date;
  readonly category?: string;
  readonly limit: number;
  /** Keyset paging: reports strictly older than this one. */
  readonly before?: { readonly reportedAt: Date; readonly id: string };
}

interface FieldReportRow {
  id: string;
  reported_at: Date;
  channel: string;
  category: string;
  lat: number;
  lon: number;
  text: string;
  photo_ref: string | null;
  reported_by: string;
  ward_id: string | null;
}

const toReport = (r: FieldReportRow): FieldReportRecord => ({
  id: r.id,
  reportedAt: r.reported_at,
  channel: r.channel,
  category: r.category,
  lat: r.lat,
  lon: r.lon,
  text: r.text,
  photoRef: r.photo_ref,
  reportedBy: r.reported_by,
  wardId: r.ward_id,
});

const COLUMNS = 'id, reported_at, channel, category, lat, lon, text, photo_ref, reported_by, ward_id';

@Injectable()
export class FieldReportRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(r: FieldReportRecord): Promise<void> {
    await this.db.pool.query(`INSERT INTO field_report (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      r.id,
      r.reportedAt,
      r.channel,
      r.category,
      r.lat,
      r.lon,
      r.text,
      r.photoRef,
      r.reportedBy,
      r.wardId,
    ]);
  }

  async findById(id: string): Promise<FieldReportRecord | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    const { rows } = await this.db.pool.query<FieldReportRow>(`SELECT ${COLUMNS} FROM field_report WHERE id = $1`, [
      id,
    ]);
    return rows[0] && toReport(rows[0]);
  }

  /** Newest first. */
  async list(q: FieldReportQuery): Promise<FieldReportRecord[]> {
    const { rows } = await this.db.pool.query<FieldReportRow>(
      `SELECT ${COLUMNS} FROM field_report
       WHERE ($1::timestamptz IS NULL OR reported_at >= $1)
         AND ($2::timestamptz IS NULL OR reported_at < $2)
         AND ($3::text IS NULL OR category = $3)
         AND ($4::timestamptz IS NULL OR (reported_at, id) < ($4::timestamptz, $5::uuid))
       ORDER BY reported_at DESC, id DESC
       LIMIT $6`,
      [q.from ?? null, q.to ?? null, q.category ?? null, q.before?.reportedAt ?? null, q.before?.id ?? null, q.limit],
    );
    return rows.map(toReport);
  }

  /** Reports with from ≤ reportedAt < to, oldest first (the correlation role's state recovery). */
  async range(from: Date, to: Date): Promise<FieldReportRecord[]> {
    const { rows } = await this.db.pool.query<FieldReportRow>(
      `SELECT ${COLUMNS} FROM field_report WHERE reported_at >= $1 AND reported_at < $2 ORDER BY reported_at, id`,
      [from, to],
    );
    return rows.map(toReport);
  }
}
