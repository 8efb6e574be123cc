import { Inject, Injectable } from '@nestjs/common';
import type { BilingualText, IncidentState, IncidentType, Severity, ZoneKind } from '@ioc/domain';
import { DATABASE, type Database } from './database';

/** The fields of an incident a live feed shows next to each event, and the seq of its latest event. */
export interface IncidentFeedRecord {
  readonly id: string;
  readonly key: string;
  readonly type: IncidentType;
  readonly zone: { readonly kind: ZoneKind; readonly id: string };
  readonly severity: Severity;
  readonly state: IncidentState;
  readonly title: BilingualText;
  readonly exercise: boolean;
  readonly lastSeq: number;
}

interface Row {
  id: string;
  dedup_key: string;
  type: IncidentType;
  zone_kind: ZoneKind;
  zone_id: string;
  severity: Severity;
  state: IncidentState;
  title: BilingualText;
  exercise: boolean;
  last_seq: string;
}

/** Reads for the real-time gateway: the head of the event log and incident summaries by id (no evidence, no SOP). */
@Injectable()
export class IncidentFeedRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The highest committed seq (0 when the log is empty). */
  async headSeq(): Promise<number> {
    const { rows } = await this.db.pool.query<{ seq: string | null }>(`SELECT max(seq) AS seq FROM incident_event`);
    return Number(rows[0].seq ?? 0);
  }

  async summaries(ids: readonly string[]): Promise<IncidentFeedRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.pool.query<Row>(
      `SELECT id, dedup_key, type, zone_kind, zone_id, severity, state, title, exercise, last_seq FROM incident WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => ({
      id: r.id,
      key: r.dedup_key,
      type: r.type,
      zone: { kind: r.zone_kind, id: r.zone_id },
      severity: r.severity,
      state: r.state,
      title: r.title,
      exercise: r.exercise,
      lastSeq: Number(r.last_seq),
    }));
  }
}
