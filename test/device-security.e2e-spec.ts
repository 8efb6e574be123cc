import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { deviceTopic, gatewayTopic, type MqttCredentials } from '@ioc/contracts';
import {
  apiClient,
  messageBody,
  startServer,
  startTestStack,
  type ApiClient,
  type ServerHandle,
  type TestStack,
} from '@ioc/testing';

/**
 * The device plane with security on, as an attacker and as an integrator meet it: a real Mosquitto with the Dynamic
 * Security plugin, the built IOC managing it, a real PostgreSQL. What the broker refuses is never stored; what the
 * IOC refuses is quarantined with its code.
 */
describe('device security end to end', () => {
  let stack: TestStack;
  let server: ServerHandle;
  let integrator: ApiClient;
  let operator: ApiClient;
  const clients: MqttClient[] = [];

  const connectAs = (c: Pick<MqttCredentials, 'username' | 'password' | 'clientId'>, extra: IClientOptions = {}) =>
    connectAsync(stack.broker.url, {
      protocolVersion: 5,
      username: c.username,
      password: c.password,
      clientId: c.clientId,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...extra,
    }).then((c) => {
      clients.push(c);
      return c;
    });

  async function waitFor(predicate: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; logs:\n${server.logs().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const storedOf = (deviceId: string) =>
    stack.count(`SELECT count(*) AS n FROM raw_message WHERE device_id = '${deviceId.replace(/'/g, "''")}'`);
  const quarantinedOf = (code: string) =>
    stack.count(`SELECT count(*) AS n FROM quarantine WHERE code = '${code.replace(/'/g, "''")}'`);

  beforeAll(async () => {
    stack = await startTestStack('devsec');
    server = await startServer({ ...stack.env, AUTH_DEMO_USERS: 'true', INGEST_CONNECTIONS: '2' });
    integrator = await apiClient(server.baseUrl, 'integrator1');
    operator = await apiClient(server.baseUrl, 'operator1');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await server?.stop();
    await stack?.close();
  });

  it('refuses anonymous clients and the ingest identity to strangers', async () => {
    await expect(connectAs({ username: '', password: '', clientId: 'anon-1' })).rejects.toThrow(/Not authorized/);
    await expect(connectAsync(stack.broker.url, { protocolVersion: 5, reconnectPeriod: 0 })).rejects.toThrow(
      /Not authorized/,
    );
  });

  it('provisions a device over REST; it connects, publishes, and its reading is stored', async () => {
    const created = await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/devices', {
      id: 'wl-sec-001',
      type: 'water-level-sensor',
      wardId: 'ward-p3',
    });
    expect(created.status).toBe(201);
    const creds = created.body.credentials;
    expect(creds).toMatchObject({ username: 'wl-sec-001', clientId: 'wl-sec-001' });
    // Shown once: reading the device back never returns a password.
    const again = await integrator.get<Record<string, unknown>>('/api/v1/registry/devices/wl-sec-001');
    expect(JSON.stringify(again.body)).not.toContain(creds.password);
    // An operator may not touch the registry.
    expect((await operator.get('/api/v1/registry/devices')).status).toBe(403);

    const dev = await connectAs(creds);
    await dev.publishAsync(
      deviceTopic('water-level', 'wl-sec-001'),
      JSON.stringify(messageBody('water-level', 1, new Date(Date.now() - 1000))),
      { qos: 1 },
    );
    await waitFor(async () => (await storedOf('wl-sec-001')) === 1, 'the reading to be stored');
  });

  it("refuses a wrong password, another device's topic and the city's feed; nothing of it is stored", async () => {
    const { body } = await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/devices', {
      id: 'bin-sec-001',
      type: 'bin',
      wardId: 'ward-p8',
    });
    await expect(connectAs({ ...body.credentials, password: 'guessed-password' })).rejects.toThrow(/Not authorized/);
    const attacker = await connectAs(body.credentials);
    // A forged bin fire for a seed bin, a false flood for a seed water-level sensor: refused by the broker.
    const victimBin = 'bin-p8-0001';
    for (const [topic, kind] of [
      [deviceTopic('bin-fill', victimBin), 'bin-fill'],
      [deviceTopic('water-level', 'wl-p3-001'), 'water-level'],
      [gatewayTopic('gw-p8-01'), 'bin-fill'],
    ] as const) {
      await expect(
        attacker.publishAsync(topic, JSON.stringify({ ...messageBody(kind, 2, new Date()), temperatureC: 150 }), {
          qos: 1,
        }),
      ).rejects.toMatchObject({ code: 135 });
    }
    for (const filter of ['ioc/#', '$share/ioc-ingest/ioc/v1/#', 'ioc/feedback/v1/wl-sec-001']) {
      await expect(attacker.subscribeAsync(filter, { qos: 1 })).rejects.toMatchObject({
        packet: { granted: [135] },
      });
    }
    // The ingest's client ids are not for the taking.
    await expect(connectAs({ ...body.credentials, clientId: 'ioc-ingest-ioc-0' })).rejects.toThrow(/Not authorized/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await storedOf(victimBin)).toBe(0);
    expect(await storedOf('wl-p3-001')).toBe(0);
  });

  it("quarantines a gateway's entries for devices not assigned to it", async () => {
    await integrator.post('/api/v1/registry/devices/bulk', {
      devices: [
        { id: 'wl-sec-010', type: 'water-level-sensor', wardId: 'ward-p3' },
        { id: 'wl-sec-011', type: 'water-level-sensor', wardId: 'ward-p3' },
      ],
    });
    const gw = await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/gateways', {
      id: 'gw-sec-01',
      wardId: 'ward-p3',
      deviceIds: ['wl-sec-010'],
    });
    expect(gw.status).toBe(201);
    const before = await quarantinedOf('GATEWAY_DEVICE_NOT_ASSIGNED');
    const client = await connectAs(gw.body.credentials);
    const at = new Date(Date.now() - 2000);
    await client.publishAsync(
      gatewayTopic('gw-sec-01'),
      JSON.stringify({
        messages: [
          { deviceId: 'wl-sec-010', kind: 'water-level', ...messageBody('water-level', 10, at) },
          { deviceId: 'wl-sec-011', kind: 'water-level', ...messageBody('water-level', 11, at) },
          { deviceId: 'wl-p3-001', kind: 'water-level', ...messageBody('water-level', 12, at) },
        ],
      }),
      { qos: 1 },
    );
    await waitFor(async () => (await storedOf('wl-sec-010')) === 1, "the assigned device's entry");
    await waitFor(
      async () => (await quarantinedOf('GATEWAY_DEVICE_NOT_ASSIGNED')) === before + 2,
      'the unassigned entries in quarantine',
    );
    expect(await storedOf('wl-sec-011')).toBe(0);
    expect(await storedOf('wl-p3-001')).toBe(0);
  });

  it('disconnects a disabled device and a rotated password within 1 s', async () => {
    const { body } = await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/devices', {
      id: 'cam-sec-001',
      type: 'camera',
      wardId: 'ward-p1',
    });
    const closedWithin = async (c: MqttClient, act: () => Promise<unknown>) => {
      const closed = new Promise<number>((resolve) => c.once('close', () => resolve(performance.now())));
      const t0 = performance.now();
      await act();
      return (await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 2000))])) - t0;
    };
    const first = await connectAs(body.credentials);
    expect(
      await closedWithin(first, () => integrator.post('/api/v1/registry/devices/cam-sec-001/disable')),
    ).toBeLessThan(1000);
    await expect(connectAs(body.credentials)).rejects.toThrow(/Not authorized/);
    expect((await integrator.post('/api/v1/registry/devices/cam-sec-001/enable')).status).toBe(204);

    const second = await connectAs(body.credentials);
    let fresh: MqttCredentials | undefined;
    expect(
      await closedWithin(second, async () => {
        fresh = (await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/devices/cam-sec-001/rotate'))
          .body.credentials;
      }),
    ).toBeLessThan(1000);
    await expect(connectAs(body.credentials)).rejects.toThrow(/Not authorized/);
    await connectAs(fresh!);
  });
});
