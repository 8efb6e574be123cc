import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { LOGGER, type Logger } from '@ioc/platform';
import { DATABASE, type Database, type DatabaseFlavour } from './database';
import { PLAIN_RETENTION, PLAIN_ROLLUP_REFRESH, QUARANTINE_RETENTION_SQL } from './plain-rollup.queries';
import { HOUR_MS, ROLLUPS_1H, ROLLUPS_1M, ROLLUP_NAMES, alignWindow, type RollupName } from './rollups';

/** Held for the whole run: a second process (or timer tick) finding it taken skips instead of piling up. */
const MAINTENANCE_LOCK_KEY = 7_100_502;
/** Plain path: late messages up to this old still reach the rollups on the next run. */
export const ROLLUP_LATENESS_MS = 2 * HOUR_MS;
/** Plain path, first run: everything the readings retention still keeps. */
const FIRST_RUN_LOOKBACK_MS = 400 * 24 * HOUR_MS;
const WATERMARK = 'rollups';
/** The hypertables whose policy jobs we run when TimescaleDB has no scheduler. */
const HYPERTABLES = ['raw_message', 'flood_reading', 'waste_reading', 'camera_event'];

export interface MaintenanceStep {
  readonly name: string;
  readonly rows?: number;
  readonly ms: number;
  readonly error?: string;
}

export interface MaintenanceSummary {
  readonly flavour: DatabaseFlavour;
  /** True when another run held the lock. */
  readonly skipped: boolean;
  readonly steps: MaintenanceStep[];
  readonly ms: number;
}

interface PolicyJob {
  job_id: number;
  proc_name: string;
  hypertable_name: string;
}

/** Order: minute aggregates before the hourly ones built on them, then retention, then compression of what is left. */
function jobRank(j: PolicyJob): number {
  if (j.proc_name === 'policy_refresh_continuous_aggregate')
    return (ROLLUPS_1M as string[]).includes(j.hypertable_name) ? 0 : 1;
  if (j.proc_name === 'policy_retention') return 2;
  return 3;
}

/**
 * Keeps rollups and retention going: runs the TimescaleDB policy jobs when nothing else will (embedded PGlite,
 * no scheduler), or does the same work by hand on plain PostgreSQL.
 */
@Injectable()
export class MaintenanceService {
  private readonly log: Logger;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'maintenance' });
  }

  async run(now: Date): Promise<MaintenanceSummary> {
    const started = Date.now();
    const client = await this.db.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        MAINTENANCE_LOCK_KEY,
      ]);
      if (!rows[0].locked) {
        this.log.debug('maintenance already running elsewhere, skipped');
        return { flavour: this.db.flavour, skipped: true, steps: [], ms: Date.now() - started };
      }
      const steps: MaintenanceStep[] = [];
      try {
        if (this.db.flavour === 'timescaledb') {
          // With a scheduler, the policies run by themselves.
          if (!this.db.hasBackgroundWorkers) steps.push(...(await this.runPolicyJobs(client)));
        } else {
          steps.push(...(await this.refreshFromWatermark(client, now)));
          for (const r of PLAIN_RETENTION)
            steps.push(await this.step(`retention ${r.table}`, () => client.query(r.sql, [now])));
        }
        steps.push(await this.step('retention quarantine', () => client.query(QUARANTINE_RETENTION_SQL, [now])));
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MAINTENANCE_LOCK_KEY]);
      }
      const summary = { flavour: this.db.flavour, skipped: false, steps, ms: Date.now() - started };
      const failed = steps.filter((s) => s.error);
      if (failed.length > 0) this.log.warn({ summary }, 'maintenance finished with errors');
      else this.log.debug({ summary }, 'maintenance finished');
      return summary;
    } finally {
      client.release();
    }
  }

  /** Recomputes the rollups over [from, to), widened to whole hours; for tests, backfills and replays. */
  async refreshRollups(from: Date, to: Date): Promise<MaintenanceStep[]> {
    const client = await this.db.pool.connect();
    try {
      return await this.refreshWindow(client, from, to);
    } finally {
      client.release();
    }
  }

  private async refreshWindow(client: PoolClient, from: Date, to: Date): Promise<MaintenanceStep[]> {
    const w = alignWindow(from, to, HOUR_MS);
    const ordered: RollupName[] = [...ROLLUPS_1M, ...ROLLUPS_1H];
    const steps: MaintenanceStep[] = [];
    if (this.db.flavour === 'timescaledb') {
      // CALL refresh_continuous_aggregate cannot run inside a transaction block: one autocommit call each.
      for (const name of ordered) {
        const started = Date.now();
        await client.query('CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)', [
          name,
          w.from,
          w.to,
        ]);
        steps.push({ name: `refresh ${name}`, ms: Date.now() - started });
      }
      return steps;
    }
    // One transaction: readers never see minute rollups newer than the hourly ones.
    await client.query('BEGIN');
    try {
      for (const name of ordered) {
        const started = Date.now();
        const res = await client.query(PLAIN_ROLLUP_REFRESH[name], [w.from, w.to]);
        steps.push({ name: `refresh ${name}`, rows: res.rowCount ?? 0, ms: Date.now() - started });
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
    return steps;
  }

  private async refreshFromWatermark(client: PoolClient, now: Date): Promise<MaintenanceStep[]> {
    const { rows } = await client.query<{ refreshed_to: Date }>(
      'SELECT refreshed_to FROM rollup_watermark WHERE name = $1',
      [WATERMARK],
    );
    const from = rows[0]
      ? new Date(rows[0].refreshed_to.getTime() - ROLLUP_LATENESS_MS)
      : new Date(now.getTime() - FIRST_RUN_LOOKBACK_MS);
    const steps = await this.refreshWindow(client, from, now);
    await client.query(
      `INSERT INTO rollup_watermark (name, refreshed_to) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET refreshed_to = EXCLUDED.refreshed_to`,
      [WATERMARK, now],
    );
    return steps;
  }

  private async runPolicyJobs(client: PoolClient): Promise<MaintenanceStep[]> {
    const { rows } = await client.query<PolicyJob>(
      `SELECT job_id, proc_name, hypertable_name
       FROM timescaledb_information.jobs
       WHERE hypertable_schema = 'public' AND hypertable_name = ANY($1::text[])
       ORDER BY job_id`,
      [[...HYPERTABLES, ...ROLLUP_NAMES]],
    );
    const jobs = [...rows].sort((a, b) => jobRank(a) - jobRank(b));
    const steps: MaintenanceStep[] = [];
    // CALL run_job cannot run inside a transaction block either; each call commits on its own.
    for (const j of jobs) {
      steps.push(
        await this.step(`${j.proc_name} ${j.hypertable_name} (job ${j.job_id})`, () =>
          client.query('CALL run_job($1::integer)', [j.job_id]),
        ),
      );
    }
    return steps;
  }

  /** Times one statement; a failure is recorded and logged so the other steps still run. */
  private async step(name: string, fn: () => Promise<{ rowCount: number | null }>): Promise<MaintenanceStep> {
    const started = Date.now();
    try {
      const res = await fn();
      return { name, rows: res.rowCount ?? 0, ms: Date.now() - started };
    } catch (err) {
      this.log.warn({ err, step: name }, 'maintenance step failed');
      return { name, ms: Date.now() - started, error: (err as Error).message };
    }
  }
}
