import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import {
  openTestDatabase,
  repositorySeeds,
  startMosquitto,
  testLogger,
  type TestBroker,
  type TestDatabase,
} from '@ioc/testing';
import {
  bridgeTopic,
  deviceTopic,
  gatewayTopic,
  seedDevicePassword,
  standardTopic,
  type MqttCredentials,
} from '@ioc/contracts';
import { RegistryChangeTap } from '@ioc/queue';
import { planConnections } from '@ioc/city';
import { RegistryRepository } from '@ioc/storage';
import { systemClock } from '@ioc/platform';
import { DynsecClient } from './dynsec.client';
import { RegistryService, type NewDeviceInput } from './registry.service';

jest.setTimeout(120_000);

const SEED_SECRET = 'a-development-secret-of-the-tests';

/** Connects as an identity; resolves with the client or rejects with the broker's refusal. */
function connectAs(
  broker: TestBroker,
  c: Pick<MqttCredentials, 'username' | 'password' | 'clientId'>,
  extra: IClientOptions = {},
) {
  return connectAsync(broker.url, {
    protocolVersion: 5,
    username: c.username,
    password: c.password,
    clientId: c.clientId,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...extra,
  });
}

/** Resolves with the ms until the client is closed by the broker (rejects after `withinMs`). */
function closedWithin(client: MqttClient, withinMs: number): { ms: Promise<number>; start: () => void } {
  let t0 = 0;
  const ms = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${withinMs} ms`)), withinMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
  });
  return { ms, start: () => (t0 = performance.now()) };
}

async function refusedPublish(client: MqttClient, topic: string): Promise<number | undefined> {
  try {
    await client.publishAsync(topic, '{}', { qos: 1 });
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

async function subscribeCode(client: MqttClient, topic: string): Promise<number> {
  try {
    const granted = await client.subscribeAsync(topic, { qos: 1 });
    return granted[0]?.qos ?? -1;
  } catch (err) {
    return (err as { packet?: { granted?: number[] } }).packet?.granted?.[0] ?? -1;
  }
}

describe('device registry on a real Mosquitto with Dynamic Security', () => {
  /** Registers one device that connects directly and returns the credentials it was given. */
  async function createDirect(input: NewDeviceInput): Promise<MqttCredentials> {
    const [{ credentials }] = await registry.createDevices([input]);
    if (!credentials) throw new Error(`${input.id} got no credentials`);
    return credentials;
  }

  let broker: TestBroker;
  let opened: TestDatabase;
  let dynsec: DynsecClient;
  let registry: RegistryService;
  const clients: MqttClient[] = [];
  const tap = new RegistryChangeTap();
  const changed: string[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    opened = await openTestDatabase('postgres');
    dynsec = new DynsecClient(
      { url: broker.url, username: broker.admin.username, password: broker.admin.password, maxPacketBytes: 262144 },
      testLogger,
    );
    await dynsec.start();
    tap.subscribe((ids) => changed.push(...ids));
    registry = new RegistryService(
      new RegistryRepository(opened.db),
      dynsec,
      repositorySeeds().city,
      tap,
      systemClock,
      testLogger,
      SEED_SECRET,
    );
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  });

  afterAll(async () => {
    await dynsec?.stop();
    await opened?.close();
    await broker?.stop();
  });

  it('gives a new device credentials that let it publish its own kinds only', async () => {
    const credentials = await createDirect({ id: 'wl-int-001', type: 'water-level-sensor', wardId: 'ward-p3' });
    expect(await registry.device('wl-int-001')).toMatchObject({
      id: 'wl-int-001',
      wardCode: 'ward-p3',
      status: 'active',
    });
    expect(credentials).toMatchObject({ username: 'wl-int-001', clientId: 'wl-int-001' });
    expect(credentials.password.length).toBeGreaterThanOrEqual(32);
    expect(changed).toContain('wl-int-001');

    const dev = await connectAs(broker, credentials);
    clients.push(dev);
    await expect(dev.publishAsync(deviceTopic('water-level', 'wl-int-001'), '{}', { qos: 1 })).resolves.toBeDefined();
    // Another device's topic, another kind, the gateway topic, the feedback topic: refused by the broker (135).
    expect(await refusedPublish(dev, deviceTopic('water-level', 'wl-p3-001'))).toBe(135);
    expect(await refusedPublish(dev, deviceTopic('bin-fill', 'wl-int-001'))).toBe(135);
    expect(await refusedPublish(dev, gatewayTopic('gw-int'))).toBe(135);
    expect(await refusedPublish(dev, 'ioc/feedback/v1/wl-int-001')).toBe(135);
    // It reads its own feedback and nothing else.
    expect(await subscribeCode(dev, 'ioc/feedback/v1/wl-int-001')).toBeLessThan(128);
    expect(await subscribeCode(dev, 'ioc/#')).toBe(135);
    expect(await subscribeCode(dev, '$share/ioc-ingest/ioc/v1/#')).toBe(135);
    expect(await subscribeCode(dev, 'ioc/feedback/v1/wl-p3-001')).toBe(135);
  });

  it('refuses a wrong password, another client id, and reserved or taken ids', async () => {
    const credentials = await createDirect({ id: 'wl-int-002', type: 'water-level-sensor', wardId: 'ward-p3' });
    await expect(connectAs(broker, { ...credentials, password: 'wrong-password' })).rejects.toThrow(
      /Not authorized|Bad/,
    );
    // Its client id is pinned: it cannot take over the ingest's sessions, nor use any other id.
    await expect(connectAs(broker, { ...credentials, clientId: 'ioc-ingest-ioc-0' })).rejects.toThrow(/Not authorized/);
    await expect(
      registry.createDevices([{ id: 'ioc-ingest-ioc-0', type: 'water-level-sensor', wardId: 'ward-p3' }]),
    ).rejects.toMatchObject({ code: 'REGISTRY_ID_RESERVED' });
    await expect(
      registry.createDevices([{ id: 'wl-int-002', type: 'water-level-sensor', wardId: 'ward-p3' }]),
    ).rejects.toMatchObject({ code: 'REGISTRY_EXISTS' });
    await registry.createGateway({ id: 'gw-int-09', wardId: 'ward-p3' });
    await expect(
      registry.createDevices([{ id: 'gw-int-09', type: 'water-level-sensor', wardId: 'ward-p3' }]),
    ).rejects.toMatchObject({ code: 'REGISTRY_EXISTS' });
    await expect(registry.createGateway({ id: 'wl-int-002' })).rejects.toMatchObject({ code: 'REGISTRY_EXISTS' });
    await expect(
      registry.createDevices([{ id: 'wl-int-009', type: 'water-level-sensor', wardId: 'ward-nowhere' }]),
    ).rejects.toMatchObject({ code: 'REGISTRY_INVALID' });
    // Nothing half-made: the refused batch left no device behind.
    expect(await new RegistryRepository(opened.db).device('wl-int-009')).toBeNull();
  });

  it('disconnects a disabled device within 1 s and refuses it until enabled', async () => {
    const credentials = await createDirect({
      id: 'wl-int-003',
      type: 'water-level-sensor',
      lat: 9.6033,
      lon: 105.9722,
    });
    const dev = await connectAs(broker, credentials);
    clients.push(dev);
    const closed = closedWithin(dev, 1000);
    closed.start();
    await registry.setEnabled('device', 'wl-int-003', false);
    expect(await closed.ms).toBeLessThan(1000);
    await expect(connectAs(broker, credentials)).rejects.toThrow(/Not authorized/);
    await registry.setEnabled('device', 'wl-int-003', true);
    clients.push(await connectAs(broker, credentials));
  });

  it('disconnects on rotation within 1 s; the old password stops working, the new one works', async () => {
    const credentials = await createDirect({ id: 'bin-int-001', type: 'bin', wardId: 'ward-p8' });
    const dev = await connectAs(broker, credentials);
    clients.push(dev);
    const closed = closedWithin(dev, 1000);
    closed.start();
    const fresh = await registry.rotate('device', 'bin-int-001');
    expect(await closed.ms).toBeLessThan(1000);
    expect(fresh.password).not.toBe(credentials.password);
    await expect(connectAs(broker, credentials)).rejects.toThrow(/Not authorized/);
    const again = await connectAs(broker, fresh);
    clients.push(again);
    await expect(again.publishAsync(deviceTopic('bin-fill', 'bin-int-001'), '{}', { qos: 1 })).resolves.toBeDefined();
  });

  it("lets a gateway publish its batches and read its devices' feedback, following assignments", async () => {
    await registry.createDevices([
      { id: 'wl-int-010', type: 'water-level-sensor', wardId: 'ward-p3' },
      { id: 'wl-int-011', type: 'water-level-sensor', wardId: 'ward-p3' },
    ]);
    const { credentials, gateway } = await registry.createGateway({
      id: 'gw-int-01',
      wardId: 'ward-p3',
      deviceIds: ['wl-int-010'],
    });
    expect(gateway.deviceIds).toEqual(['wl-int-010']);
    const gw = await connectAs(broker, credentials);
    clients.push(gw);
    await expect(gw.publishAsync(gatewayTopic('gw-int-01'), '{}', { qos: 1 })).resolves.toBeDefined();
    expect(await refusedPublish(gw, gatewayTopic('gw-p3-01'))).toBe(135);
    expect(await refusedPublish(gw, deviceTopic('water-level', 'wl-int-010'))).toBe(135);
    expect(await subscribeCode(gw, 'ioc/feedback/v1/wl-int-010')).toBeLessThan(128);
    expect(await subscribeCode(gw, 'ioc/feedback/v1/wl-int-011')).toBe(135);

    await registry.assign(['wl-int-011'], 'gw-int-01');
    await registry.assign(['wl-int-010'], null);
    expect((await registry.gateway('gw-int-01')).deviceIds).toEqual(['wl-int-011']);
    expect(await subscribeCode(gw, 'ioc/feedback/v1/wl-int-011')).toBeLessThan(128);
    expect(await subscribeCode(gw, 'ioc/feedback/v1/wl-int-010')).toBe(135);
  });

  it('gives a device behind a gateway no identity of its own; moving a direct one behind a gateway ends its session', async () => {
    await registry.createGateway({ id: 'gw-int-02', wardId: 'ward-p3' });
    const [behind] = await registry.createDevices([
      { id: 'wl-int-020', type: 'water-level-sensor', wardId: 'ward-p3', gatewayId: 'gw-int-02' },
    ]);
    expect(behind.credentials).toBeNull();
    await expect(registry.rotate('device', 'wl-int-020')).rejects.toMatchObject({ code: 'REGISTRY_INVALID' });

    const credentials = await createDirect({ id: 'wl-int-021', type: 'water-level-sensor', wardId: 'ward-p3' });
    const dev = await connectAs(broker, credentials);
    clients.push(dev);
    const closed = closedWithin(dev, 1000);
    closed.start();
    await registry.assign(['wl-int-021'], 'gw-int-02');
    expect(await closed.ms).toBeLessThan(1000);
    await expect(connectAs(broker, credentials)).rejects.toThrow(/Not authorized/);
    // Off the gateway again, it is direct, with an identity but no password until one is rotated.
    await registry.assign(['wl-int-021'], null);
    await expect(connectAs(broker, credentials)).rejects.toThrow(/Not authorized/);
    clients.push(await connectAs(broker, await registry.rotate('device', 'wl-int-021')));
  });

  it('forgets a deleted device at the broker at once', async () => {
    const credentials = await createDirect({ id: 'cam-int-001', type: 'camera', wardId: 'ward-p1' });
    const dev = await connectAs(broker, credentials);
    clients.push(dev);
    const closed = closedWithin(dev, 1000);
    closed.start();
    await registry.remove('device', 'cam-int-001');
    expect(await closed.ms).toBeLessThan(1000);
    await expect(connectAs(broker, credentials)).rejects.toThrow(/Not authorized/);
    await expect(registry.device('cam-int-001')).rejects.toMatchObject({ code: 'REGISTRY_NOT_FOUND' });
  });

  it("registers the city's devices once, and reconcile restores identities the broker lost", async () => {
    const city = repositorySeeds().city;
    expect(await registry.seedCity()).toBe(city.devices.length);
    expect(await registry.seedCity()).toBe(0);
    const first = await registry.reconcile();
    // The city's direct devices and its gateways; sensors behind a gateway have no identity of their own.
    const plan = planConnections(city.devices);
    expect(first.created).toBe(plan.direct.size + plan.gateways.length);
    const seedDevice = city.devices.find((d) => d.type === 'pump')!;
    const password = seedDevicePassword(SEED_SECRET, seedDevice.id);
    clients.push(await connectAs(broker, { username: seedDevice.id, password, clientId: seedDevice.id }));
    // The broker loses one identity (a restored backup, a hand edit): the next start puts it back.
    await dynsec.send([{ command: 'deleteClient', username: seedDevice.id }]);
    const second = await registry.reconcile();
    expect(second.created).toBe(1);
    clients.push(await connectAs(broker, { username: seedDevice.id, password, clientId: `${seedDevice.id}` }));
    expect((await registry.reconcile()).created).toBe(0);
  });

  it("lets a device publish standard payloads on its own topics only, and brings an older role's ACLs up to date", async () => {
    const credentials = await createDirect({ id: 'wl-int-std', type: 'water-level-sensor', wardId: 'ward-p3' });
    const device = await connectAs(broker, credentials);
    clients.push(device);
    expect(await refusedPublish(device, standardTopic('senml', 'wl-int-std'))).toBeUndefined();
    expect(await refusedPublish(device, standardTopic('ngsi-ld', 'wl-int-std'))).toBeUndefined();
    expect(await refusedPublish(device, standardTopic('senml', 'wl-p3-001'))).toBe(135);
    expect(await refusedPublish(device, bridgeTopic('ngsi-ld', 'http-x'))).toBe(135);
    // A role as a version before the standard topics made it: the next start grants what this one grants.
    await dynsec.send([
      {
        command: 'removeRoleACL',
        rolename: 'device:wl-int-std',
        acltype: 'publishClientSend',
        topic: standardTopic('senml', 'wl-int-std'),
      },
    ]);
    const again = await connectAs(broker, credentials);
    clients.push(again);
    expect(await refusedPublish(again, standardTopic('senml', 'wl-int-std'))).toBe(135);
    expect((await registry.reconcile()).fixed).toBeGreaterThanOrEqual(1);
    const after = await connectAs(broker, credentials);
    clients.push(after);
    expect(await refusedPublish(after, standardTopic('senml', 'wl-int-std'))).toBeUndefined();
    expect((await registry.reconcile()).fixed).toBe(0);
  });
});
