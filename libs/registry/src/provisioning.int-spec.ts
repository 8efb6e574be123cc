import { spawn, type ChildProcess } from 'node:child_process';
import { pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { Pool } from 'pg';
import {
  ProvisionResponseSchema,
  type CreateProvisioningKeyRequest,
  type ProvisionResponse,
  type ProvisioningKeyCredentials,
} from '@ioc/contracts';
import { RegistryChangeTap } from '@ioc/queue';
import { RegistryRepository } from '@ioc/storage';
import {
  freePort,
  killWithParent,
  openTestDatabase,
  repositorySeeds,
  testLogger,
  type TestDatabase,
} from '@ioc/testing';
import { adminAcls, type DynsecAcl } from './broker-acl';
import { DynsecClient } from './dynsec.client';
import { ProvisioningResponder } from './provisioning.responder';
import { ProvisioningService } from './provisioning.service';
import { credentialHash, RegistryService } from './registry.service';

jest.setTimeout(60_000);

const PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
const T0 = Date.parse('2026-12-07T03:00:00.000Z');

/**
 * A Mosquitto with the Dynamic Security plugin, anonymous clients refused, holding only the IOC's admin identity (its
 * role from adminAcls()) and a reader of every device topic for the assertions. Minimal on purpose: to be replaced by
 * the shared secured broker of test/support/mosquitto.ts.
 */
async function startSecuredBroker() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ioc-prov-broker-'));
  chmodSync(dir, 0o777); // Mosquitto started as root drops to its own user, which writes the plugin's state file.
  const port = await freePort();
  const admin = { username: 'ioc-admin', password: randomBytes(24).toString('base64url') };
  const reader = { username: 'ioc-test-reader', password: randomBytes(24).toString('base64url') };
  const hashed = (password: string) => {
    const salt = randomBytes(12);
    return {
      password: pbkdf2Sync(password, salt, 101, 64, 'sha512').toString('base64'),
      salt: salt.toString('base64'),
      iterations: 101,
    };
  };
  const role = (rolename: string, acls: readonly DynsecAcl[]) => ({ rolename, acls });
  const state = {
    defaultACLAccess: { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true },
    clients: [
      { username: admin.username, ...hashed(admin.password), roles: [{ rolename: 'ioc-admin' }] },
      { username: reader.username, ...hashed(reader.password), roles: [{ rolename: 'ioc-test-reader' }] },
    ],
    groups: [],
    roles: [
      role('ioc-admin', adminAcls()),
      role('ioc-test-reader', [
        { acltype: 'subscribePattern', topic: 'ioc/v1/#', allow: true },
        { acltype: 'publishClientReceive', topic: 'ioc/v1/#', allow: true },
      ]),
    ],
  };
  const stateFile = path.join(dir, 'dynamic-security.json');
  writeFileSync(stateFile, JSON.stringify(state));
  chmodSync(stateFile, 0o666);
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'per_listener_settings false',
      'allow_anonymous false',
      `listener ${port} 127.0.0.1`,
      `plugin ${PLUGIN}`,
      `plugin_opt_config_file ${stateFile}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  killWithParent(child);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  for (let deadline = Date.now() + 5000; ;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1', () => resolve(!!s.end()));
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`mosquitto did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    admin,
    reader,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Broker = Awaited<ReturnType<typeof startSecuredBroker>>;

/** A device holding a provisioning key: connected as the key's identity, listening on its response topic. */
async function keyHolder(url: string, c: ProvisioningKeyCredentials) {
  const client = await connectAsync(url, {
    protocolVersion: 5,
    username: c.username,
    password: c.password,
    clientId: c.clientId,
    reconnectPeriod: 0,
  });
  await client.subscribeAsync(c.responseTopic, { qos: 1 });
  const answers = new Map<string, (r: ProvisionResponse) => void>();
  client.on('message', (_topic, payload, packet) => {
    const id = packet.properties?.correlationData?.toString();
    if (id) answers.get(id)?.(ProvisionResponseSchema.parse(JSON.parse(payload.toString())));
  });
  return {
    client,
    /** Publishes a request and waits for the answer carrying its correlation data. */
    async ask(request: unknown, responseTopic = c.responseTopic): Promise<ProvisionResponse> {
      const id = randomUUID();
      const answer = new Promise<ProvisionResponse>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(request)}`)), 10_000);
        answers.set(id, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
      await client.publishAsync(c.requestTopic, JSON.stringify(request), {
        qos: 1,
        properties: { responseTopic, correlationData: Buffer.from(id) },
      });
      return answer;
    },
  };
}

/** Resolves with the MQTT 5 reason of the broker's DISCONNECT (or 'closed'), within `ms`. */
function disconnection(client: MqttClient, ms = 1000): Promise<number | 'closed' | 'still connected'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still connected'), ms);
    client.once('disconnect', (p) => {
      clearTimeout(timer);
      resolve(p.reasonCode ?? 0);
    });
    client.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

/** Whether the broker lets these credentials in (CONNACK reason, 0 = accepted). */
async function connectReason(url: string, o: { username: string; password: string; clientId: string }) {
  try {
    const c = await connectAsync(url, { protocolVersion: 5, ...o, reconnectPeriod: 0, connectTimeout: 5000 });
    await c.endAsync();
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

describe('fleet self-provisioning (Mosquitto with Dynamic Security, PostgreSQL)', () => {
  let broker: Broker;
  let opened: TestDatabase;
  let pool: Pool;
  let dynsec: DynsecClient;
  let responder: ProvisioningResponder;
  let provisioning: ProvisioningService;
  let repo: RegistryRepository;
  let nowMs = T0;
  const clocks = { now: () => new Date(nowMs), nowMs: () => nowMs };
  const open: MqttClient[] = [];
  const track = <C extends MqttClient>(c: C) => (open.push(c), c);

  const newKey = (over: Partial<CreateProvisioningKeyRequest> = {}) =>
    provisioning.createKey(
      {
        id: `fleet-${randomBytes(4).toString('hex')}`,
        deviceTypes: ['water-level-sensor'],
        wardIds: ['ward-p3'],
        maxDevices: 2,
        expiresAt: new Date(nowMs + 24 * 3600_000).toISOString(),
        ...over,
      },
      'u-integrator',
    );

  beforeAll(async () => {
    broker = await startSecuredBroker();
    opened = await openTestDatabase('postgres');
    repo = new RegistryRepository(opened.db);
    pool = opened.db.pool as Pool;
    dynsec = new DynsecClient(
      { url: broker.url, ...broker.admin, maxPacketBytes: 1_048_576 },
      testLogger.child({ component: 'broker-admin' }),
    );
    await dynsec.start();
    const { city } = repositorySeeds();
    const registry = new RegistryService(repo, dynsec, city, new RegistryChangeTap(), clocks, testLogger, undefined);
    provisioning = new ProvisioningService(repo, registry, dynsec, city, clocks, testLogger);
    responder = new ProvisioningResponder(dynsec, provisioning, testLogger);
    await responder.start();
  });

  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
    await responder?.stop();
    await dynsec?.stop();
    await opened?.close();
    await broker?.stop();
  });

  it('gives a device its own identity within the key’s limits; the device then publishes on its own topic', async () => {
    const { key, credentials } = await newKey();
    expect(credentials).toEqual({
      username: `prov-${key.id}`,
      password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      clientId: `prov-${key.id}`,
      requestTopic: `ioc/provision/v1/${key.id}/request`,
      responseTopic: `ioc/provision/v1/${key.id}/response`,
    });
    // The database keeps the secret's hash only.
    const { rows } = await pool.query(`SELECT secret_hash FROM provisioning_key WHERE id = $1`, [key.id]);
    expect(rows[0].secret_hash).toBe(credentialHash(credentials.password));

    const holder = await keyHolder(broker.url, credentials);
    track(holder.client);
    const deviceId = `wl-prov-${key.id.slice(6)}`;
    const answer = await holder.ask({ deviceId, type: 'water-level-sensor', wardId: 'ward-p3' });
    if (answer.status !== 'ok') throw new Error(`refused: ${JSON.stringify(answer)}`);
    expect(answer.credentials).toMatchObject({
      username: deviceId,
      clientId: deviceId,
      publish: [`ioc/v1/flood/${deviceId}/water-level`, `ioc/v1/senml/${deviceId}`, `ioc/v1/ngsi-ld/${deviceId}`],
      subscribe: [`ioc/feedback/v1/${deviceId}`],
    });
    expect(await repo.device(deviceId)).toMatchObject({
      type: 'water-level-sensor',
      wardCode: 'ward-p3',
      provisionedBy: key.id,
      status: 'active',
    });
    expect((await provisioning.keys()).find((k) => k.id === key.id)?.used).toBe(1);

    // The new device connects with what it was given and publishes on its own topic; not on another device's.
    const reader = track(await connectAsync(broker.url, { protocolVersion: 5, ...broker.reader, clientId: 'r-1' }));
    await reader.subscribeAsync('ioc/v1/#', { qos: 1 });
    const heard: string[] = [];
    reader.on('message', (topic) => heard.push(topic));
    const device = track(
      await connectAsync(broker.url, {
        protocolVersion: 5,
        username: answer.credentials.username,
        password: answer.credentials.password,
        clientId: answer.credentials.clientId,
        reconnectPeriod: 0,
      }),
    );
    const msg = { msgId: 'm-1', ts: new Date().toISOString(), levelCm: 12 };
    await expect(
      device.publishAsync(`ioc/v1/flood/wl-other/water-level`, JSON.stringify(msg), { qos: 1 }),
    ).rejects.toMatchObject({ code: 135 }); // PUBACK: not authorized
    await device.publishAsync(answer.credentials.publish[0], JSON.stringify(msg), { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toEqual([`ioc/v1/flood/${deviceId}/water-level`]);
  });

  it('refuses beyond maxDevices, a type or a ward the key does not allow, a bad request and an existing id', async () => {
    const { key, credentials } = await newKey({ maxDevices: 2, deviceTypes: ['water-level-sensor', 'rain-gauge'] });
    const holder = await keyHolder(broker.url, credentials);
    track(holder.client);
    const tag = key.id.slice(6);
    const wl = (n: number, extra: Record<string, unknown> = {}) => ({
      deviceId: `wl-${tag}-${n}`,
      type: 'water-level-sensor',
      wardId: 'ward-p3',
      ...extra,
    });

    const refused = async (request: unknown, responseTopic?: string) => {
      const r = await holder.ask(request, responseTopic);
      return r.status === 'refused' ? r.code : 'ok';
    };
    expect(await refused({ ...wl(1), type: 'bin' })).toBe('PROVISIONING_TYPE_NOT_ALLOWED');
    expect(await refused(wl(1, { wardId: 'ward-p1' }))).toBe('PROVISIONING_WARD_NOT_ALLOWED');
    expect(await refused({ deviceId: `wl-${tag}-1`, type: 'water-level-sensor' })).toBe('PROVISIONING_INVALID');
    expect(await refused(wl(1), `ioc/provision/v1/someone-else/response`)).toBe('PROVISIONING_INVALID');
    expect(await refused(wl(1, { deviceId: `ioc-ingest-0` }))).toBe('REGISTRY_ID_RESERVED');

    expect(await refused(wl(1))).toBe('ok');
    // The same id again: no takeover of the identity, and nothing used.
    expect(await refused(wl(1))).toBe('REGISTRY_EXISTS');
    expect(await refused({ deviceId: `rg-${tag}-2`, type: 'rain-gauge', wardId: 'ward-p3' })).toBe('ok');
    expect(await refused(wl(3))).toBe('PROVISIONING_KEY_EXHAUSTED');

    expect((await provisioning.keys()).find((k) => k.id === key.id)?.used).toBe(2);
    expect(await repo.device(`wl-${tag}-3`)).toBeNull();
    const { rows } = await pool.query(`SELECT id FROM device WHERE provisioned_by = $1 ORDER BY id`, [key.id]);
    expect(rows.map((r) => r.id)).toEqual([`rg-${tag}-2`, `wl-${tag}-1`]);
  });

  it('never exceeds maxDevices under concurrent requests, and never hands out a gateway’s id', async () => {
    const { key } = await newKey({ maxDevices: 3 });
    const tag = key.id.slice(6);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        provisioning
          .provision(key.id, { deviceId: `wl-${tag}-c${n}`, type: 'water-level-sensor', wardId: 'ward-p3' })
          .then(
            () => 'ok',
            (err: { code: string }) => err.code,
          ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(3);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(5).fill('PROVISIONING_KEY_EXHAUSTED'));
    expect((await provisioning.keys()).find((k) => k.id === key.id)?.used).toBe(3);

    const other = await newKey();
    await pool.query(`INSERT INTO gateway (id) VALUES ($1)`, [`gw-${tag}`]);
    await expect(
      provisioning.provision(other.key.id, { deviceId: `gw-${tag}`, type: 'water-level-sensor', wardId: 'ward-p3' }),
    ).rejects.toMatchObject({ code: 'REGISTRY_EXISTS' });
  });

  it('lets a key’s identity do nothing but ask on its own request topic and read its own answers', async () => {
    const a = await newKey();
    const b = await newKey();
    const holder = await keyHolder(broker.url, a.credentials);
    track(holder.client);
    for (const filter of ['ioc/#', 'ioc/provision/v1/+/response', b.credentials.responseTopic, 'ioc/v1/#'])
      await expect(holder.client.subscribeAsync(filter, { qos: 1 })).rejects.toThrow(/Not authorized/);
    await expect(
      holder.client.publishAsync(b.credentials.requestTopic, '{}', {
        qos: 1,
        properties: { responseTopic: b.credentials.responseTopic },
      }),
    ).rejects.toMatchObject({ code: 135 });
    // Its client id is pinned: another client id with its username is refused.
    expect(await connectReason(broker.url, { ...a.credentials, clientId: 'any-other' })).toBe(135);
  });

  it('refuses on an expired key, and the sweep removes its identity from the broker', async () => {
    const { key, credentials } = await newKey({ expiresAt: new Date(nowMs + 3600_000).toISOString() });
    const holder = await keyHolder(broker.url, credentials);
    track(holder.client);
    nowMs += 2 * 3600_000;
    const answer = await holder.ask({
      deviceId: `wl-${key.id.slice(6)}-x`,
      type: 'water-level-sensor',
      wardId: 'ward-p3',
    });
    expect(answer).toMatchObject({ status: 'refused', code: 'PROVISIONING_KEY_EXPIRED' });

    const gone = disconnection(holder.client);
    expect(await provisioning.sweep()).toContain(key.id);
    expect(await gone).toBe(152); // MQTT 5 "administrative action"
    expect(await connectReason(broker.url, credentials)).toBe(135); // not authorized
    expect(await provisioning.sweep()).toEqual([]);
  });

  it('disconnects a revoked key’s session at once, and refuses it from then on', async () => {
    const { key, credentials } = await newKey();
    const holder = await keyHolder(broker.url, credentials);
    track(holder.client);
    const gone = disconnection(holder.client, 1000);
    const t0 = Date.now();
    await provisioning.revoke(key.id);
    expect(await gone).toBe(152);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await connectReason(broker.url, credentials)).toBe(135);
    expect((await provisioning.keys()).find((k) => k.id === key.id)?.revokedAt).toEqual(new Date(nowMs));
    // Revoking again is harmless; an unknown key is REGISTRY_NOT_FOUND.
    await provisioning.revoke(key.id);
    await expect(provisioning.revoke('no-such-key')).rejects.toMatchObject({ code: 'REGISTRY_NOT_FOUND' });
  });

  it('removes from the broker a key revoked while the broker was away, at the next sweep', async () => {
    const { key, credentials } = await newKey();
    const holder = await keyHolder(broker.url, credentials);
    track(holder.client);
    await repo.revokeProvisioningKey(key.id, new Date(nowMs)); // the database half of a revocation only
    const answer = await holder.ask({
      deviceId: `wl-${key.id.slice(6)}-r`,
      type: 'water-level-sensor',
      wardId: 'ward-p3',
    });
    expect(answer).toMatchObject({ status: 'refused', code: 'PROVISIONING_KEY_REVOKED' });
    const gone = disconnection(holder.client);
    expect(await provisioning.sweep()).toEqual([key.id]);
    expect(await gone).toBe(152);
    expect(await connectReason(broker.url, credentials)).toBe(135);
  });

  it('refuses a key with an id in use, a past expiry or a ward the city lacks', async () => {
    const { key } = await newKey();
    await expect(newKey({ id: key.id })).rejects.toMatchObject({ code: 'REGISTRY_EXISTS' });
    await expect(newKey({ expiresAt: new Date(nowMs - 1000).toISOString() })).rejects.toMatchObject({
      code: 'REGISTRY_INVALID',
    });
    await expect(newKey({ wardIds: ['ward-nowhere'] })).rejects.toMatchObject({ code: 'REGISTRY_INVALID' });
  });
});
