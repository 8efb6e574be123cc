import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DATABASE, type Database } from '@ioc/storage';
import { REDIS } from '@ioc/queue';
import { IngestService } from '@ioc/ingest';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: { ok: boolean; flavour: string; embedded: boolean; error?: string };
  redis: { ok: boolean; error?: string };
  ingest?: { connections: number; connected: number; pending: number; stats: Record<string, number> };
}

/** Liveness of each dependency, for operators and orchestrators. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() @Inject(IngestService) private readonly ingest?: IngestService,
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
    const ok = database.ok && redis.ok && (!ingest || ingest.connected === ingest.connections);
    return { status: ok ? 'ok' : 'degraded', database, redis, ingest };
  }
}
