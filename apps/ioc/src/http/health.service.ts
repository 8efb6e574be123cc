import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DATABASE, type Database } from '@ioc/storage';
import { REDIS } from '@ioc/queue';
import { IngestService } from '@ioc/ingest';
import { CorrelationService } from '@ioc/correlate';
import { CLOCK, type Clock } from '@ioc/platform';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: { ok: boolean; flavour: string; embedded: boolean; error?: string };
  redis: { ok: boolean; error?: string };
  ingest?: { connections: number; connected: number; pending: number; stats: Record<string, number> };
  correlate?: {
    recovered: boolean;
    /** How far the engine's watermark is behind this process's clock, ms (the allowed lateness when all is well). */
    watermarkLagMs: number | null;
    queuedSignals: number;
    appliedSignals: number;
    failedAttempts: number;
    /**
     * Signals set aside since this process started because applying them failed for a reason that would recur (the
     * ones behind them went on); the latest few here, all of them in signal_dead_letter. They leave the status as it is:
     * the process is healthy and a restart would not help, so an orchestrator must not restart it for them; alert on
     * `ioc_correlate_signals_dead_lettered_total` instead.
     */
    deadLettered: {
      count: number;
      last: Array<{ at: string; key: string; op: string; code: string; message: string; deviceIds: string[] }>;
    };
    engine: { processed: number; late: number; duplicates: number; pending: number; activeAlarms: number };
    /** Early firing (absent when off): raises sent on arrival, and how many the watermark confirmed or withdrew. */
    early?: { raised: number; updated: number; confirmed: number; withdrawn: number; pending: number };
  };
}

/** Liveness of each dependency, for operators and orchestrators. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(IngestService) private readonly ingest?: IngestService,
    @Optional() @Inject(CorrelationService) private readonly correlation?: CorrelationService,
  ) {}

  async check(): Promise<HealthReport> {
    const database = await this.db.pool.query('SELECT 1').then(
      () => ({ ok: true, flavour: this.db.flavour, embedded: this.db.embedded }),
      (err: Error) => ({ ok: false, flavour: this.db.flavour, embedded: this.db.embedded, error: err.message }),
    );
    const redis = await this.redis.ping().then(
      () => ({ ok: true }),
      (err: Error) => ({ ok: false, error: err.message }),
    );
    const ingest = this.ingest
      ? {
          connections: this.ingest.connections.configured,
          connected: this.ingest.connections.connectedCount,
          pending: this.ingest.pipeline.pending,
          stats: { ...this.ingest.pipeline.stats, ...this.ingest.pipeline.committerStats },
        }
      : undefined;
    const correlate = this.correlation ? this.correlationReport(this.correlation) : undefined;
    const ok =
      database.ok &&
      redis.ok &&
      (!ingest || ingest.connected === ingest.connections) &&
      (!correlate || correlate.recovered);
    return { status: ok ? 'ok' : 'degraded', database, redis, ingest, correlate };
  }

  private correlationReport(c: CorrelationService): NonNullable<HealthReport['correlate']> {
    const s = c.status();
    const e = s.engine;
    return {
      recovered: s.recovered,
      watermarkLagMs: Number.isFinite(e.watermark) ? this.clock.nowMs() - e.watermark : null,
      queuedSignals: s.queuedSignals,
      appliedSignals: s.appliedSignals,
      failedAttempts: s.failedAttempts,
      deadLettered: {
        count: s.deadLettered.count,
        last: s.deadLettered.last.map((l) => ({
          at: new Date(l.at).toISOString(),
          key: l.key,
          op: l.op,
          code: l.code,
          message: l.message,
          deviceIds: [...l.deviceIds],
        })),
      },
      engine: {
        processed: e.processed,
        late: e.late,
        duplicates: e.duplicates,
        pending: e.pending,
        activeAlarms: e.active,
      },
      ...(s.early && {
        early: {
          raised: s.early.raised,
          updated: s.early.updated,
          confirmed: s.early.confirmed,
          withdrawn: s.early.withdrawn,
          pending: s.early.pending,
        },
      }),
    };
  }
}
