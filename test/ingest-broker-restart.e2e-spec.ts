import type { MqttClient } from 'mqtt';
import { fleet, publishSteadily, type ServerHandle, startServer, startTestStack, type TestStack } from '@ioc/testing';

/**
 * The broker restarts mid-stream: the ingest sessions reconnect and subscribe afresh (Mosquitto 2.0.11 restores a
 * persistent session but no longer routes its shared subscription, and ignores a repeated SUBSCRIBE), the broker sends again whatever had not been acknowledged, and
 * a PUBACK held for a message of the old connection is never written on the new one. The devices reconnect at MQTT.js's
 * usual pace (1 s), after the IOC (250 ms). Everything published is stored exactly once.
 */
describe('ingest through a broker restart', () => {
  let stack: TestStack;
  let server: ServerHandle | undefined;
  let publishers: MqttClient[] = [];
  const devices = fleet(200, 'brk');

  beforeAll(async () => {
    stack = await startTestStack('broker-restart');
    await stack.registerDevices(devices);
    server = await startServer({
      ...stack.env,
      INGEST_CONNECTIONS: '4',
      INGEST_INSTANCE_ID: 'broker-restart',
    });
  });

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.endAsync(true)));
    await server?.stop();
    await stack?.close();
  });

  const stored = () => stack.stored();

  it('loses nothing and stores nothing twice', async () => {
    const total = 20_000;
    const t0 = Date.now() - 3_600_000;
    // Persistent publisher sessions: what they had in flight when the broker went down is sent again after it.
    publishers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        stack.broker.connectTrusted({
          clientId: `brk-pub-${i}`,
          clean: false,
          reconnectPeriod: 1000,
          properties: { sessionExpiryInterval: 600 },
        }),
      ),
    );
    const publishing = publishSteadily(publishers, devices, total, t0);

    while ((await stored()) < total / 4) await new Promise((r) => setTimeout(r, 20));
    await stack.broker.restart();
    const atRestart = await stored();
    expect(atRestart).toBeLessThan(total);

    expect(await publishing).toBe(total);
    const deadline = Date.now() + 60_000;
    while ((await stored()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));

    const q = (sql: string) => stack.count(sql);
    expect(await stored()).toBe(total);
    expect(await q('SELECT count(*) AS n FROM (SELECT DISTINCT device_id, msg_id FROM raw_message) d')).toBe(total);
    expect(
      await q(
        'SELECT (SELECT count(*) FROM flood_reading) + (SELECT count(*) FROM waste_reading) + (SELECT count(*) FROM camera_event) AS n',
      ),
    ).toBe(total);
    expect(await q('SELECT count(*) AS n FROM quarantine')).toBe(0);
    const { body: health } = await server!.health<{
      ingest: { connected: number; stats: { stored: number; duplicates: number } };
    }>();
    expect(health.ingest.stats.stored).toBe(total);
    expect(await server!.stop()).toBe(0);
    server = undefined;
  }, 120_000);
});
