import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from './database';

export interface ActiveIncidentCount {
  readonly type: string;
  readonly severity: string;
  readonly count: number;
}

export interface ResponseTimes {
  /** Live incidents opened in the window. */
  readonly opened: number;
  readonly acknowledged: number;
  /** Mean acknowledged_at − opened_at of those acknowledged, ms; null when none. */
  readonly mttaMs: number | null;
  readonly resolved: number;
  /** Mean resolved_at − opened_at of those resolved, ms; null when none. */
  readonly mttrMs: number | null;
}

export interface Pickup {
  readonly binId: string;
  readonly at: Date;
}

/** The reads behind the KPI tiles; exercise incidents never count. */
@Injectable()
export class KpiRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Incidents not yet resolved (open, acknowledged, assigned), by type and severity. */
  async activeIncidents(): Promise<ActiveIncidentCount[]> {
    const { rows } = await this.db.pool.query<ActiveIncidentCount>(
      `SELECT type, severity, count(*)::int AS count FROM incident
       WHERE NOT exercise AND state IN ('open', 'acknowledged', 'assigned')
       GROUP BY type, severity ORDER BY type, severity`,
    );
    return rows;
  }

  /** Acknowledgement and resolution times of the live incidents opened in [from, to). */
  async responseTimes(from: Date, to: Date): Promise<ResponseTimes> {
    const { rows } = await this.db.pool.query<{
      opened: number;
      acknowledged: number;
      mtta_ms: number | null;
      resolved: number;
      mttr_ms: number | null;
    }>(
      `SELECT count(*)::int AS opened,
              count(acknowledged_at)::int AS acknowledged,
              (avg(extract(epoch FROM acknowledged_at - opened_at)) * 1000)::float8 AS mtta_ms,
              count(resolved_at)::int AS resolved,
              (avg(extract(epoch FROM resolved_at - opened_at)) * 1000)::float8 AS mttr_ms
       FROM incident WHERE NOT exercise AND opened_at >= $1 AND opened_at < $2`,
      [from, to],
    );
    const r = rows[0];
    return {
      opened: r.opened,
      acknowledged: r.acknowledged,
      mttaMs: r.mtta_ms,
      resolved: r.resolved,
      mttrMs: r.mttr_ms,
    };
  }

  /**
   * Time of the first report stored from any of these trucks: since when collection can be judged; null if none.
   * One probe of the (device_id, time) index per truck, so it stays cheap however large the table grows.
   */
  async firstCollectionReport(truckIds: readonly string[]): Promise<Date | null> {
    const { rows } = await this.db.pool.query<{ first: Date | null }>(
      `SELECT min(f.time) AS first
       FROM unnest($1::text[]) AS t(id)
       CROSS JOIN LATERAL (SELECT time FROM waste_reading WHERE device_id = t.id ORDER BY time LIMIT 1) f`,
      [truckIds],
    );
    return rows[0]?.first ?? null;
  }

  /** Bins emptied (truck pick-up events) with from ≤ time < to. */
  async pickups(from: Date, to: Date): Promise<Pickup[]> {
    const { rows } = await this.db.pool.query<{ bin_id: string; time: Date }>(
      `SELECT bin_id, time FROM waste_reading WHERE kind = 'truck-pickup' AND bin_id IS NOT NULL AND time >= $1 AND time < $2`,
      [from, to],
    );
    return rows.map((r) => ({ binId: r.bin_id, at: r.time }));
  }
}
