import type { MqttClient } from 'mqtt';
import {
  fleet,
  messageBody,
  type ServerHandle,
  startServer,
  startTcpProxy,
  startTestStack,
  type TcpProxy,
  type TestStack,
} from '@ioc/testing';

interface Health {
  database: { ok: boolean };
  ingest: { pending: number; stats: { stored: number; retries: number } };
}

/**
 * The database goes away mid-stream: the IOC stops acknowledging (the broker keeps the backlog), holds no more than
 * the receive-maximum of messages per subscriber connection in memory, and stores everything once the database is back.
 */
describe('ingest through a database outage', () => {
  const connections = 4;
  const receiveMaximum = 32;
  let stack: TestStack;
  let proxy: TcpProxy;
  let server: ServerHandle;
  let publisher: MqttClient;
  const devices = fleet(40, 'outage');

  beforeAll(async () => {
    stack = await startTestStack('outage');
    await stack.registerDevices(devices);
    proxy = await startTcpProxy(5432);
    const viaProxy = new URL(stack.db.url);
    viaProxy.port = String(proxy.port);
    server = await startServer({
      ...stack.env,
      DATABASE_URL: viaProxy.toString(),
      INGEST_CONNECTIONS: String(connections),
      INGEST_RECEIVE_MAXIMUM: String(receiveMaximum),
      INGEST_RETRY_MAX_MS: '500',
    });
    publisher = await stack.broker.connectTrusted({ clientId: `outage-pub-${process.pid}` });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    expect(await server?.stop()).toBe(0);
    await proxy?.close();
    await stack?.close();
  });

  const stored = () => stack.stored();
  const health = async () => (await server.health<Health>()).body;

  it('holds back acknowledgements while the database is down and loses nothing when it returns', async () => {
    const t0 = Date.now() - 600_000;
    const publishAll = (from: number, to: number) =>
      Promise.all(
        Array.from({ length: to - from }, (_, k) => {
          const i = from + k;
          const d = devices[i % devices.length];
          return publisher.publishAsync(d.topic, JSON.stringify(messageBody(d.kind, i, new Date(t0 + i))), { qos: 1 });
        }),
      );

    await publishAll(0, 1000);
    while ((await stored()) < 1000) await new Promise((r) => setTimeout(r, 50));

    proxy.cut();
    await publishAll(1000, 3000); // the broker accepts them: it queues for the IOC's sessions
    await new Promise((r) => setTimeout(r, 2000));
    const during = await health();
    expect(during.database.ok).toBe(false);
    expect(during.ingest.pending).toBeGreaterThan(0);
    // At most receive-maximum unacknowledged messages per connection; the broker holds the other 1,872.
    expect(during.ingest.pending).toBeLessThanOrEqual(connections * receiveMaximum);
    expect(during.ingest.stats.retries).toBeGreaterThan(0);
    expect(await stored()).toBe(1000);

    proxy.restore();
    const deadline = Date.now() + 60_000;
    while ((await stored()) < 3000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    expect(await stored()).toBe(3000);
    const distinct = await stack.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM (SELECT DISTINCT device_id, msg_id FROM raw_message) d',
    );
    expect(Number(distinct.rows[0].n)).toBe(3000);
    const after = await health();
    expect(after.database.ok).toBe(true);
    expect(after.ingest.pending).toBe(0);
  });
});
