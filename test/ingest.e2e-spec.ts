import type { MqttClient } from 'mqtt';
import IORedis from 'ioredis';
import { deviceTopic, gatewayTopic } from '@ioc/contracts';
import { DEVICE_TYPE_OF_KIND } from '@ioc/domain';
import {
  AUTO_REGISTER_DEVICES,
  fleet,
  login,
  messageBody,
  type ServerHandle,
  startServer,
  startTestStack,
  type TestStack,
} from '@ioc/testing';

/**
 * Whole system: a real Mosquitto, the built server in its own process, real PostgreSQL and Redis.
 * N messages from registered devices with duplicates and malformed ones mixed in give exactly the expected rows; a
 * device nobody registered is refused. Auto-registration, the development setting, has a test of its own.
 */
describe('ingest end to end', () => {
  let stack: TestStack;
  let server: ServerHandle;
  let publisher: MqttClient;
  const devices = fleet(55, 'e2e');
  const GATEWAY = 'gw-e2e';
  /** INGEST_CONNECTIONS of every server here. */
  const CONNECTIONS = '8';

  beforeAll(async () => {
    stack = await startTestStack('e2e');
    // The first 50 hang off the gateway (and may still publish on their own topics, as a device failing over does).
    await stack.registerDevices(devices.slice(0, 50), { gatewayId: GATEWAY });
    await stack.registerDevices(devices.slice(50));
    server = await startServer({ ...stack.env, INGEST_CONNECTIONS: CONNECTIONS });
    publisher = await stack.broker.connectTrusted({ clientId: `pub-${process.pid}` });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    const code = await server?.stop();
    expect(code).toBe(0);
    await stack?.close();
  });

  const count = (sql: string) => stack.count(sql);
  const stored = () => count('SELECT count(*) AS n FROM raw_message');
  const quarantined = () => count('SELECT count(*) AS n FROM quarantine');

  async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`timed out; server logs:\n${server.logs().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('stores every valid message once, quarantines every bad one with its reason, and streams what it stored', async () => {
    const t0 = Date.now() - 60_000;
    const valid: Array<{ topic: string; payload: string }> = [];
    for (let i = 0; i < 1100; i++) {
      const d = devices[i % devices.length];
      valid.push({ topic: d.topic, payload: JSON.stringify(messageBody(d.kind, i, new Date(t0 + i * 10))) });
    }
    // 100 exact resends (a device retrying after a lost PUBACK); a gateway batch of 50 valid entries, 6 refused ones.
    const resends = valid.slice(0, 100);
    const gwEntries = Array.from({ length: 50 }, (_, i) => {
      const d = devices[i];
      return { deviceId: d.deviceId, kind: d.kind, ...messageBody(d.kind, 10_000 + i, new Date(t0 + i)) };
    });
    const gwBad = [
      { deviceId: devices[0].deviceId, kind: devices[0].kind, msgId: 'x1' },
      { deviceId: 'nokind', msgId: 'x2', ts: new Date(t0).toISOString() },
      { deviceId: devices[5].deviceId, kind: 'bin-fill', msgId: 'x3', ts: new Date(t0).toISOString(), fillPct: 500 },
      { deviceId: devices[1].deviceId, kind: 'teleport', msgId: 'x4', ts: new Date(t0).toISOString() },
      { deviceId: devices[2].deviceId, kind: 'water-level', msgId: 'x5', ts: new Date(t0).toISOString(), levelCm: 5 },
      // Registered, but not through this gateway.
      {
        ...messageBody(devices[54].kind, 10_054, new Date(t0)),
        deviceId: devices[54].deviceId,
        kind: devices[54].kind,
        msgId: 'x6',
      },
    ];
    const malformed: Array<{ topic: string; payload: Buffer | string; code: string }> = [
      { topic: devices[0].topic, payload: '{"msgId": "broken"', code: 'PAYLOAD_NOT_JSON' },
      { topic: devices[0].topic, payload: Buffer.from([0xc3, 0x28, 0xff]), code: 'PAYLOAD_NOT_UTF8' },
      { topic: devices[0].topic, payload: JSON.stringify({ msgId: 'no-ts' }), code: 'SCHEMA_INVALID' },
      { topic: 'ioc/v1/flood/wl-9/bin-fill', payload: '{}', code: 'TOPIC_INVALID' },
      { topic: 'ioc/v1/nothing-here', payload: '{}', code: 'TOPIC_INVALID' },
      {
        topic: devices[0].topic,
        payload: JSON.stringify({
          ...messageBody(devices[0].kind, 1, new Date(Date.now() + 3_600_000)),
          msgId: 'future',
        }),
        code: 'TIMESTAMP_IN_FUTURE',
      },
      {
        topic: devices[3].topic,
        payload: JSON.stringify({ ...messageBody(devices[3].kind, 2, new Date(t0)), deviceId: 'someone-else' }),
        code: 'DEVICE_ID_MISMATCH',
      },
      { topic: gatewayTopic(GATEWAY), payload: JSON.stringify({ messages: [] }), code: 'GATEWAY_EMPTY' },
      {
        topic: deviceTopic('water-level', 'e2e-stranger'),
        payload: JSON.stringify(messageBody('water-level', 3, new Date(t0))),
        code: 'DEVICE_UNKNOWN',
      },
    ];
    // devices[2] is a tide gauge, so x5 is a DEVICE_KIND_MISMATCH.
    expect(devices[2].kind).toBe('tide');

    const all: Array<{ topic: string; payload: Buffer | string }> = [...valid, ...resends, ...malformed];
    // Deterministic interleaving.
    all.sort(
      (a, b) =>
        ((String(a.payload).length * 31 + a.topic.length) % 7) - ((String(b.payload).length * 31 + b.topic.length) % 7),
    );
    await Promise.all(all.map((m) => publisher.publishAsync(m.topic, m.payload, { qos: 1 })));
    await waitFor(async () => (await stored()) >= valid.length && (await quarantined()) >= malformed.length);

    await publisher.publishAsync(gatewayTopic(GATEWAY), JSON.stringify({ messages: [...gwEntries, ...gwBad] }), {
      qos: 1,
    });
    const expectedStored = valid.length + gwEntries.length;
    const expectedQuarantine = malformed.length + gwBad.length;
    await waitFor(async () => (await stored()) >= expectedStored && (await quarantined()) >= expectedQuarantine);
    await new Promise((r) => setTimeout(r, 1000)); // nothing more may arrive

    expect(await count('SELECT count(*) AS n FROM raw_message')).toBe(expectedStored);
    expect(await count('SELECT count(*) AS n FROM (SELECT DISTINCT device_id, msg_id FROM raw_message) d')).toBe(
      expectedStored,
    );
    const perDomain = await count(
      `SELECT (SELECT count(*) FROM flood_reading) + (SELECT count(*) FROM waste_reading) + (SELECT count(*) FROM camera_event) AS n`,
    );
    expect(perDomain).toBe(expectedStored);
    expect(await count('SELECT count(*) AS n FROM quarantine')).toBe(expectedQuarantine);

    const codes = (
      await stack.pool.query<{ code: string; n: string }>('SELECT code, count(*) AS n FROM quarantine GROUP BY code')
    ).rows;
    const byCode = Object.fromEntries(codes.map((r) => [r.code, Number(r.n)]));
    for (const m of malformed) expect(byCode[m.code]).toBeGreaterThan(0);
    expect(byCode.SCHEMA_INVALID).toBe(5);
    expect(byCode.DEVICE_KIND_MISMATCH).toBe(1);
    expect(byCode.DEVICE_UNKNOWN).toBe(1);
    const gw = await stack.pool.query<{ msg_id: string; code: string }>(
      `SELECT msg_id, code FROM quarantine WHERE gateway_id = $1 AND code <> 'GATEWAY_EMPTY' ORDER BY msg_id`,
      [GATEWAY],
    );
    expect(gw.rows.map((r) => r.msg_id)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    expect(gw.rows[5].code).toBe('GATEWAY_DEVICE_NOT_ASSIGNED');

    // Bytes are kept as received, also when they are not UTF-8.
    const bin = await stack.pool.query<{ payload: Buffer; reason: string }>(
      `SELECT payload, reason FROM quarantine WHERE code = 'PAYLOAD_NOT_UTF8'`,
    );
    expect(bin.rows[0].payload.equals(Buffer.from([0xc3, 0x28, 0xff]))).toBe(true);

    // The registry is as it was registered: no message added a device to it.
    expect(await count(`SELECT count(*) AS n FROM device WHERE provisioned = false`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM device WHERE id = 'e2e-stranger'`)).toBe(0);

    // The event stream carries each stored message exactly once.
    const redis = new IORedis();
    const entries = await redis.xrange(`${stack.prefix}:stream:device-messages`, '-', '+');
    await redis.quit();
    const streamed = entries.flatMap(
      ([, f]) => JSON.parse(f[f.indexOf('batch') + 1]) as Array<{ deviceId: string; msgId: string }>,
    );
    expect(streamed).toHaveLength(expectedStored);
    expect(new Set(streamed.map((m) => `${m.deviceId}/${m.msgId}`)).size).toBe(expectedStored);

    // The integrator can read why (with a token of the integrator role).
    const auth = { headers: { authorization: `Bearer ${await login(server.baseUrl, 'integrator1')}` } };
    const res = await fetch(`${server.baseUrl}/api/v1/quarantine?code=DEVICE_ID_MISMATCH`, auth);
    expect(res.status).toBe(200);
    const rows = (await res.json()) as Array<{ reason: string; deviceId: string }>;
    expect(rows[0].reason).toContain('someone-else');
    const notUtf8 = (await (
      await fetch(`${server.baseUrl}/api/v1/quarantine?code=PAYLOAD_NOT_UTF8`, auth)
    ).json()) as Array<{ payloadBase64: string; payloadText: string | null }>;
    expect(Buffer.from(notUtf8[0].payloadBase64, 'base64').equals(Buffer.from([0xc3, 0x28, 0xff]))).toBe(true);
    expect(notUtf8[0].payloadText).toBeNull();
    expect((await fetch(`${server.baseUrl}/api/v1/quarantine?code=NOPE`, auth)).status).toBe(400);
    expect((await fetch(`${server.baseUrl}/api/v1/quarantine?code=NOPE`)).status).toBe(401);

    // Operators see the same in the metrics.
    const metrics = await server.metrics();
    const value = (line: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.split(' ')
          .pop(),
      );
    expect(value('ioc_ingest_messages_total{outcome="stored"')).toBe(expectedStored);
    expect(value('ioc_ingest_messages_total{outcome="duplicate"')).toBe(resends.length);
    expect(value('ioc_ingest_messages_total{outcome="quarantined"')).toBe(expectedQuarantine);
    expect(value('ioc_ingest_quarantined_total{code="DEVICE_KIND_MISMATCH"')).toBe(1);
    expect(value('ioc_ingest_connections_up')).toBe(8);
  });

  it('under the development setting INGEST_UNKNOWN_DEVICES=register, registers a device on its first message', async () => {
    // Development only: with it, whoever may publish on a device's topic adds the device. The server starts again
    // with it, on the same sessions (as many connections: the sessions of a larger count would keep their share).
    expect(await server.stop()).toBe(0);
    server = await startServer({ ...stack.env, ...AUTO_REGISTER_DEVICES, INGEST_CONNECTIONS: CONNECTIONS });
    const [storedBefore, quarantinedBefore] = [await stored(), await quarantined()];
    const strangers = fleet(11, 'auto');
    const t0 = Date.now() - 60_000;
    await Promise.all(
      strangers.map((d, i) =>
        publisher.publishAsync(d.topic, JSON.stringify(messageBody(d.kind, i, new Date(t0 + i))), { qos: 1 }),
      ),
    );
    const behindGateway = { deviceId: 'auto-gw-rain', kind: 'rain' as const };
    await publisher.publishAsync(
      gatewayTopic('gw-auto'),
      JSON.stringify({ messages: [{ ...behindGateway, ...messageBody('rain', 99, new Date(t0)) }] }),
      { qos: 1 },
    );
    const expected = storedBefore + strangers.length + 1;
    await waitFor(async () => (await stored()) >= expected);
    await new Promise((r) => setTimeout(r, 500)); // nothing more may arrive
    expect(await stored()).toBe(expected);
    expect(await quarantined()).toBe(quarantinedBefore);

    // Registered on first sight, unprovisioned, with the type their messages imply; the gateway is not registered.
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    const registered = await stack.pool.query<{ id: string; type: string; provisioned: boolean }>(
      `SELECT id, type, provisioned FROM device WHERE id LIKE 'auto-%'`,
    );
    expect(registered.rows.sort(byId)).toEqual(
      [...strangers, behindGateway]
        .map((d) => ({ id: d.deviceId, type: DEVICE_TYPE_OF_KIND[d.kind], provisioned: false }))
        .sort(byId),
    );
    expect(await count(`SELECT count(*) AS n FROM gateway WHERE id = 'gw-auto'`)).toBe(0);
  });
});
