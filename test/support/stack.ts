import { Pool } from 'pg';
import { DEVICE_TYPE_OF_KIND, type MessageKind } from '@ioc/domain';
import { openDatabase, RegistryRepository } from '@ioc/storage';
import { createPlainTestDatabase, testLogger, type PlainTestDatabase } from './database';
import { startMosquitto, type TestBroker } from './mosquitto';
import { deleteRedisPrefix } from './redis';

/** What a whole-system test runs the IOC against: its own Mosquitto, a fresh PostgreSQL database, a Redis prefix. */
export interface TestStack {
  readonly broker: TestBroker;
  readonly db: PlainTestDatabase;
  /** A pool on the test database, for assertions. */
  readonly pool: Pool;
  readonly prefix: string;
  /** Environment for startServer: database, broker (its URL and the IOC's credentials), Redis prefix, api and ingest roles. */
  readonly env: Record<string, string>;
  /**
   * Registers devices, each of the type its messages' kind implies, as an integrator would before they send; with
   * `gatewayId`, that gateway too (if new) with the devices assigned to it, so that its batches may carry them. For the
   * tests whose subject is not the registry (a test of provisioning goes through the REST API): they publish as the
   * trusted publisher and run with the ingest's default, which refuses unregistered devices.
   *
   * It writes the registry's rows (migrating the database if no server has yet). Before startServer, the usual way: the
   * IOC loads them at start and gives each direct device its broker identity then (Mosquitto's plugin saves its whole
   * state per command, so that takes ~0.4 s for 200 devices but ~30 s for 2,000). Rows written while a server runs are
   * taken in within REGISTRY_REFRESH_S and get no broker identity until the next start: the way for a big fleet.
   */
  registerDevices(
    devices: ReadonlyArray<{ readonly deviceId: string; readonly kind: MessageKind }>,
    opts?: { readonly gatewayId?: string },
  ): Promise<void>;
  count(sql: string): Promise<number>;
  /** Rows in raw_message. */
  stored(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The development setting under which the ingest registers a device on its first message and lets an unknown gateway's
 * batch through. Never the setting of a test whose subject is not auto-registration itself: such a test registers its
 * devices (TestStack.registerDevices) and runs with the default, which refuses unknown devices (DEVICE_UNKNOWN).
 */
export const AUTO_REGISTER_DEVICES: Readonly<Record<string, string>> = { INGEST_UNKNOWN_DEVICES: 'register' };

export async function startTestStack(name: string): Promise<TestStack> {
  const broker = await startMosquitto();
  const db = await createPlainTestDatabase();
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const prefix = `ioc-${name}-${process.pid}-${Date.now()}`;
  const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0].n);
  return {
    broker,
    db,
    pool,
    prefix,
    env: { DATABASE_URL: db.url, ...broker.env, REDIS_PREFIX: prefix, IOC_ROLES: 'api,ingest' },
    registerDevices: (devices, opts) => registerDevices(db.url, devices, opts?.gatewayId),
    count,
    stored: () => count('SELECT count(*) AS n FROM raw_message'),
    close: async () => {
      await pool.end();
      await db.drop();
      await broker.stop();
      await deleteRedisPrefix(prefix);
    },
  };
}

/**
 * Registers a fleet in the IOC's registry of the database at `url` (migrating it first), in one transaction, as the
 * IOC would find them at start; with `gatewayId`, behind that gateway (registered if new).
 */
export async function registerDevices(
  url: string,
  devices: ReadonlyArray<{ readonly deviceId: string; readonly kind: MessageKind }>,
  gatewayId: string | undefined,
): Promise<void> {
  const db = await openDatabase({ url, poolSize: 1, timescaledb: 'auto', migrate: true }, testLogger);
  try {
    await new RegistryRepository(db).transaction(async (t) => {
      if (gatewayId && !(await t.existingGateways([gatewayId])).length) await t.insertGateways([{ id: gatewayId }]);
      const existing = await t.insertDevices(
        devices.map((d) => ({ id: d.deviceId, type: DEVICE_TYPE_OF_KIND[d.kind], gatewayId: gatewayId ?? null })),
      );
      if (existing.length) throw new Error(`already registered: ${existing.slice(0, 5).join(', ')}`);
    });
  } finally {
    await db.close();
  }
}
