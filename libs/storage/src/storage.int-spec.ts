import { readdirSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { createPlainTestDatabase, openEmbeddedTestDatabase, testLogger, type PlainTestDatabase } from '@ioc/testing';
import {
  DeviceRepository,
  MaintenanceService,
  MIGRATIONS_DIR,
  MIGRATIONS_TABLE,
  QuarantineRepository,
  ReadingsRepository,
  ROLLUP_NAMES,
  TimeseriesRepository,
  migrate,
  openDatabase,
  type Database,
  type RollupName,
  type RollupRow,
} from '@ioc/storage';

jest.setTimeout(60_000);

const PATHS = ['postgres', 'timescaledb-embedded'] as const;
type StoragePath = (typeof PATHS)[number];

const HOUR = 3_600_000;
const MIN = 60_000;
const DAY = 24 * HOUR;
/** Whole hour, 5 h ago: inside every refresh policy window, and whole buckets on both paths. */
const T = new Date(Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR);
const at = (ms: number) => new Date(T.getTime() + ms);

const TABLES = [
  'device',
  'raw_message',
  'flood_reading',
  'waste_reading',
  'camera_event',
  'quarantine',
  'rollup_watermark',
  ...ROLLUP_NAMES,
];

async function insertFlood(
  pool: Pool,
  rows: Array<{ time: Date; deviceId: string; kind: string; levelCm?: number; rainMm?: number }>,
) {
  await pool.query(
    `INSERT INTO flood_reading (time, device_id, kind, level_cm, rain_mm)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::float8[])`,
    [
      rows.map((r) => r.time),
      rows.map((r) => r.deviceId),
      rows.map((r) => r.kind),
      rows.map((r) => r.levelCm ?? null),
      rows.map((r) => r.rainMm ?? null),
    ],
  );
}

async function insertBins(
  pool: Pool,
  rows: Array<{ time: Date; deviceId: string; fillPct: number; temperatureC: number }>,
) {
  await pool.query(
    `INSERT INTO waste_reading (time, device_id, kind, fill_pct, temperature_c)
     SELECT t, d, 'bin-fill', f, c FROM unnest($1::timestamptz[], $2::text[], $3::float8[], $4::float8[]) AS u(t, d, f, c)`,
    [rows.map((r) => r.time), rows.map((r) => r.deviceId), rows.map((r) => r.fillPct), rows.map((r) => r.temperatureC)],
  );
}

async function insertCamera(
  pool: Pool,
  rows: Array<{
    time: Date;
    deviceId: string;
    kind: string;
    vehicles?: number;
    speed?: number;
    eventType?: string;
    confidence?: number;
  }>,
) {
  await pool.query(
    `INSERT INTO camera_event (time, device_id, kind, vehicle_count, avg_speed_kmh, event_type, confidence)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], $7::float8[])`,
    [
      rows.map((r) => r.time),
      rows.map((r) => r.deviceId),
      rows.map((r) => r.kind),
      rows.map((r) => r.vehicles ?? null),
      rows.map((r) => r.speed ?? null),
      rows.map((r) => r.eventType ?? null),
      rows.map((r) => r.confidence ?? null),
    ],
  );
}

async function insertQuarantine(pool: Pool, rows: Array<{ receivedAt: Date; deviceId: string | null; code: string }>) {
  await pool.query(
    `INSERT INTO quarantine (received_at, topic, payload, code, reason, device_id)
     SELECT t, 'ioc/v1/test', convert_to('{}', 'UTF8'), c, 'test', d FROM unnest($1::timestamptz[], $2::text[], $3::text[]) AS u(t, d, c)`,
    [rows.map((r) => r.receivedAt), rows.map((r) => r.deviceId), rows.map((r) => r.code)],
  );
}

async function relationsPresent(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT name FROM unnest($1::text[]) AS n(name) WHERE to_regclass(name) IS NOT NULL ORDER BY name`,
    [TABLES],
  );
  return rows.map((r) => r.name);
}

/** Per path, what the rollup queries returned: compared across paths at the end. */
const seriesByPath = new Map<StoragePath, Record<string, RollupRow[]>>();

describe.each(PATHS)('storage on %s', (storagePath) => {
  let db: Database;
  let plain: PlainTestDatabase | undefined;
  let maintenance: MaintenanceService;
  let timeseries: TimeseriesRepository;

  beforeAll(async () => {
    if (storagePath === 'postgres') {
      plain = await createPlainTestDatabase();
      db = await openDatabase({ url: plain.url, poolSize: 4, timescaledb: 'auto' }, testLogger);
    } else {
      db = await openEmbeddedTestDatabase();
    }
    maintenance = new MaintenanceService(db, testLogger);
    timeseries = new TimeseriesRepository(db);
  });

  afterAll(async () => {
    await db?.close();
    await plain?.drop();
  });

  it('detects the flavour from the installed extension', () => {
    expect(db.flavour).toBe(storagePath === 'postgres' ? 'postgres' : 'timescaledb');
    expect(db.embedded).toBe(storagePath !== 'postgres');
    expect(db.hasBackgroundWorkers).toBe(false);
  });

  it('migrates down (all) and up again to a working schema', async () => {
    expect(await relationsPresent(db.pool)).toEqual([...TABLES].sort());
    const down = await migrate(db, 'down', Infinity, testLogger);
    expect(down).toHaveLength(readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
    expect(await relationsPresent(db.pool)).toEqual([]);
    const { rows: left } = await db.pool.query(`SELECT count(*)::int AS n FROM ${MIGRATIONS_TABLE}`);
    expect(left[0].n).toBe(0);

    const up = await migrate(db, 'up', undefined, testLogger);
    expect(up).toEqual([...down].reverse());
    expect(await relationsPresent(db.pool)).toEqual([...TABLES].sort());
    expect(await migrate(db, 'up')).toEqual([]);
    expect(db.flavour).toBe(storagePath === 'postgres' ? 'postgres' : 'timescaledb');
  });

  if (storagePath === 'timescaledb-embedded') {
    it('has hypertables, hierarchical continuous aggregates and their policies', async () => {
      const { rows: dims } = await db.pool.query(
        `SELECT hypertable_name, time_interval FROM timescaledb_information.dimensions
         WHERE hypertable_schema = 'public' ORDER BY hypertable_name`,
      );
      expect(dims).toEqual(
        ['camera_event', 'flood_reading', 'raw_message', 'waste_reading'].map((n) => ({
          hypertable_name: n,
          time_interval: { hours: 6 },
        })),
      );
      const { rows: caggs } = await db.pool.query(
        `SELECT view_name, view_definition FROM timescaledb_information.continuous_aggregates ORDER BY view_name`,
      );
      expect(caggs.map((c) => c.view_name)).toEqual([...ROLLUP_NAMES].sort());
      // Hierarchical: each 1h aggregate reads its 1m aggregate.
      for (const c of caggs.filter((x) => x.view_name.endsWith('_1h')))
        expect(c.view_definition).toContain(c.view_name.replace('_1h', '_1m'));

      const { rows: jobs } = await db.pool.query(
        `SELECT proc_name, hypertable_name, config FROM timescaledb_information.jobs WHERE hypertable_schema = 'public'`,
      );
      const policy = (proc: string, name: string) =>
        jobs.find((j) => j.proc_name === proc && j.hypertable_name === name)?.config;
      expect(policy('policy_compression', 'raw_message')).toMatchObject({ compress_after: '2 days' });
      expect(policy('policy_retention', 'raw_message')).toMatchObject({ drop_after: '90 days' });
      expect(policy('policy_retention', 'flood_reading')).toMatchObject({ drop_after: '400 days' });
      expect(policy('policy_retention', 'rain_1m')).toMatchObject({ drop_after: '90 days' });
      expect(policy('policy_retention', 'rain_1h')).toMatchObject({ drop_after: '5 years' });
      for (const name of ROLLUP_NAMES) expect(policy('policy_refresh_continuous_aggregate', name)).toBeDefined();
      const { rows: compression } = await db.pool.query(
        `SELECT hypertable_name, attname, segmentby_column_index, orderby_column_index, orderby_asc
         FROM timescaledb_information.compression_settings WHERE hypertable_name = 'flood_reading' ORDER BY attname`,
      );
      expect(compression).toEqual([
        {
          hypertable_name: 'flood_reading',
          attname: 'device_id',
          segmentby_column_index: 1,
          orderby_column_index: null,
          orderby_asc: null,
        },
        {
          hypertable_name: 'flood_reading',
          attname: 'time',
          segmentby_column_index: null,
          orderby_column_index: 1,
          orderby_asc: false,
        },
      ]);
    });
  } else {
    it('has BRIN time indexes and keyed rollup tables', async () => {
      const { rows: brin } = await db.pool.query(
        `SELECT tablename FROM pg_indexes WHERE schemaname = 'public' AND indexdef ~* 'USING brin \\("?time"?\\)' ORDER BY tablename`,
      );
      expect(brin.map((r) => r.tablename)).toEqual(['camera_event', 'flood_reading', 'raw_message', 'waste_reading']);
      const { rows: pks } = await db.pool.query(
        `SELECT c.relname, pg_get_constraintdef(k.oid) AS def FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
         WHERE k.contype = 'p' AND c.relname = ANY($1::text[]) ORDER BY c.relname`,
        [[...ROLLUP_NAMES]],
      );
      expect(pks).toHaveLength(ROLLUP_NAMES.length);
      expect(pks.find((p) => p.relname === 'camera_detection_1h')?.def).toBe(
        'PRIMARY KEY (bucket, device_id, event_type)',
      );
      expect(pks.find((p) => p.relname === 'flood_level_1m')?.def).toBe('PRIMARY KEY (bucket, device_id, kind)');
    });
  }

  it('rolls readings up into 1m and 1h buckets with correct aggregates', async () => {
    await insertFlood(db.pool, [
      { time: at(0), deviceId: 'wl-1', kind: 'water-level', levelCm: 10 },
      { time: at(20_000), deviceId: 'wl-1', kind: 'water-level', levelCm: 20 },
      { time: at(MIN + 5_000), deviceId: 'wl-1', kind: 'water-level', levelCm: 30 },
      { time: at(HOUR + MIN), deviceId: 'wl-1', kind: 'water-level', levelCm: 50 },
      { time: at(0), deviceId: 'rg-1', kind: 'rain', rainMm: 1.5 },
      { time: at(30_000), deviceId: 'rg-1', kind: 'rain', rainMm: 2.5 },
      { time: at(2 * MIN), deviceId: 'rg-1', kind: 'rain', rainMm: 0.5 },
    ]);
    await insertBins(db.pool, [
      { time: at(0), deviceId: 'bin-1', fillPct: 40, temperatureC: 30 },
      { time: at(30_000), deviceId: 'bin-1', fillPct: 60, temperatureC: 35 },
      { time: at(5 * MIN), deviceId: 'bin-1', fillPct: 80, temperatureC: 31 },
    ]);
    await insertCamera(db.pool, [
      { time: at(0), deviceId: 'cam-1', kind: 'camera-traffic', vehicles: 10, speed: 30 },
      { time: at(30_000), deviceId: 'cam-1', kind: 'camera-traffic', vehicles: 20, speed: 40 },
      { time: at(MIN), deviceId: 'cam-1', kind: 'camera-traffic', vehicles: 6, speed: 50 },
      { time: at(0), deviceId: 'cam-1', kind: 'camera-detection', eventType: 'illegal-parking', confidence: 0.5 },
      { time: at(10_000), deviceId: 'cam-1', kind: 'camera-detection', eventType: 'illegal-parking', confidence: 0.75 },
      { time: at(3 * MIN), deviceId: 'cam-1', kind: 'camera-detection', eventType: 'littering', confidence: 1 },
    ]);

    await maintenance.refreshRollups(at(-HOUR), at(3 * HOUR));

    const q = (rollup: RollupName, deviceId: string) =>
      timeseries.series({ rollup, deviceId, from: at(-HOUR), to: at(3 * HOUR) });
    const got: Record<string, RollupRow[]> = {
      flood_level_1m: await q('flood_level_1m', 'wl-1'),
      flood_level_1h: await q('flood_level_1h', 'wl-1'),
      rain_1m: await q('rain_1m', 'rg-1'),
      rain_1h: await q('rain_1h', 'rg-1'),
      bin_fill_1m: await q('bin_fill_1m', 'bin-1'),
      bin_fill_1h: await q('bin_fill_1h', 'bin-1'),
      camera_traffic_1m: await q('camera_traffic_1m', 'cam-1'),
      camera_traffic_1h: await q('camera_traffic_1h', 'cam-1'),
      camera_detection_1m: await q('camera_detection_1m', 'cam-1'),
      camera_detection_1h: await q('camera_detection_1h', 'cam-1'),
    };
    seriesByPath.set(storagePath, got);

    const wl = { deviceId: 'wl-1', kind: 'water-level' };
    expect(got.flood_level_1m).toEqual([
      { bucket: at(0), ...wl, levelAvg: 15, levelMin: 10, levelMax: 20, samples: 2 },
      { bucket: at(MIN), ...wl, levelAvg: 30, levelMin: 30, levelMax: 30, samples: 1 },
      { bucket: at(HOUR + MIN), ...wl, levelAvg: 50, levelMin: 50, levelMax: 50, samples: 1 },
    ]);
    // (15 x 2 + 30 x 1) / 3: the hourly mean of all three readings, not the mean of the minute means.
    expect(got.flood_level_1h).toEqual([
      { bucket: at(0), ...wl, levelAvg: 20, levelMin: 10, levelMax: 30, samples: 3 },
      { bucket: at(HOUR), ...wl, levelAvg: 50, levelMin: 50, levelMax: 50, samples: 1 },
    ]);
    expect(got.rain_1m).toEqual([
      { bucket: at(0), deviceId: 'rg-1', rainMm: 4, samples: 2 },
      { bucket: at(2 * MIN), deviceId: 'rg-1', rainMm: 0.5, samples: 1 },
    ]);
    expect(got.rain_1h).toEqual([{ bucket: at(0), deviceId: 'rg-1', rainMm: 4.5, samples: 3 }]);
    expect(got.bin_fill_1h).toEqual([
      { bucket: at(0), deviceId: 'bin-1', fillAvg: 60, fillMax: 80, temperatureMax: 35, samples: 3 },
    ]);
    expect(got.bin_fill_1m[0]).toEqual({
      bucket: at(0),
      deviceId: 'bin-1',
      fillAvg: 50,
      fillMax: 60,
      temperatureMax: 35,
      samples: 2,
    });
    expect(got.camera_traffic_1m).toEqual([
      { bucket: at(0), deviceId: 'cam-1', vehicles: 30, speedAvg: 35, samples: 2 },
      { bucket: at(MIN), deviceId: 'cam-1', vehicles: 6, speedAvg: 50, samples: 1 },
    ]);
    expect(got.camera_traffic_1h).toEqual([
      { bucket: at(0), deviceId: 'cam-1', vehicles: 36, speedAvg: 40, samples: 3 },
    ]);
    expect(got.camera_detection_1h).toEqual([
      { bucket: at(0), deviceId: 'cam-1', eventType: 'illegal-parking', detections: 2, confidenceAvg: 0.625 },
      { bucket: at(0), deviceId: 'cam-1', eventType: 'littering', detections: 1, confidenceAvg: 1 },
    ]);
  });

  it('brings new and late readings into the rollups on MaintenanceService.run', async () => {
    // Two hours back: inside the plain path's lateness margin and TimescaleDB's refresh-policy windows.
    const t0 = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR);
    await insertFlood(db.pool, [{ time: t0, deviceId: 'wl-2', kind: 'water-level', levelCm: 12 }]);
    const first = await maintenance.run(new Date());
    expect(first.skipped).toBe(false);
    expect(first.steps.filter((s) => s.error)).toEqual([]);

    // Arrives after its bucket was already rolled up: recomputed on the next run, not lost.
    await insertFlood(db.pool, [
      { time: new Date(t0.getTime() + 30_000), deviceId: 'wl-2', kind: 'water-level', levelCm: 18 },
    ]);
    await maintenance.run(new Date());
    const series = await timeseries.series({
      rollup: 'flood_level_1h',
      deviceId: 'wl-2',
      from: t0,
      to: new Date(t0.getTime() + HOUR),
    });
    expect(series).toEqual([
      { bucket: t0, deviceId: 'wl-2', kind: 'water-level', levelAvg: 15, levelMin: 12, levelMax: 18, samples: 2 },
    ]);
  });

  if (storagePath === 'postgres') {
    it('skips a maintenance run while another one holds the lock', async () => {
      const other = await db.pool.connect();
      try {
        await other.query('SELECT pg_advisory_lock(7100502)');
        const summary = await maintenance.run(new Date());
        expect(summary).toMatchObject({ skipped: true, steps: [] });
        await other.query('SELECT pg_advisory_unlock(7100502)');
      } finally {
        other.release();
      }
      expect((await maintenance.run(new Date())).skipped).toBe(false);
    });
  }

  it('removes rows past retention and keeps (compressed) recent ones', async () => {
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    await db.pool.query(
      `INSERT INTO raw_message (time, device_id, msg_id, kind, received_at, topic, body)
       SELECT t, 'ret-1', m, 'water-level', t, 'ioc/v1/test', '{}' FROM unnest($1::timestamptz[], $2::text[]) AS u(t, m)`,
      [
        [ago(100 * DAY), ago(10 * DAY), ago(HOUR)],
        ['old', 'mid', 'new'],
      ],
    );
    await insertFlood(db.pool, [
      { time: ago(500 * DAY), deviceId: 'ret-1', kind: 'water-level', levelCm: 1 },
      { time: ago(100 * DAY), deviceId: 'ret-1', kind: 'water-level', levelCm: 2 },
      { time: ago(HOUR), deviceId: 'ret-1', kind: 'water-level', levelCm: 3 },
    ]);
    await insertQuarantine(db.pool, [
      { receivedAt: ago(100 * DAY), deviceId: 'ret-1', code: 'SCHEMA_INVALID' },
      { receivedAt: ago(HOUR), deviceId: 'ret-1', code: 'SCHEMA_INVALID' },
    ]);

    const summary = await maintenance.run(now);
    expect(summary.steps.filter((s) => s.error)).toEqual([]);

    const { rows: raw } = await db.pool.query(`SELECT msg_id FROM raw_message WHERE device_id = 'ret-1' ORDER BY time`);
    expect(raw.map((r) => r.msg_id)).toEqual(['mid', 'new']);
    const { rows: flood } = await db.pool.query(
      `SELECT level_cm FROM flood_reading WHERE device_id = 'ret-1' ORDER BY time`,
    );
    expect(flood.map((r) => r.level_cm)).toEqual([2, 3]);
    expect(await new QuarantineRepository(db).count({ deviceId: 'ret-1' })).toBe(1);
    if (db.flavour === 'timescaledb') {
      const { rows } = await db.pool.query(
        `SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name = 'raw_message' AND is_compressed`,
      );
      expect(rows[0].n).toBeGreaterThanOrEqual(1);
    }
  });

  it('keeps the device registry: upsert, register unknown, last seen never goes backwards', async () => {
    const devices = new DeviceRepository(db);
    expect(
      await devices.upsertMany([
        {
          id: 'dev-wl',
          type: 'water-level-sensor',
          name: 'Cầu C247',
          lat: 9.6,
          lon: 105.97,
          wardCode: 'P1',
          zoneId: 'z1',
          attrs: { warnCm: 20 },
        },
        { id: 'dev-bin', type: 'bin', status: 'disabled' },
      ]),
    ).toBe(2);
    expect(await devices.upsertMany([{ id: 'dev-bin', type: 'bin', name: 'Chợ Phường 8' }])).toBe(1);

    expect(
      await devices.registerUnknown([
        { id: 'dev-wl', type: 'water-level-sensor' },
        { id: 'dev-new', type: 'camera' },
      ]),
    ).toEqual(['dev-new']);

    const late = new Date('2026-01-01T10:00:00Z');
    const early = new Date('2026-01-01T09:00:00Z');
    expect(
      await devices.touchLastSeen([
        { deviceId: 'dev-wl', lastSeen: early },
        { deviceId: 'dev-wl', lastSeen: late },
        { deviceId: 'ghost', lastSeen: late },
      ]),
    ).toBe(1);
    expect(await devices.touchLastSeen([{ deviceId: 'dev-wl', lastSeen: early }])).toBe(0);

    const wl = await devices.findById('dev-wl');
    expect(wl).toMatchObject({
      id: 'dev-wl',
      type: 'water-level-sensor',
      domain: 'flood',
      name: 'Cầu C247',
      lat: 9.6,
      lon: 105.97,
      wardCode: 'P1',
      zoneId: 'z1',
      status: 'active',
      provisioned: true,
      attrs: { warnCm: 20 },
      lastSeenAt: late,
    });
    expect(wl?.createdAt).toBeInstanceOf(Date);
    expect(await devices.findById('dev-bin')).toMatchObject({
      name: 'Chợ Phường 8',
      status: 'active',
      domain: 'waste',
    });
    expect(await devices.findById('dev-new')).toMatchObject({
      type: 'camera',
      domain: 'camera',
      provisioned: false,
      lastSeenAt: null,
    });
    expect(await devices.findById('ghost')).toBeNull();
    expect((await devices.findAll()).map((d) => d.id)).toEqual(['dev-bin', 'dev-new', 'dev-wl']);
  });

  it('lists quarantine newest first with filters and keyset paging', async () => {
    const repo = new QuarantineRepository(db);
    const base = new Date('2026-03-01T00:00:00Z').getTime();
    await insertQuarantine(
      db.pool,
      [0, 1, 2, 3, 4].map((i) => ({
        receivedAt: new Date(base + i * MIN),
        deviceId: i % 2 ? 'q-odd' : 'q-even',
        code: i < 3 ? 'SCHEMA_INVALID' : 'DEVICE_UNKNOWN',
      })),
    );
    const window = { from: new Date(base), to: new Date(base + HOUR) };
    const all = await repo.list({ ...window, limit: 10 });
    expect(all.map((e) => e.receivedAt.getTime() - base)).toEqual([4, 3, 2, 1, 0].map((i) => i * MIN));
    expect(all[0]).toMatchObject({ topic: 'ioc/v1/test', code: 'DEVICE_UNKNOWN', reason: 'test', deviceId: 'q-even' });
    expect(all[0].payload.toString('utf8')).toBe('{}');
    expect(typeof all[0].id).toBe('string');

    const page1 = await repo.list({ ...window, limit: 2 });
    const page2 = await repo.list({ ...window, limit: 2, beforeId: page1[1].id });
    expect([...page1, ...page2].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));

    expect((await repo.list({ ...window, deviceId: 'q-odd', limit: 10 })).map((e) => e.deviceId)).toEqual([
      'q-odd',
      'q-odd',
    ]);
    expect(await repo.list({ ...window, code: 'DEVICE_UNKNOWN', deviceId: 'q-even', limit: 10 })).toHaveLength(1);
    expect(await repo.list({ from: new Date(base + 2 * MIN), to: new Date(base + 4 * MIN), limit: 10 })).toHaveLength(
      2,
    );
    expect(await repo.count({ ...window, code: 'SCHEMA_INVALID' })).toBe(3);
  });

  it('returns the latest reading per device', async () => {
    const latest = await new ReadingsRepository(db).latest(['wl-1', 'bin-1', 'cam-1', 'nobody']);
    expect(latest.get('wl-1')).toEqual({
      deviceId: 'wl-1',
      kind: 'water-level',
      time: at(HOUR + MIN),
      values: { levelCm: 50 },
    });
    expect(latest.get('bin-1')).toMatchObject({
      kind: 'bin-fill',
      time: at(5 * MIN),
      values: { fillPct: 80, temperatureC: 31 },
    });
    expect(latest.get('cam-1')).toMatchObject({
      kind: 'camera-detection',
      time: at(3 * MIN),
      values: { eventType: 'littering', confidence: 1 },
    });
    expect(latest.has('nobody')).toBe(false);
  });

  it('refuses rollup names outside the whitelist', async () => {
    await expect(
      timeseries.series({ rollup: 'device; DROP TABLE device' as RollupName, deviceId: 'x', from: T, to: T }),
    ).rejects.toThrow(RangeError);
  });
});

describe('both paths', () => {
  it('answer the identical rollup queries with identical rows', () => {
    expect(seriesByPath.get('timescaledb-embedded')).toEqual(seriesByPath.get('postgres'));
    expect(Object.keys(seriesByPath.get('postgres') ?? {})).toHaveLength(ROLLUP_NAMES.length);
  });
});

describe('embedded persistence', () => {
  it('keeps data across close and reopen of <dataDir>/pglite', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ioc-pglite-'));
    try {
      const first = await openEmbeddedTestDatabase({ dataDir });
      await new DeviceRepository(first).upsertMany([{ id: 'persist-1', type: 'rain-gauge' }]);
      await insertFlood(first.pool, [{ time: T, deviceId: 'persist-1', kind: 'rain', rainMm: 3 }]);
      await first.close();
      expect((await stat(path.join(dataDir, 'pglite'))).isDirectory()).toBe(true);

      const second = await openEmbeddedTestDatabase({ dataDir });
      try {
        expect(second.flavour).toBe('timescaledb');
        expect(await new DeviceRepository(second).findById('persist-1')).toMatchObject({
          type: 'rain-gauge',
          domain: 'flood',
        });
        const { rows } = await second.pool.query(`SELECT rain_mm FROM flood_reading WHERE device_id = 'persist-1'`);
        expect(rows).toEqual([{ rain_mm: 3 }]);
        const { rows: migrations } = await second.pool.query(`SELECT count(*)::int AS n FROM ${MIGRATIONS_TABLE}`);
        expect(migrations[0].n).toBe(readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
        // Writing to a hypertable with continuous aggregates, and refreshing them, must work after a reopen too.
        await insertFlood(second.pool, [
          { time: new Date(T.getTime() + 60_000), deviceId: 'persist-1', kind: 'rain', rainMm: 4 },
        ]);
        await second.pool.query(`CALL refresh_continuous_aggregate('rain_1m', NULL, NULL)`);
        const { rows: rolled } = await second.pool.query(
          `SELECT sum(rain_mm)::float8 AS mm FROM rain_1m WHERE device_id = 'persist-1'`,
        );
        expect(rolled).toEqual([{ mm: 7 }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
