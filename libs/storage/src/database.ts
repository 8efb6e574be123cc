import type { Pool } from 'pg';

export type DatabaseFlavour = 'timescaledb' | 'postgres';
export type TimescaleMode = 'auto' | 'off';

export interface DatabaseOptions {
  /** postgres:// URL; undefined starts the embedded TimescaleDB (PGlite). */
  readonly url?: string;
  readonly poolSize: number;
  /** 'off' makes the first migration skip CREATE EXTENSION (only matters before the extension exists). */
  readonly timescaledb: TimescaleMode;
  /** Embedded persistence lives in <dataDir>/pglite; undefined keeps the embedded database in memory. */
  readonly dataDir?: string;
  /** Run migrations up while opening (default true). */
  readonly migrate?: boolean;
}

/** An open connection pool plus what the rest of storage needs to know about the server behind it. */
export interface Database {
  readonly pool: Pool;
  /** timescaledb iff the extension is installed in the database (decided after migrations). */
  readonly flavour: DatabaseFlavour;
  /** PGlite in this process, reached over a local socket (one connection at a time). */
  readonly embedded: boolean;
  /**
   * Largest parameter payload one statement may carry, or undefined for no limit. PGlite behind its socket fails on
   * protocol messages over 64 KiB, so the embedded database says 32 KiB and repositories split long batches
   * (see chunkBySize).
   */
  readonly maxStatementBytes: number | undefined;
  /** TimescaleDB's job scheduler runs policies by itself; otherwise MaintenanceService runs them. */
  readonly hasBackgroundWorkers: boolean;
  readonly timescaledb: TimescaleMode;
  /** Re-reads flavour and hasBackgroundWorkers (migrate() calls it, since migrations decide them). */
  detectFlavour(): Promise<DatabaseFlavour>;
  close(): Promise<void>;
}

/** Nest provider token of the Database. */
export const DATABASE = Symbol('DATABASE');
