import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import IORedis from 'ioredis';
import { deviceTopic } from '@ioc/contracts';
import { apiClient, pollUntil, startServer, startTestStack, type ServerHandle, type TestStack } from '@ioc/testing';

/**
 * Whole system, reading to incident: a bin's temperature published over MQTT becomes one bin-fire incident in the
 * database and on the incident-event stream; duplicates, further evidence and a server restart (state rebuilt from
 * stored history) never make a second one.
 */
describe('correlation end to end', () => {
  let stack: TestStack;
  let server: ServerHandle | undefined;
  let publisher: MqttClient;
  let redis: IORedis;
  const deviceId = 'bin-p10-0041';
  const topic = deviceTopic('bin-fill', deviceId);
  let seq = 0;

  const policyFile = path.join(os.tmpdir(), `ioc-escalation-e2e-${process.pid}.yaml`);
  const env = () => ({
    ...stack.env,
    IOC_ROLES: 'api,ingest,correlate,jobs',
    ESCALATION_POLICY_FILE: policyFile,
    INGEST_CONNECTIONS: '4',
    CORRELATION_ALLOWED_LATENESS_MS: '300',
    CORRELATION_TICK_MS: '50',
  });

  beforeAll(async () => {
    // Escalation within seconds instead of minutes, so the whole chain runs inside the test.
    fs.writeFileSync(
      policyFile,
      [
        'version: 1',
        'channel: console',
        'severities:',
        '  major:',
        '    levels:',
        '      - after: 2s',
        '        notify: [supervisor]',
      ].join('\n'),
    );
    stack = await startTestStack('correlate');
    server = await startServer(env());
    publisher = await stack.broker.connectTrusted({ clientId: `pub-corr-${process.pid}` });
    redis = new IORedis('redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    await publisher?.endAsync();
    redis?.disconnect();
    if (server) expect(await server.stop()).toBe(0);
    await stack?.close();
    fs.rmSync(policyFile, { force: true });
  });

  const waitFor = <T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs?: number) =>
    pollUntil(read, ok, { timeoutMs, context: () => `server logs:\n${server?.logs().slice(-4000)}` });

  const publishReading = async (temperatureC: number, msgId = `corr-${++seq}`, to = topic) => {
    const payload = JSON.stringify({ msgId, ts: new Date().toISOString(), fillPct: 55, temperatureC, tiltDeg: 1 });
    await publisher.publishAsync(to, payload, { qos: 1 });
    return payload;
  };
  const fireIncidents = () =>
    stack.pool
      .query<{ id: string; state: string; severity: string; zone_id: string; evidence_count: number }>(
        `SELECT id, state, severity, zone_id, evidence_count FROM incident WHERE type = 'bin-fire' ORDER BY opened_at`,
      )
      .then((r) => r.rows);

  it('turns a hot bin into one bin-fire incident, pushed on the incident-event stream', async () => {
    const started = Date.now();
    const payload = await publishReading(95);
    const [incident] = await waitFor(fireIncidents, (rows) => rows.length > 0);
    process.stdout.write(`reading → incident committed in ${Date.now() - started} ms (allowed lateness 300 ms)\n`);
    expect(incident).toMatchObject({ state: 'open', severity: 'major', zone_id: 'ward-p10' });

    const entries = await waitFor(
      () => redis.xrange(`${stack.prefix}:stream:incident-events`, '-', '+'),
      (e) => e.length > 0,
    );
    const events = entries.flatMap(
      ([, fields]) =>
        JSON.parse(fields[fields.indexOf('events') + 1]) as Array<{ type: string; incidentId: string; seq: number }>,
    );
    expect(events[0]).toMatchObject({ type: 'opened', incidentId: incident.id });
    expect(events[0].seq).toBeGreaterThan(0);

    // The same message again (a device retrying) and another hot reading: never a second incident.
    await publisher.publishAsync(topic, payload, { qos: 1 });
    await publishReading(97);
    await waitFor(
      () => stack.stored(),
      (n) => n >= 2,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await fireIncidents()).toEqual([incident]);

    const { body: health } = await server!.health<{
      status: string;
      correlate: { recovered: boolean; engine: { processed: number; duplicates: number; activeAlarms: number } };
    }>();
    expect(health.status).toBe('ok');
    expect(health.correlate).toMatchObject({
      recovered: true,
      engine: { activeAlarms: 1 },
      deadLettered: { count: 0, last: [] },
    });
    expect(health.correlate.engine.processed).toBeGreaterThanOrEqual(2);
    expect(health.correlate.engine.duplicates).toBeGreaterThanOrEqual(1);
    const metrics = await server!.metrics();
    expect(metrics).toMatch(/^# TYPE ioc_correlate_signals_dead_lettered_total counter$/m);
  });

  it('escalates the unacknowledged incident once: a notification on the stream and the level in its audit trail', async () => {
    const [incident] = await fireIncidents();
    const escalated = () =>
      stack.pool
        .query<{ data: { level: number } }>(
          `SELECT data FROM incident_event WHERE incident_id = $1 AND type = 'escalated'`,
          [incident.id],
        )
        .then((r) => r.rows);
    await waitFor(escalated, (rows) => rows.length > 0);
    const notes = await redis.xrange(`${stack.prefix}:stream:notifications`, '-', '+');
    expect(notes).toHaveLength(1);
    expect(JSON.stringify(notes[0][1])).toContain(incident.id);
    expect(await escalated()).toEqual([{ data: { level: 1 } }]);
    expect(
      await stack.count(`SELECT count(*) AS n FROM incident_notification WHERE incident_id = '${incident.id}'`),
    ).toBe(1);
    // The escalated event goes to the operators' sockets by the incident-event stream, not only the database.
    const streamed = async () =>
      (await redis.xrange(`${stack.prefix}:stream:incident-events`, '-', '+')).flatMap(
        ([, fields]) => JSON.parse(fields[1]) as Array<{ type: string; incidentId: string }>,
      );
    await waitFor(streamed, (events) => events.some((e) => e.type === 'escalated' && e.incidentId === incident.id));
  });

  it('rebuilds its state from stored history after a restart and still keeps one incident for the key', async () => {
    const before = await fireIncidents();
    expect(await server!.stop()).toBe(0);
    server = undefined;
    server = await startServer({ ...env(), LOG_LEVEL: 'info' });
    const rebuilt = await waitFor(
      async () =>
        server!
          .logs()
          .split('\n')
          .find((l) => l.includes('correlation state rebuilt')),
      (line) => line !== undefined,
    );
    expect(JSON.parse(rebuilt!)).toMatchObject({ activeAlarms: 1 });
    expect(JSON.parse(rebuilt!).events).toBeGreaterThanOrEqual(2);
    // A fiercer fire in the same ward: the incident the new process rebuilt gets more severe; no new one opens.
    await publishReading(130, `corr-${++seq}`, deviceTopic('bin-fill', 'bin-p10-0001'));
    await waitFor(fireIncidents, (rows) => rows.length === 1 && rows[0].severity === 'critical');
    const after = await fireIncidents();
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(before[0].id);
    expect(await stack.count(`SELECT count(*) AS n FROM incident WHERE state <> 'closed'`)).toBe(
      await stack.count(`SELECT count(DISTINCT dedup_key) AS n FROM incident WHERE state <> 'closed'`),
    );
  });

  it('keeps a silenced incident quiet, over HTTP, until the silence is expired', async () => {
    const supervisor = await apiClient(server!.baseUrl, 'supervisor1');
    const integrator = await apiClient(server!.baseUrl, 'integrator1');
    const silence = {
      matchers: { type: 'bin-fire', zoneId: 'ward-p9' },
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      comment: 'thử nghiệm cảm biến nhiệt',
    };
    expect((await integrator.post('/api/v1/silences', silence)).status).toBe(403);
    expect(await supervisor.post('/api/v1/silences', { ...silence, matchers: {} })).toMatchObject({
      status: 400,
      body: { code: 'REQUEST_INVALID' },
    });
    const created = await supervisor.post<{ id: string; active: boolean }>('/api/v1/silences', silence);
    expect(created).toMatchObject({ status: 201, body: { active: true } });
    // The correlate role reads silences every 2 s.
    await new Promise((r) => setTimeout(r, 2_500));
    const p9 = deviceTopic('bin-fill', 'bin-p9-0001');
    const p9Fires = () => stack.count(`SELECT count(*) AS n FROM incident WHERE dedup_key = 'bin-fire:ward-p9'`);
    await publishReading(99, `corr-${++seq}`, p9);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await p9Fires()).toBe(0);

    expect(await supervisor.post(`/api/v1/silences/${created.body.id}/expire`)).toMatchObject({
      status: 200,
      body: { active: false },
    });
    expect((await supervisor.post(`/api/v1/silences/00000000-0000-4000-8000-000000000000/expire`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 2_500));
    await publishReading(101, `corr-${++seq}`, p9);
    await waitFor(p9Fires, (n) => n === 1);
    const listed =
      await supervisor.get<
        Array<{ id: string; expiredBy: string | null; createdByName: string | null; expiredByName: string | null }>
      >('/api/v1/silences');
    const mine = listed.body.find((x) => x.id === created.body.id);
    expect(mine?.expiredBy).toBeTruthy();
    // Who created and ended it, by name, for every reader (operators cannot list users).
    expect(mine).toMatchObject({ createdByName: 'Lê Hoàng Nam', expiredByName: 'Lê Hoàng Nam' });
  });
});
