import type { MqttClient } from 'mqtt';
import { fleet, publishSteadily, type ServerHandle, startServer, startTestStack, type TestStack } from '@ioc/testing';

/**
 * Commit-before-acknowledge under a crash: the ingest process is SIGKILLed mid-stream and restarted with the same
 * sessions. Messages acknowledged were committed; those in flight are redelivered and deduplicated. 0 lost, 0 twice.
 */
describe('ingest survives SIGKILL mid-stream', () => {
  let stack: TestStack;
  let publishers: MqttClient[] = [];
  let env: Record<string, string>;
  const devices = fleet(200, 'crash');

  beforeAll(async () => {
    stack = await startTestStack('crash');
    await stack.registerDevices(devices);
    env = {
      ...stack.env,
      INGEST_CONNECTIONS: '16',
      IOC_ROLES: 'api,ingest',
      INGEST_INSTANCE_ID: 'crash-test',
    };
  });

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.endAsync()));
    await stack?.close();
  });

  const stored = () => stack.stored();

  it('loses nothing and duplicates nothing', async () => {
    let server: ServerHandle = await startServer(env);
    const total = 30_000;
    const t0 = Date.now() - 3_600_000;
    publishers = await Promise.all(
      Array.from({ length: 4 }, (_, i) => stack.broker.connectTrusted({ clientId: `crash-pub-${i}` })),
    );

    // Publish in a steady stream from four connections; every publish must be acknowledged by the broker.
    const publishing = publishSteadily(publishers, devices, total, t0);

    // Kill when a part of the stream is in.
    const killAt = total / 4;
    while ((await stored()) < killAt) await new Promise((r) => setTimeout(r, 20));
    await server.kill();
    const atKill = await stored();
    expect(atKill).toBeLessThan(total);

    server = await startServer(env);
    expect(await publishing).toBe(total);

    const deadline = Date.now() + 60_000;
    while ((await stored()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    const code = await server.stop();
    expect(code).toBe(0);

    const q = (sql: string) => stack.count(sql);
    expect(await stored()).toBe(total);
    expect(await q('SELECT count(*) AS n FROM (SELECT DISTINCT device_id, msg_id FROM raw_message) d')).toBe(total);
    expect(
      await q(
        'SELECT (SELECT count(*) FROM flood_reading) + (SELECT count(*) FROM waste_reading) + (SELECT count(*) FROM camera_event) AS n',
      ),
    ).toBe(total);
    expect(await q('SELECT count(*) AS n FROM quarantine')).toBe(0);
  });
});
