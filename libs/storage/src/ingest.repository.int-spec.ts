import { decodeDeviceMessages } from '@ioc/contracts';
import { domainOf, type DeviceMessage, type MessageKind, type QuarantinedMessage } from '@ioc/domain';
import { createPlainTestDatabase, fleet, messageBody, openEmbeddedTestDatabase, testLogger } from '@ioc/testing';
import { openDatabase } from './database.provider';
import type { Database } from './database';
import { DeviceRepository } from './device.repository';
import { IngestRepository, ingestRepositoryOptionsFor, type IngestRepositoryOptions } from './ingest.repository';
import { RawMessageRepository } from './raw-message.repository';

type Opened = { db: Database; drop: () => Promise<void>; options: IngestRepositoryOptions };

const receivedAt = new Date('2026-11-21T03:00:00.000Z');

function message(deviceId: string, kind: MessageKind, seq: number, extra: Partial<DeviceMessage> = {}): DeviceMessage {
  const ts = new Date(receivedAt.getTime() - 60_000 + seq);
  const body = messageBody(kind, seq, ts);
  const m = {
    deviceId,
    kind,
    domain: domainOf(kind),
    msgId: body.msgId as string,
    ts,
    receivedAt,
    topic: `t/${deviceId}`,
    body,
    ...extra,
  };
  return { ...m, bodyJson: JSON.stringify(m.body) };
}

describe.each([
  [
    'postgres',
    async (): Promise<Opened> => {
      const handle = await createPlainTestDatabase();
      const db = await openDatabase({ url: handle.url, poolSize: 4, timescaledb: 'auto' }, testLogger);
      return { db, drop: () => handle.drop(), options: ingestRepositoryOptionsFor(db) };
    },
  ],
  // The options the ingest module uses for the embedded database.
  [
    'timescaledb-embedded',
    async (): Promise<Opened> => {
      const db = await openEmbeddedTestDatabase();
      return { db, drop: async () => undefined, options: ingestRepositoryOptionsFor(db) };
    },
  ],
] as const)('IngestRepository on %s', (_name, open) => {
  let db: Database;
  let drop: () => Promise<void>;
  let repo: IngestRepository;
  const count = async (sql: string) => Number((await db.pool.query<{ n: string }>(sql)).rows[0].n);

  beforeAll(async () => {
    const opened = await open();
    ({ db, drop } = opened);
    repo = new IngestRepository(db.pool, opened.options);
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('stores each message once, including duplicates inside one batch and across batches', async () => {
    const devices = fleet(11, 'repo');
    const batch = devices.map((d, i) => message(d.deviceId, d.kind, i));
    const first = await repo.commit({
      accepted: [...batch, batch[0], batch[3]],
      quarantined: [],
      newDevices: devices.map((d) => ({ id: d.deviceId, type: 'camera', domain: 'camera' })),
    });
    expect(first.stored).toHaveLength(11);
    expect(first.duplicates).toBe(2);
    expect(first.storedWire).toBeUndefined(); // not every message was new: the stream encodes the stored ones itself
    const again = await repo.commit({ accepted: batch.slice(0, 5), quarantined: [], newDevices: [] });
    expect(again).toEqual({ stored: [], duplicates: 5 });
    expect(await count('SELECT count(*) AS n FROM raw_message')).toBe(11);
    expect(
      await count(
        'SELECT (SELECT count(*) FROM flood_reading) + (SELECT count(*) FROM waste_reading) + (SELECT count(*) FROM camera_event) AS n',
      ),
    ).toBe(11);
    expect(await count(`SELECT count(*) AS n FROM device WHERE provisioned = false`)).toBe(11);
  });

  it('maps every kind to its domain columns', async () => {
    const wl = message('repo-wl', 'water-level', 100);
    const cam = message('repo-cam', 'camera-traffic', 101);
    await repo.commit({ accepted: [wl, cam], quarantined: [], newDevices: [] });
    const f = await db.pool.query(`SELECT kind, level_cm, battery_pct FROM flood_reading WHERE device_id = 'repo-wl'`);
    expect(f.rows).toEqual([{ kind: 'water-level', level_cm: wl.body.levelCm, battery_pct: 90 }]);
    const c = await db.pool.query(
      `SELECT vehicle_count, avg_speed_kmh, congestion FROM camera_event WHERE device_id = 'repo-cam'`,
    );
    const lanes = cam.body.lanes as Array<{ vehicleCount: number; avgSpeedKmh: number }>;
    const vehicles = lanes[0].vehicleCount + lanes[1].vehicleCount;
    expect(c.rows[0].vehicle_count).toBe(vehicles);
    expect(c.rows[0].avg_speed_kmh).toBeCloseTo((lanes[0].vehicleCount * 30 + 10 * 40) / vehicles, 6);
    expect(c.rows[0].congestion).toBe('free');
  });

  it("reads every kind's columns from its body, lanes totalled even when empty or without vehicles", async () => {
    const kinds: MessageKind[] = [
      'rain',
      'tide',
      'pump',
      'sluice-gate',
      'bin-fill',
      'truck-position',
      'truck-pickup',
      'camera-detection',
      'camera-health',
    ];
    const msgs = kinds.map((k, i) => message(`cols-${k}`, k, 200 + i));
    const noLanes = message('cols-empty-lanes', 'camera-traffic', 300);
    const idle = message('cols-idle-lanes', 'camera-traffic', 301);
    const bodies = [
      { ...noLanes, body: { ...noLanes.body, lanes: [] } },
      {
        ...idle,
        body: {
          ...idle.body,
          lanes: [
            { lane: 1, vehicleCount: 0, avgSpeedKmh: 20 },
            { lane: 2, vehicleCount: 0, avgSpeedKmh: 40 },
          ],
        },
      },
    ].map((m) => ({ ...m, bodyJson: JSON.stringify(m.body) }));
    await repo.commit({ accepted: [...msgs, ...bodies], quarantined: [], newDevices: [] });
    const one = async (sql: string) => (await db.pool.query(sql)).rows[0];
    const b = (k: MessageKind) => msgs[kinds.indexOf(k)].body as Record<string, unknown>;
    expect(await one(`SELECT rain_mm, interval_s FROM flood_reading WHERE device_id = 'cols-rain'`)).toEqual({
      rain_mm: b('rain').rainMm,
      interval_s: 300,
    });
    expect(await one(`SELECT level_cm FROM flood_reading WHERE device_id = 'cols-tide'`)).toEqual({
      level_cm: b('tide').levelCm,
    });
    expect(await one(`SELECT status, flow_m3h FROM flood_reading WHERE device_id = 'cols-pump'`)).toEqual({
      status: b('pump').status,
      flow_m3h: b('pump').flowM3h,
    });
    expect(await one(`SELECT status, opening_pct FROM flood_reading WHERE device_id = 'cols-sluice-gate'`)).toEqual({
      status: b('sluice-gate').status,
      opening_pct: b('sluice-gate').openingPct,
    });
    expect(
      await one(`SELECT fill_pct, temperature_c, tilt_deg FROM waste_reading WHERE device_id = 'cols-bin-fill'`),
    ).toEqual({ fill_pct: b('bin-fill').fillPct, temperature_c: 30, tilt_deg: 1 });
    const truck = b('truck-position');
    expect(
      await one(
        `SELECT lat, lon, speed_kmh, route_id, progress_pct FROM waste_reading WHERE device_id = 'cols-truck-position'`,
      ),
    ).toEqual({
      lat: truck.lat,
      lon: truck.lon,
      speed_kmh: 20,
      route_id: 'R-1',
      progress_pct: truck.progressPct,
    });
    expect(
      await one(`SELECT bin_id, weight_kg, route_id FROM waste_reading WHERE device_id = 'cols-truck-pickup'`),
    ).toEqual({
      bin_id: b('truck-pickup').binId,
      weight_kg: b('truck-pickup').weightKg,
      route_id: 'R-1',
    });
    const det = b('camera-detection');
    expect(
      await one(
        `SELECT event_type, confidence, model_version, snapshot_ref, vehicle_count, lanes FROM camera_event WHERE device_id = 'cols-camera-detection'`,
      ),
    ).toEqual({
      event_type: 'illegal_parking',
      confidence: det.confidence,
      model_version: 'v1',
      snapshot_ref: det.snapshotRef,
      vehicle_count: null,
      lanes: null,
    });
    expect(await one(`SELECT online, tampered, fps FROM camera_event WHERE device_id = 'cols-camera-health'`)).toEqual({
      online: true,
      tampered: false,
      fps: 25,
    });
    expect(
      await one(`SELECT vehicle_count, avg_speed_kmh, lanes FROM camera_event WHERE device_id = 'cols-empty-lanes'`),
    ).toEqual({ vehicle_count: 0, avg_speed_kmh: null, lanes: [] });
    expect(
      await one(`SELECT vehicle_count, avg_speed_kmh FROM camera_event WHERE device_id = 'cols-idle-lanes'`),
    ).toEqual({ vehicle_count: 0, avg_speed_kmh: 30 });
  });

  it('keeps quarantined bytes exactly, also large and non-UTF-8 ones', async () => {
    const big = Buffer.alloc(300_000, 0x7b);
    const q: QuarantinedMessage[] = [
      {
        receivedAt,
        topic: 'ioc/v1/x',
        payload: Buffer.from([0, 0xff, 0xfe]),
        code: 'PAYLOAD_NOT_UTF8',
        reason: 'not UTF-8',
      },
      {
        receivedAt,
        topic: 'ioc/v1/gateway/g',
        payload: big,
        code: 'GATEWAY_TOO_MANY',
        reason: 'too many',
        gatewayId: 'g',
        details: { n: 501 },
      },
    ];
    await repo.commit({ accepted: [], quarantined: q, newDevices: [] });
    const rows = (
      await db.pool.query<{ code: string; payload: Buffer; details: unknown }>(
        `SELECT code, payload, details FROM quarantine ORDER BY id`,
      )
    ).rows;
    expect(rows[0].payload.equals(q[0].payload)).toBe(true);
    expect(rows[1].payload.equals(big)).toBe(true);
    expect(rows[1].details).toEqual({ n: 501 });
  });

  it('commits a full gateway batch (500 messages) in one transaction', async () => {
    const devices = fleet(500, 'gw');
    const batch = devices.map((d, i) => message(d.deviceId, d.kind, 1000 + i, { gatewayId: 'gw-big' }));
    const result = await repo.commit({ accepted: batch, quarantined: [], newDevices: [] });
    expect(result.stored).toHaveLength(500);
    expect(await count(`SELECT count(*) AS n FROM raw_message WHERE gateway_id = 'gw-big'`)).toBe(500);
    // All new: the wire text the statement was given is handed on for the event stream, when it went in one statement.
    if (result.storedWire !== undefined)
      expect(decodeDeviceMessages(result.storedWire).map((m) => m.msgId)).toEqual(batch.map((m) => m.msgId));
    if (!db.embedded) expect(result.storedWire).toBeDefined();
  });

  it('rolls back the whole batch when one row is refused', async () => {
    const before = await count('SELECT count(*) AS n FROM raw_message');
    const good = message('repo-rollback', 'rain', 5000);
    const bad = message('repo-rollback', 'rain', 5001, {
      body: { ...messageBody('rain', 5001, receivedAt), intervalS: 1e12 },
    });
    // One statement (no BEGIN/COMMIT around it): atomic by itself.
    await expect(repo.commit({ accepted: [good, bad], quarantined: [], newDevices: [] })).rejects.toThrow();
    expect(await count('SELECT count(*) AS n FROM raw_message')).toBe(before);
    // Several statements (a quarantined message too): one transaction, rolled back whole.
    const quarantinedBefore = await count('SELECT count(*) AS n FROM quarantine');
    const q: QuarantinedMessage = {
      receivedAt,
      topic: 'ioc/v1/x',
      payload: Buffer.from('{'),
      code: 'PAYLOAD_NOT_JSON',
      reason: 'not JSON',
    };
    await expect(repo.commit({ accepted: [good, bad], quarantined: [q], newDevices: [] })).rejects.toThrow();
    expect(await count('SELECT count(*) AS n FROM raw_message')).toBe(before);
    expect(await count('SELECT count(*) AS n FROM quarantine')).toBe(quarantinedBefore);
    // The connections are fine afterwards.
    expect((await repo.commit({ accepted: [good], quarantined: [q], newDevices: [] })).stored).toHaveLength(1);
    expect(await count('SELECT count(*) AS n FROM raw_message')).toBe(before + 1);
  });

  it('reads stored messages back in canonical order (time, device, message id), page by page, as received', async () => {
    const devices = fleet(7, 'rawread');
    const base = new Date('2026-11-20T00:00:00.000Z').getTime();
    // Several messages share a timestamp, so paging must break ties by device and message id.
    const batch = devices.flatMap((d, i) =>
      [0, 1, 2].map((k) => ({
        ...message(d.deviceId, d.kind, 1000 + k),
        ts: new Date(base + (i % 3) * 1000 + k * 500),
      })),
    );
    await repo.commit({ accepted: batch, quarantined: [], newDevices: [] });
    const raw = new RawMessageRepository(db);
    const from = new Date(base);
    const to = new Date(base + 60_000);
    const pages: DeviceMessage[][] = [];
    for await (const page of raw.range(from, to, 4)) pages.push(page);
    const read = pages.flat();
    expect(pages.length).toBe(Math.ceil(batch.length / 4));
    expect(read).toHaveLength(batch.length);
    const key = (m: DeviceMessage) => [m.ts.toISOString(), m.deviceId, m.msgId] as const;
    const sorted = [...batch].sort((a, b) => (key(a).join('|') < key(b).join('|') ? -1 : 1));
    expect(read.map((m) => key(m).join('|'))).toEqual(sorted.map((m) => key(m).join('|')));
    expect(read[0]).toMatchObject({ kind: sorted[0].kind, domain: sorted[0].domain, body: sorted[0].body });
    expect(await raw.count(from, to)).toBe(batch.length);
    expect(await raw.count(new Date(base + 1000), to)).toBeLessThan(batch.length);
  });
});

describe('IngestRepository on the embedded database across reconnects', () => {
  it('keeps working when the pool replaces its connection (one PGlite session, shared)', async () => {
    const db = await openEmbeddedTestDatabase();
    try {
      const repo = new IngestRepository(db.pool, ingestRepositoryOptionsFor(db));
      const first = message('reconnect-1', 'rain', 1);
      expect((await repo.commit({ accepted: [first], quarantined: [], newDevices: [] })).stored).toHaveLength(1);
      // Force the pool to open a new connection: the old one is discarded while the session keeps its statements.
      const client = await db.pool.connect();
      client.release(true);
      const second = message('reconnect-1', 'rain', 2);
      expect((await repo.commit({ accepted: [second], quarantined: [], newDevices: [] })).stored).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});

describe('DeviceRepository on the embedded database: statements past PGlite’s 64 KiB limit', () => {
  it('registers and touches thousands of devices at once', async () => {
    const db = await openEmbeddedTestDatabase();
    try {
      const devices = new DeviceRepository(db);
      const ids = Array.from({ length: 5000 }, (_, i) => `bin-large-flush-${String(i).padStart(5, '0')}`);
      expect(await devices.registerUnknown(ids.map((id) => ({ id, type: 'bin' })))).toHaveLength(5000);
      const seen = new Date('2026-11-21T03:00:00.000Z');
      expect(await devices.touchLastSeen(ids.map((deviceId) => ({ deviceId, lastSeen: seen })))).toBe(5000);
      expect(await devices.upsertMany(ids.map((id) => ({ id, type: 'bin', name: `Thùng rác ${id}` })))).toBe(5000);
      expect(await devices.findById('bin-large-flush-04999')).toMatchObject({
        lastSeenAt: seen,
        name: 'Thùng rác bin-large-flush-04999',
      });
    } finally {
      await db.close();
    }
  });
});
