import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { QUEUES, JOBS } from '@ioc/contracts';
import type { Severity, IncidentState } from '@ioc/domain';
import { systemClock } from '@ioc/platform';
import { JobRunner, createRedis, RedisStreamNotifier, type WorkerTuning } from '@ioc/queue';
import { IncidentNotificationRepository, openDatabase, type Database } from '@ioc/storage';
import {
  BullEscalationScheduler,
  EscalationService,
  escalateIncidentJob,
  type EscalationFaultHook,
  type EscalationIncident,
  type EscalationIncidentPort,
  type EscalationPolicy,
  type EscalationRunner,
} from '@ioc/incidents';

/**
 * Escalation tests read incidents from a small table of their own (the incident lifecycle's table is wired in by the
 * application, not here): enough state for EscalationIncidentPort, on the real database.
 */
export const TEST_INCIDENT_TABLE = 'escalation_test_incident';

export async function createTestIncidentTable(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${TEST_INCIDENT_TABLE} (
    id uuid PRIMARY KEY,
    severity text NOT NULL,
    state text NOT NULL,
    opened_at timestamptz NOT NULL,
    acknowledged_at timestamptz
  )`);
}

export class PgTestIncidents implements EscalationIncidentPort {
  constructor(private readonly pool: Pool) {}

  async get(id: string): Promise<EscalationIncident | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      severity: Severity;
      state: IncidentState;
      opened_at: Date;
      acknowledged_at: Date | null;
    }>(`SELECT id, severity, state, opened_at, acknowledged_at FROM ${TEST_INCIDENT_TABLE} WHERE id = $1`, [id]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id,
      severity: r.severity,
      state: r.state,
      openedAt: r.opened_at.getTime(),
      ...(r.acknowledged_at && { acknowledgedAt: r.acknowledged_at.getTime() }),
    };
  }

  async open(severity: Severity, openedAt = Date.now()): Promise<string> {
    const id = randomUUID();
    await this.pool.query(
      `INSERT INTO ${TEST_INCIDENT_TABLE} (id, severity, state, opened_at) VALUES ($1, $2, 'open', $3)`,
      [id, severity, new Date(openedAt)],
    );
    return id;
  }

  async acknowledge(id: string, at = Date.now()): Promise<void> {
    await this.pool.query(
      `UPDATE ${TEST_INCIDENT_TABLE} SET state = 'acknowledged', acknowledged_at = $2 WHERE id = $1`,
      [id, new Date(at)],
    );
  }
}

export interface EscalationStackOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly policy: EscalationPolicy;
  readonly logger: Logger;
  /** Run a worker (otherwise only schedule). */
  readonly worker?: WorkerTuning;
  readonly faults?: EscalationFaultHook;
}

export interface EscalationStack {
  readonly db: Database;
  readonly service: EscalationService;
  readonly incidents: PgTestIncidents;
  readonly ledger: IncidentNotificationRepository;
  readonly notifier: RedisStreamNotifier;
  readonly runner: EscalationRunner;
  close(): Promise<void>;
}

/** The escalation service over the real database, Redis stream and BullMQ queue, as the application wires it. */
export async function startEscalationStack(opts: EscalationStackOptions): Promise<EscalationStack> {
  const db = await openDatabase(
    { url: opts.databaseUrl, poolSize: 4, timescaledb: 'auto', migrate: false },
    opts.logger,
  );
  const redis = createRedis(opts.redisUrl);
  const incidents = new PgTestIncidents(db.pool);
  const ledger = new IncidentNotificationRepository(db);
  const notifier = new RedisStreamNotifier(redis, opts.prefix, opts.logger);
  const runner: EscalationRunner = new JobRunner(
    { redisUrl: opts.redisUrl, prefix: opts.prefix, queue: QUEUES.escalation, ...opts.worker },
    opts.logger,
  );
  const scheduler = new BullEscalationScheduler(runner, systemClock);
  const service = new EscalationService(incidents, ledger, notifier, scheduler, {
    policy: opts.policy,
    clock: systemClock,
    logger: opts.logger,
    faults: opts.faults,
  });
  if (opts.worker) await runner.start({ [JOBS.escalateIncident]: escalateIncidentJob(service) });
  else runner.open();
  return {
    db,
    service,
    incidents,
    ledger,
    notifier,
    runner,
    async close() {
      await runner.close();
      await redis.quit();
      await db.close();
    },
  };
}
