import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Pool } from 'pg';
import type { Logger } from '@ioc/platform';
import type { Database, DatabaseFlavour, DatabaseOptions, TimescaleMode } from './database';
import { StorageError } from './storage.errors';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server';
import { migrate } from './migration.runner';

/** PGlite's socket fails on protocol messages over 64 KiB; statements stay at half that. */
const EMBEDDED_MAX_STATEMENT_BYTES = 32 * 1024;

class PgDatabase implements Database {
  flavour: DatabaseFlavour = 'postgres';
  hasBackgroundWorkers = false;
  private closed = false;

  constructor(
    readonly pool: Pool,
    readonly timescaledb: TimescaleMode,
    private readonly server: EmbeddedServer | undefined,
    private readonly logger: Logger,
  ) {}

  get embedded(): boolean {
    return this.server !== undefined;
  }

  get maxStatementBytes(): number | undefined {
    return this.embedded ? EMBEDDED_MAX_STATEMENT_BYTES : undefined;
  }

  async detectFlavour(): Promise<DatabaseFlavour> {
    const { rows } = await this.pool.query<{ enabled: boolean; workers: boolean }>(`
      SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS enabled,
             coalesce(current_setting('timescaledb.max_background_workers', true), '0')::int > 0
               AND EXISTS (SELECT 1 FROM pg_stat_activity
                           WHERE backend_type LIKE 'TimescaleDB Background Worker Scheduler%'
                              OR application_name LIKE 'TimescaleDB Background Worker Scheduler%') AS workers`);
    this.flavour = rows[0].enabled ? 'timescaledb' : 'postgres';
    // PGlite has no background workers at all: policies only run when MaintenanceService calls run_job.
    this.hasBackgroundWorkers = this.flavour === 'timescaledb' && !this.embedded && rows[0].workers;
    return this.flavour;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
    // Closing PGlite flushes its data directory: persisted data survives a reopen only after a clean close.
    await this.server?.stop();
    this.logger.info('database closed');
  }
}

async function startEmbedded(
  dataDir: string | undefined,
  logger: Logger,
): Promise<{ pool: Pool; server: EmbeddedServer }> {
  let dir: string | undefined;
  if (dataDir) {
    dir = path.join(dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
  }
  const server = await startEmbeddedServer(dir);
  // max 1: the socket server serves one connection at a time and queues the others.
  // PGlite has a single backend session that successive socket connections share: keep the one connection open.
  // Session state outlives a reconnect, which is why repositories use no named statements here
  // (see namedStatementsFor).
  const pool = new Pool({
    host: server.host,
    port: server.port,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    idleTimeoutMillis: 0,
  });
  logger.info({ dataDir: dir ?? '(memory)', port: server.port }, 'embedded TimescaleDB started');
  return { pool, server };
}

/**
 * Opens the database: the server at opts.url, or the embedded PGlite + TimescaleDB when there is none.
 * Runs migrations up (unless opts.migrate is false), then decides flavour from what is installed.
 */
export async function openDatabase(opts: DatabaseOptions, logger: Logger): Promise<Database> {
  const log = logger.child({ component: 'database' });
  let pool: Pool;
  let server: EmbeddedServer | undefined;
  try {
    if (opts.url) {
      pool = new Pool({ connectionString: opts.url, max: opts.poolSize });
    } else {
      ({ pool, server } = await startEmbedded(opts.dataDir, log));
    }
  } catch (err) {
    throw new StorageError(
      'DB_UNAVAILABLE',
      `Embedded database failed to start: ${(err as Error).message}`,
      {},
      { cause: err },
    );
  }
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => log.warn({ err }, 'idle database connection failed'));
  const db = new PgDatabase(pool, opts.timescaledb, server, log);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await db.close().catch(() => undefined);
    throw new StorageError(
      'DB_UNAVAILABLE',
      `Database unreachable: ${(err as Error).message}`,
      { embedded: db.embedded },
      { cause: err },
    );
  }
  try {
    if (opts.migrate ?? true) await migrate(db, 'up', undefined, log);
    await db.detectFlavour();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  log.info(
    { flavour: db.flavour, embedded: db.embedded, hasBackgroundWorkers: db.hasBackgroundWorkers },
    'database ready',
  );
  return db;
}
