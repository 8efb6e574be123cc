import type { MqttClient } from 'mqtt';
import { deviceTopic } from '@ioc/contracts';
import {
  login,
  pollUntil,
  SocketWatcher,
  startServer,
  startTestStack,
  type ServerHandle,
  type TestStack,
} from '@ioc/testing';

/**
 * Roles split across processes, as docs/operations.md's Scaling describes: one process ingests (MQTT → database →
 * `stream:device-messages`), another runs the correlation engine from that stream, the API and the jobs. A reading
 * published over MQTT reaches an operator's socket on the other process as an incident. Each process answers
 * /health and /metrics for its own roles, the ingest process without the api role too.
 */
describe('roles split across processes', () => {
  let stack: TestStack;
  let ingest: ServerHandle | undefined;
  let core: ServerHandle | undefined;
  let publisher: MqttClient;
  let watcher: SocketWatcher | undefined;

  beforeAll(async () => {
    stack = await startTestStack('split');
    // The api role registers the city's devices at the first start: the ingest process, started after it, knows them.
    core = await startServer({
      ...stack.env,
      IOC_ROLES: 'api,correlate,jobs',
      CORRELATION_ALLOWED_LATENESS_MS: '300',
      CORRELATION_TICK_MS: '50',
    });
    ingest = await startServer({
      ...stack.env,
      IOC_ROLES: 'ingest',
      INGEST_CONNECTIONS: '4',
      INGEST_INSTANCE_ID: 'split-ingest',
    });
    publisher = await stack.broker.connectTrusted({ clientId: `pub-split-${process.pid}` });
  });

  afterAll(async () => {
    watcher?.close();
    await publisher?.endAsync();
    if (core) expect(await core.stop()).toBe(0);
    if (ingest) expect(await ingest.stop()).toBe(0);
    await stack?.close();
  });

  const logs = () => `ingest logs:\n${ingest?.logs().slice(-3000)}\ncore logs:\n${core?.logs().slice(-3000)}`;
  const json = (url: string) =>
    fetch(url).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('serves /health and /metrics in the process without the api role, and nothing of the API', async () => {
    // Anonymous: the status alone; /metrics wants the metrics token, refused with the API's error shape.
    expect(await json(`${ingest!.baseUrl}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await json(`${ingest!.baseUrl}/metrics`)).toEqual({
      status: 401,
      body: { statusCode: 401, code: 'AUTH_INVALID', message: expect.stringContaining('METRICS_TOKEN') },
    });

    const health = await ingest!.health();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      database: { ok: true },
      redis: { ok: true },
      ingest: { connections: 4, connected: 4 },
    });
    expect(health.body.correlate).toBeUndefined();

    const metrics = await ingest!.metrics();
    expect(metrics).toMatch(/^ioc_ingest_\w+/m);
    expect(metrics).toMatch(/^ioc_nodejs_eventloop_lag_p99_seconds[ {]/m);

    expect((await fetch(`${ingest!.baseUrl}/api/v1/incidents`)).status).toBe(404);
    expect((await fetch(`${ingest!.baseUrl}/api/v1/auth/login`, { method: 'POST' })).status).toBe(404);

    const coreHealth = await core!.health();
    expect(coreHealth.status).toBe(200);
    expect(coreHealth.body).toMatchObject({ status: 'ok', correlate: { recovered: true } });
    expect(coreHealth.body.ingest).toBeUndefined();
  });

  it('turns a reading taken in by one process into an incident on an operator socket of the other', async () => {
    watcher = new SocketWatcher(core!.baseUrl, await login(core!.baseUrl, 'operator1'));
    await watcher.connected();
    const deviceId = 'bin-p10-0041';
    await publisher.publishAsync(
      deviceTopic('bin-fill', deviceId),
      JSON.stringify({ msgId: 'split-1', ts: new Date().toISOString(), fillPct: 55, temperatureC: 95, tiltDeg: 1 }),
      { qos: 1 },
    );
    await pollUntil(
      async () => watcher!.events.filter((e) => e.type === 'opened' && e.incident.key === 'bin-fire:ward-p10'),
      (opened) => opened.length === 1,
      { timeoutMs: 15_000, context: logs },
    );
    const [event] = watcher.events.filter((e) => e.type === 'opened');
    expect(event.incident).toMatchObject({ type: 'bin-fire', state: 'open', zone: { id: 'ward-p10' } });
    expect(watcher.duplicates).toBe(0);

    // Stored by the ingest process, taken in by the engine of the other from the stream, not from an in-process tap.
    const ingestHealth = await ingest!.health();
    expect(ingestHealth.body.ingest).toMatchObject({ stats: { stored: 1 } });
    // (The incident was raised early, on arrival; the watermark engine takes the reading in once the lateness passes.)
    await pollUntil(
      () => core!.health().then((h) => (h.body.correlate as { engine: { processed: number } }).engine.processed),
      (processed) => processed >= 1,
      { timeoutMs: 5_000, context: logs },
    );
    expect(await stack.count(`SELECT count(*) AS n FROM incident WHERE dedup_key = 'bin-fire:ward-p10'`)).toBe(1);
  });
});
