import type { MqttClient } from 'mqtt';
import { deviceTopic } from '@ioc/contracts';
import { apiClient, pollUntil, startServer, startTestStack, type ServerHandle, type TestStack } from '@ioc/testing';

/**
 * Early firing, whole system: with a long allowed lateness (5 s), a hot bin published over MQTT is an incident long
 * before the watermark passes the reading; when it does, the watermark engine confirms the raise into the same
 * incident (one incident, one `opened` event), as the server's health reports; an operator's resolution in between
 * is kept.
 */
describe('early firing end to end', () => {
  const LATENESS_MS = 5_000;
  let stack: TestStack;
  let server: ServerHandle | undefined;
  let publisher: MqttClient;

  beforeAll(async () => {
    stack = await startTestStack('early');
    server = await startServer({
      ...stack.env,
      IOC_ROLES: 'api,ingest,correlate,jobs',
      INGEST_CONNECTIONS: '2',
      CORRELATION_ALLOWED_LATENESS_MS: String(LATENESS_MS),
      CORRELATION_TICK_MS: '100',
    });
    publisher = await stack.broker.connectTrusted({ clientId: `pub-early-${process.pid}` });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    if (server) expect(await server.stop()).toBe(0);
    await stack?.close();
  });

  const waitFor = <T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number) =>
    pollUntil(read, ok, { timeoutMs, everyMs: 20, context: () => `server logs:\n${server?.logs().slice(-4000)}` });

  const incidents = () =>
    stack.pool
      .query<{ id: string; state: string; severity: string }>(
        `SELECT id, state, severity FROM incident WHERE type = 'bin-fire'`,
      )
      .then((r) => r.rows);
  const early = async () =>
    (
      await server!.health<{
        correlate: { early?: { raised: number; confirmed: number; withdrawn: number; pending: number } };
      }>()
    ).body.correlate.early;

  it('opens the incident ahead of the watermark; the watermark confirms it into the same incident', async () => {
    const started = Date.now();
    await publisher.publishAsync(
      deviceTopic('bin-fill', 'bin-p10-0041'),
      JSON.stringify({ msgId: 'early-1', ts: new Date().toISOString(), fillPct: 50, temperatureC: 95, tiltDeg: 1 }),
      { qos: 1 },
    );
    const [incident] = await waitFor(incidents, (rows) => rows.length > 0, LATENESS_MS);
    const openedMs = Date.now() - started;
    process.stdout.write(`reading → incident committed in ${openedMs} ms (allowed lateness ${LATENESS_MS} ms)\n`);
    expect(openedMs).toBeLessThan(LATENESS_MS);
    expect(incident).toMatchObject({ state: 'open', severity: 'major' });
    expect(await early()).toMatchObject({ raised: 1, confirmed: 0, pending: 1 });

    await waitFor(early, (e) => e?.confirmed === 1, 3 * LATENESS_MS);
    expect(await early()).toMatchObject({ raised: 1, confirmed: 1, withdrawn: 0, pending: 0 });
    expect(await incidents()).toEqual([incident]);
    const events = await stack.pool.query<{ type: string }>(
      `SELECT type FROM incident_event WHERE incident_id = $1 ORDER BY seq`,
      [incident.id],
    );
    expect(events.rows.map((r) => r.type)).toEqual(['opened']);
  });

  it("keeps an operator's resolution of an early incident when the watermark confirms the raise", async () => {
    const operator = await apiClient(server!.baseUrl, 'operator1');
    const before = (await early())!.confirmed;
    await publisher.publishAsync(
      deviceTopic('bin-fill', 'bin-p3-0001'),
      JSON.stringify({ msgId: 'early-2', ts: new Date().toISOString(), fillPct: 50, temperatureC: 95, tiltDeg: 1 }),
      { qos: 1 },
    );
    const [row] = await waitFor(
      () =>
        stack.pool
          .query<{ id: string }>(`SELECT id FROM incident WHERE dedup_key = 'bin-fire:ward-p3'`)
          .then((r) => r.rows),
      (rows) => rows.length > 0,
      LATENESS_MS,
    );
    // Put out before the watermark reaches the reading.
    expect((await operator.post(`/api/v1/incidents/${row.id}/resolve`, { note: 'đã dập lửa' })).body).toMatchObject({
      incident: { state: 'resolved' },
    });
    await waitFor(early, (e) => e!.confirmed === before + 1, 3 * LATENESS_MS);
    expect(
      (await stack.pool.query<{ state: string }>(`SELECT state FROM incident WHERE id = $1`, [row.id])).rows,
    ).toEqual([{ state: 'resolved' }]);
    const events = await stack.pool.query<{ type: string }>(
      `SELECT type FROM incident_event WHERE incident_id = $1 ORDER BY seq`,
      [row.id],
    );
    expect(events.rows.map((r) => r.type)).toEqual(['opened', 'resolved']);
  });
});
