import * as path from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Logger } from '@ioc/platform';
import type { Database } from './database';
import { StorageError } from './storage.errors';

/** Resolved from this file, so it holds for libs/storage/src (jest) and dist/libs/storage/src (build copies migrations/). */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');
export const MIGRATIONS_TABLE = 'ioc_migrations';
/** Blocking lock: a second process booting at the same time waits for the first instead of failing. */
const MIGRATION_LOCK_KEY = 7_100_501;

export type MigrationDirection = 'up' | 'down';

/**
 * Runs the SQL migrations (node-pg-migrate, `-- Up Migration` / `-- Down Migration` files, one transaction each).
 * count: up = all pending by default; down = 1 by default, Infinity for all. Returns the names that ran.
 */
export async function migrate(
  db: Database,
  direction: MigrationDirection,
  count?: number,
  logger?: Logger,
): Promise<string[]> {
  const log = logger?.child({ component: 'migrations' });
  const client = await db.pool.connect();
  let failed: unknown;
  // The migrations explain their branch choices (e.g. why TimescaleDB is not used) as NOTICEs.
  const onNotice = (n: { message?: string }) => log?.info({ notice: n.message }, 'migration notice');
  client.on('notice', onNotice);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    if (db.timescaledb === 'off') await client.query(`SET ioc.timescaledb = 'off'`);
    const ran = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      ignorePattern: '(?!.*\\.sql$).*',
      migrationsTable: MIGRATIONS_TABLE,
      direction,
      count: count ?? (direction === 'up' ? Infinity : 1),
      checkOrder: true,
      noLock: true,
      logger: {
        debug: (msg: string) => log?.debug(msg),
        info: (msg: string) => log?.debug(msg),
        warn: (msg: string) => log?.warn(msg),
        error: (msg: string) => log?.error(msg),
      },
    });
    const names = ran.map((m) => m.name);
    if (names.length > 0) log?.info({ direction, migrations: names }, 'migrations applied');
    return names;
  } catch (err) {
    failed = err;
    // node-pg-migrate leaves a failed migration's transaction open on an external client.
    await client.query('ROLLBACK').catch(() => undefined);
    throw new StorageError(
      'DB_MIGRATION_FAILED',
      `Migration ${direction} failed: ${(err as Error).message}`,
      { direction },
      { cause: err },
    );
  } finally {
    await client.query('RESET ioc.timescaledb').catch(() => undefined);
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.off('notice', onNotice);
    client.release();
    if (!failed) await db.detectFlavour();
  }
}
