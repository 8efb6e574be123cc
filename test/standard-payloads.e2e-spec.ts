import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { gatewayStandardTopic, standardTopic, type MqttCredentials } from '@ioc/contracts';
import {
  apiClient,
  startServer,
  startTestStack,
  pollUntil,
  type ApiClient,
  type ServerHandle,
  type TestStack,
  projectRoot,
} from '@ioc/testing';

/** A FIWARE Smart Data Model's published example, as stored beside the translator's tests. */
const publishedExample = (file: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(path.join(projectRoot(), 'libs/contracts/src/formats/fixtures/smart-data-models', file), 'utf8'),
  ) as Record<string, unknown>;

/**
 * Standard payloads with security on, from the devices' side and from a FIWARE context broker's: SenML from a sensor
 * and from a LoRaWAN network server (a gateway), NGSI-LD from a sensor and as notifications posted over HTTP. Each
 * lands as the native reading it means, or in quarantine with a code; what the broker refuses never arrives.
 */
describe('standard payloads end to end', () => {
  let stack: TestStack;
  let server: ServerHandle;
  let integrator: ApiClient;
  let operator: ApiClient;
  let sensor: MqttCredentials;
  let gateway: MqttCredentials;
  const clients: MqttClient[] = [];

  const connectAs = async (c: MqttCredentials) => {
    const client = await connectAsync(stack.broker.url, {
      protocolVersion: 5,
      username: c.username,
      password: c.password,
      clientId: c.clientId,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    clients.push(client);
    return client;
  };
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const bodiesOf = async (deviceId: string) =>
    (
      await stack.pool.query<{ body: Record<string, unknown>; topic: string; gateway_id: string | null }>(
        `SELECT body, topic, gateway_id FROM raw_message WHERE device_id = ${q(deviceId)} ORDER BY time`,
      )
    ).rows;
  const quarantined = async (code: string) =>
    (
      await stack.pool.query<{ device_id: string | null; reason: string; topic: string; payload: Buffer }>(
        `SELECT device_id, reason, topic, payload FROM quarantine WHERE code = ${q(code)} ORDER BY id`,
      )
    ).rows;
  const until = (what: string, predicate: () => Promise<boolean>) =>
    pollUntil(predicate, Boolean, { everyMs: 100, context: () => `${what}; logs:\n${server.logs().slice(-3000)}` });
  const nowS = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    stack = await startTestStack('stdfmt');
    server = await startServer({ ...stack.env, AUTH_DEMO_USERS: 'true' });
    integrator = await apiClient(server.baseUrl, 'integrator1');
    operator = await apiClient(server.baseUrl, 'operator1');
    const dev = await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/devices', {
      id: 'wl-std-001',
      type: 'water-level-sensor',
      wardId: 'ward-p3',
    });
    expect(dev.status).toBe(201);
    sensor = dev.body.credentials;
    for (const id of ['bin-std-001', 'bin-std-002', 'bin-std-003']) {
      expect((await integrator.post('/api/v1/registry/devices', { id, type: 'bin', wardId: 'ward-p8' })).status).toBe(
        201,
      );
    }
    const gw = await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/gateways', {
      id: 'gw-std-01',
      wardId: 'ward-p8',
      deviceIds: ['bin-std-001', 'bin-std-002'],
    });
    expect(gw.status).toBe(201);
    gateway = gw.body.credentials;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await server?.stop();
    await stack?.close();
  });

  it("stores a sensor's SenML pack as one reading with its battery, in native units", async () => {
    const client = await connectAs(sensor);
    const t = nowS() - 5;
    const pack = [
      { bn: 'urn:dev:ioc:wl-std-001:', bt: t, n: 'water-level', u: 'm', v: 0.235 },
      { n: 'battery', u: '%EL', v: 81 },
      { n: 'water-level', u: 'cm', v: 24, t: 1 },
    ];
    await client.publishAsync(standardTopic('senml', 'wl-std-001'), JSON.stringify(pack), { qos: 1 });
    await until('two readings of wl-std-001', async () => (await bodiesOf('wl-std-001')).length === 2);
    const [first, second] = await bodiesOf('wl-std-001');
    expect(first.body).toMatchObject({ levelCm: 23.5, batteryPct: 81, ts: new Date(t * 1000).toISOString() });
    expect(second.body).toMatchObject({ levelCm: 24, ts: new Date((t + 1) * 1000).toISOString() });
    expect(first.topic).toBe('ioc/v1/senml/wl-std-001');

    // The same pack again is stored once (its msgIds derive from device, kind and time); a bad unit is quarantined.
    await client.publishAsync(standardTopic('senml', 'wl-std-001'), JSON.stringify(pack), { qos: 1 });
    await client.publishAsync(
      standardTopic('senml', 'wl-std-001'),
      JSON.stringify([{ n: 'water-level', u: 'Cel', v: 20, t: -1 }]),
      { qos: 1 },
    );
    await until('the bad unit in quarantine', async () => (await quarantined('SENML_UNIT_INVALID')).length === 1);
    expect((await quarantined('SENML_UNIT_INVALID'))[0]).toMatchObject({ device_id: 'wl-std-001' });
    expect(await bodiesOf('wl-std-001')).toHaveLength(2);
  });

  it("refuses a sensor's SenML on another device's topic at the broker", async () => {
    const client = await connectAs(sensor);
    await expect(
      client.publishAsync(standardTopic('senml', 'wl-p3-001'), JSON.stringify([{ n: 'water-level', u: 'cm', v: 90 }]), {
        qos: 1,
      }),
    ).rejects.toMatchObject({ code: 135 });
  });

  it("stores a network server's SenML pack for its bins, and refuses the entries it may not send", async () => {
    const client = await connectAs(gateway);
    const t = nowS() - 3;
    const pack = [
      { bn: 'urn:dev:ioc:bin-std-001:', bt: t, n: 'fill', u: '%', v: 55 },
      { bn: 'urn:dev:ioc:bin-std-002:', n: 'fill', u: '%', v: 91 },
      { n: 'temperature', u: 'Cel', v: 33 },
      // Registered, but not behind this gateway.
      { bn: 'urn:dev:ioc:bin-std-003:', n: 'fill', u: '%', v: 10 },
      { bn: 'urn:dev:ioc:bin-std-001:', n: 'odour', u: '%', v: 3 },
    ];
    await client.publishAsync(gatewayStandardTopic('senml', 'gw-std-01'), JSON.stringify(pack), { qos: 1 });
    await until('both bins stored', async () => (await bodiesOf('bin-std-002')).length === 1);
    await until('bin-std-001 stored', async () => (await bodiesOf('bin-std-001')).length === 1);
    expect((await bodiesOf('bin-std-001'))[0]).toMatchObject({ body: { fillPct: 55 }, gateway_id: 'gw-std-01' });
    expect((await bodiesOf('bin-std-002'))[0].body).toMatchObject({ fillPct: 91, temperatureC: 33 });
    await until(
      'the unassigned bin refused',
      async () => (await quarantined('GATEWAY_DEVICE_NOT_ASSIGNED')).length > 0,
    );
    expect(await bodiesOf('bin-std-003')).toHaveLength(0);
    const unknown = await quarantined('SENML_NAME_UNKNOWN');
    expect(unknown.map((r) => r.reason).join(' ')).toContain('odour');
    // The refused record is kept alone, readable.
    expect(JSON.parse(unknown[0].payload.toString('utf8'))).toEqual(
      expect.arrayContaining([expect.objectContaining({ v: 3 })]),
    );
  });

  it("stores a sensor's NGSI-LD entity published over MQTT", async () => {
    const client = await connectAs(sensor);
    const observedAt = new Date(Date.now() - 2000).toISOString();
    const entity = {
      id: 'urn:ngsi-ld:FloodMonitoring:wl-std-001',
      type: 'FloodMonitoring',
      currentLevel: { type: 'Property', value: 0.42, unitCode: 'MTR', observedAt },
    };
    await client.publishAsync(standardTopic('ngsi-ld', 'wl-std-001'), JSON.stringify(entity), { qos: 1 });
    await until('the entity stored', async () => (await bodiesOf('wl-std-001')).some((r) => r.body.ts === observedAt));
    expect((await bodiesOf('wl-std-001')).find((r) => r.body.ts === observedAt)?.body).toMatchObject({ levelCm: 42 });
  });

  it('takes NGSI-LD notifications over HTTP from an integrator only, and lands them as readings', async () => {
    const observedAt = new Date(Date.now() - 1000).toISOString();
    const notification = {
      id: 'urn:ngsi-ld:Notification:1',
      type: 'Notification',
      subscriptionId: 'urn:ngsi-ld:Subscription:ioc-bins',
      notifiedAt: new Date().toISOString(),
      data: [
        {
          id: 'urn:ngsi-ld:WasteContainer:bin-std-001',
          type: 'WasteContainer',
          fillingLevel: { type: 'Property', value: 0.7, observedAt },
        },
        {
          id: 'urn:ngsi-ld:Streetlight:lamp-1',
          type: 'Streetlight',
          powerState: { type: 'Property', value: 'on', observedAt },
        },
      ],
    };
    const url = `${server.baseUrl}/api/v1/ngsi-ld/notify`;
    const post = (body: unknown, headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

    expect((await post(notification, { 'content-type': 'application/json' })).status).toBe(401);
    const asOperator = await post(notification, {
      'content-type': 'application/json',
      authorization: `Bearer ${operator.token}`,
    });
    expect(asOperator.status).toBe(403);
    const bad = await post(
      { type: 'Notification', data: 'nope' },
      { 'content-type': 'application/json', authorization: `Bearer ${integrator.token}` },
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'NGSI_LD_NOTIFICATION_INVALID' });
    const notJson = await post('{"type": "Notif', {
      'content-type': 'application/ld+json',
      authorization: `Bearer ${integrator.token}`,
    });
    expect(notJson.status).toBe(400);

    // Orion-LD posts JSON-LD when the subscription asks for it.
    const ok = await post(notification, {
      'content-type': 'application/ld+json',
      authorization: `Bearer ${integrator.token}`,
    });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ accepted: 2, topic: 'ioc/v1/bridge/http-integrator1/ngsi-ld' });
    await until('the bin reading from the notification', async () =>
      (await bodiesOf('bin-std-001')).some((r) => r.body.ts === observedAt),
    );
    const row = (await bodiesOf('bin-std-001')).find((r) => r.body.ts === observedAt);
    expect(row).toMatchObject({
      body: { fillPct: 70 },
      topic: 'ioc/v1/bridge/http-integrator1/ngsi-ld',
      gateway_id: null,
    });
    await until(
      'the unsupported entity in quarantine',
      async () => (await quarantined('NGSI_LD_TYPE_UNSUPPORTED')).length === 1,
    );
    expect((await quarantined('NGSI_LD_TYPE_UNSUPPORTED'))[0].reason).toContain('Streetlight');

    // The model's published example as a context broker forwards it (its device now one of ours, its time recent).
    const example = publishedExample('water-observed.normalized.json');
    const dateObserved = new Date(Date.now() - 500).toISOString();
    const forwarded = await post(
      {
        ...notification,
        data: [
          {
            ...example,
            id: 'urn:ngsi-ld:WaterObserved:wl-std-001',
            refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:wl-std-001' },
            dateObserved: { type: 'Property', value: dateObserved },
          },
        ],
      },
      { 'content-type': 'application/json', authorization: `Bearer ${integrator.token}` },
    );
    expect(forwarded.status).toBe(202);
    await until('the published WaterObserved example stored', async () =>
      (await bodiesOf('wl-std-001')).some((r) => r.body.ts === dateObserved),
    );
    const height = (example.height as { value: number }).value;
    expect((await bodiesOf('wl-std-001')).find((r) => r.body.ts === dateObserved)?.body).toMatchObject({
      levelCm: height * 100,
    });

    // Too large for one MQTT message: refused at the door, with the API's error shape.
    const huge = { ...notification, data: [{ ...notification.data[0], note: 'x'.repeat(300_000) }] };
    const tooLarge = await post(huge, {
      'content-type': 'application/json',
      authorization: `Bearer ${integrator.token}`,
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
  it('takes notifications from a context broker registered as a gateway, for its own devices only', async () => {
    const observedAt = new Date(Date.now() - 800).toISOString();
    const entity = (deviceId: string, fill: number) => ({
      id: `urn:ngsi-ld:WasteContainer:${deviceId}`,
      type: 'WasteContainer',
      fillingLevel: { type: 'Property', value: fill, observedAt },
    });
    const notification = {
      id: 'urn:ngsi-ld:Notification:2',
      type: 'Notification',
      subscriptionId: 'urn:ngsi-ld:Subscription:gw-bins',
      notifiedAt: new Date().toISOString(),
      data: [entity('bin-std-002', 0.35), entity('bin-std-003', 0.5)],
    };
    const basic = (id: string, password: string) => `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}`;
    const post = (authorization: string) =>
      fetch(`${server.baseUrl}/api/v1/ngsi-ld/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(notification),
      });
    expect((await post(basic('gw-std-01', 'not-its-password'))).status).toBe(401);
    expect((await post(basic('gw-nowhere', gateway.password))).status).toBe(401);
    const ok = await post(basic('gw-std-01', gateway.password));
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ accepted: 2, topic: 'ioc/v1/gateway/gw-std-01/ngsi-ld' });
    await until('the assigned bin stored from the gateway', async () =>
      (await bodiesOf('bin-std-002')).some((r) => r.body.ts === observedAt),
    );
    expect((await bodiesOf('bin-std-002')).find((r) => r.body.ts === observedAt)).toMatchObject({
      body: { fillPct: 35 },
      gateway_id: 'gw-std-01',
    });
    await until('the unassigned bin refused', async () =>
      (await quarantined('GATEWAY_DEVICE_NOT_ASSIGNED')).some((r) => r.topic === 'ioc/v1/gateway/gw-std-01/ngsi-ld'),
    );
    expect((await bodiesOf('bin-std-003')).some((r) => r.body.ts === observedAt)).toBe(false);
    // A disabled gateway signs in no more.
    expect((await integrator.post('/api/v1/registry/gateways/gw-std-01/disable')).status).toBe(204);
    expect((await post(basic('gw-std-01', gateway.password))).status).toBe(401);
    // A gateway's password is guessed at no faster than a user's: after 5 failures (AUTH_LOGIN_MAX_ATTEMPTS), 429.
    for (let i = 0; i < 4; i++) expect((await post(basic('gw-nowhere', `guess-${i}`))).status).toBe(401);
    const throttled = await post(basic('gw-nowhere', 'guess-5'));
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toMatchObject({ code: 'AUTH_THROTTLED' });
  });
  it("serves the standard payloads' and the receipt's schemas beside the native ones", async () => {
    const all = await operator.get<{ standard: Record<string, { $id: string }>; receipt: { $id: string } }>(
      '/api/v1/contract/schemas',
    );
    expect(all.status).toBe(200);
    expect(all.body.standard.senml.$id).toBe('senml-pack');
    expect(all.body.standard['ngsi-ld'].$id).toBe('ngsi-ld-payload');
    expect(all.body.receipt.$id).toBe('receipt');
    for (const id of ['senml-pack', 'ngsi-ld-payload', 'receipt', 'gateway', 'water-level']) {
      const one = await operator.get<{ $id: string }>(`/api/v1/contract/schemas/${id}`);
      expect(one).toMatchObject({ status: 200, body: { $id: id } });
    }
    expect((await operator.get('/api/v1/contract/schemas/constructor')).status).toBe(404);
  });
});
