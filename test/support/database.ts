import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import pino from 'pino';
import { openDatabase, type Database, type TimescaleMode } from '@ioc/storage';

/** The local PostgreSQL used by integration tests (plain path; no TimescaleDB). */
export const TEST_PG_ADMIN_URL = process.env.IOC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Quiet unless TEST_LOG_LEVEL asks otherwise. */
export const testLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface PlainTestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database ioc_t_<random> on the local server; drop() removes it (closing leftover sessions). */
export async function createPlainTestDatabase(adminUrl = TEST_PG_ADMIN_URL): Promise<PlainTestDatabase> {
  const name = `ioc_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The embedded TimescaleDB (PGlite), migrated; in memory unless dataDir is given. */
export function openEmbeddedTestDatabase(
  opts: { dataDir?: string; timescaledb?: TimescaleMode; migrate?: boolean } = {},
): Promise<Database> {
  return openDatabase(
    { poolSize: 1, timescaledb: opts.timescaledb ?? 'auto', dataDir: opts.dataDir, migrate: opts.migrate },
    testLogger,
  );
}

/** The two storage paths every repository test runs on: plain PostgreSQL, and the embedded TimescaleDB. */
export const STORAGE_PATHS = ['postgres', 'timescaledb-embedded'] as const;
export type StoragePath = (typeof STORAGE_PATHS)[number];

export interface TestDatabase {
  readonly db: Database;
  /** Closes the database and, on the plain path, drops it. */
  close(): Promise<void>;
}

/** A migrated database on the given path: a fresh database on the local server, or the embedded TimescaleDB. */
export async function openTestDatabase(path: StoragePath, poolSize = 2): Promise<TestDatabase> {
  if (path === 'timescaledb-embedded') {
    const db = await openEmbeddedTestDatabase();
    return { db, close: () => db.close() };
  }
  const plain = await createPlainTestDatabase();
  const db = await openDatabase({ url: plain.url, poolSize, timescaledb: 'auto', migrate: true }, testLogger);
  return {
    db,
    async close() {
      await db.close();
      await plain.drop();
    },
  };
}
