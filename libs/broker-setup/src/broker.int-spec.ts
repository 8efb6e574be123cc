import { readFileSync } from 'node:fs';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { startMosquitto, type TestBroker } from '@ioc/testing';
import { DYNSEC_CONTROL_TOPIC } from './dynsec-state';

/**
 * The shipped configuration (docker/mosquitto/mosquitto.conf) with the state broker-setup bootstraps, on a real
 * Mosquitto 2.0 with the Dynamic Security plugin: the hash format is the plugin's, anonymous clients are refused on
 * both listeners, only the ingest identity joins the ingest share, TLS works with the development CA and only with it,
 * and max_packet_size holds.
 */
describe('the broker as broker-setup bootstraps it', () => {
  let broker: TestBroker;
  const clients: MqttClient[] = [];
  const open = async (url: string, opts: IClientOptions) => {
    const c = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    clients.push(c);
    return c;
  };
  /** The error a connection attempt ends with (undefined: it connected). */
  const refusal = async (url: string, opts: IClientOptions): Promise<Error | undefined> => {
    try {
      await open(url, opts);
      return undefined;
    } catch (err) {
      return err as Error;
    }
  };

  beforeAll(async () => {
    broker = await startMosquitto();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.stop();
  });

  it('refuses anonymous clients and wrong passwords on both listeners, takes the bootstrapped passwords', async () => {
    const ca = readFileSync(broker.caFile);
    for (const [url, tls] of [
      [broker.url, {}],
      [broker.tlsUrl, { ca }],
    ] as const) {
      expect((await refusal(url, { ...tls, clientId: 'anon' }))?.message).toMatch(/not authorized|bad user/i);
      expect(
        (await refusal(url, { ...tls, clientId: 'wrong', username: broker.ingest.username, password: 'wrong' }))
          ?.message,
      ).toMatch(/not authorized|bad user/i);
      for (const who of [broker.admin, broker.ingest, broker.publisher])
        expect(await refusal(url, { ...tls, clientId: `${who.username}-ok`, ...who })).toBeUndefined();
    }
  });

  it('lets the admin identity command the Dynamic Security plugin', async () => {
    const admin = await open(broker.url, { clientId: 'ioc-admin-test', ...broker.admin });
    await admin.subscribeAsync(`${DYNSEC_CONTROL_TOPIC}/response`, { qos: 1 });
    const response = new Promise<{ responses: Array<{ command: string; data?: { clients: string[] } }> }>((r) =>
      admin.once('message', (_t, payload) => r(JSON.parse(payload.toString()))),
    );
    await admin.publishAsync(DYNSEC_CONTROL_TOPIC, JSON.stringify({ commands: [{ command: 'listClients' }] }), {
      qos: 1,
    });
    const { responses } = await response;
    expect(responses[0].command).toBe('listClients');
    expect(responses[0].data?.clients.sort()).toEqual(['ioc-admin', 'ioc-ingest', 'ioc-test-publisher']);

    // No other identity may.
    const other = await open(broker.url, { clientId: 'not-admin', ...broker.ingest });
    await expect(other.subscribeAsync(`${DYNSEC_CONTROL_TOPIC}/#`, { qos: 1 })).rejects.toThrow(/not authorized/i);
  });

  it('lets only the ingest identity join the ingest share, and it receives the devices’ messages there', async () => {
    const ingest = await open(broker.url, { clientId: 'ioc-ingest-test', ...broker.ingest });
    await expect(ingest.subscribeAsync('$share/ioc-ingest/ioc/v1/#', { qos: 1 })).resolves.toEqual([
      expect.objectContaining({ qos: 1 }),
    ]);
    // Another group's share, or the whole feed of another root, stays closed to it too.
    await expect(ingest.subscribeAsync('$share/elsewhere/ioc/v1/#', { qos: 1 })).rejects.toThrow(/not authorized/i);
    await expect(ingest.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/not authorized/i);

    const other = await open(broker.url, { clientId: 'share-thief', ...broker.publisher });
    await expect(other.subscribeAsync('$share/ioc-ingest/ioc/v1/#', { qos: 1 })).rejects.toThrow(/not authorized/i);

    const got = new Promise<string>((r) => ingest.once('message', (topic) => r(topic)));
    await other.publishAsync('ioc/v1/flood/wl-1/water-level', '{}', { qos: 1 });
    expect(await got).toBe('ioc/v1/flood/wl-1/water-level');
  });

  it('keeps a client connected across denied QoS 1 publishes (Mosquitto 2.0.11 with an unlimited queue did not)', async () => {
    const client = await open(broker.url, { clientId: 'denied-twice', ...broker.publisher });
    for (const topic of ['elsewhere/a', 'elsewhere/b', 'ioc/feedback/v1/wl-1']) {
      await expect(client.publishAsync(topic, '{}', { qos: 1 })).rejects.toMatchObject({ code: 135 });
    }
    await expect(client.publishAsync('ioc/v1/flood/wl-1/water-level', '{}', { qos: 1 })).resolves.toBeDefined();
    expect(client.connected).toBe(true);
  });

  it('serves TLS to a client that trusts the development CA, and only to one', async () => {
    const creds = { ...broker.publisher };
    expect(await refusal(broker.tlsUrl, { clientId: 'tls-ok', ca: readFileSync(broker.caFile), ...creds })).toBe(
      undefined,
    );
    expect((await refusal(broker.tlsUrl, { clientId: 'tls-no-ca', ...creds }))?.message).toMatch(
      /self[- ]signed|unable to (get|verify)/i,
    );
  });

  it('refuses a publish larger than max_packet_size and closes that connection', async () => {
    const sub = await broker.connectTrusted({ clientId: 'big-sub', reconnectPeriod: 0 });
    clients.push(sub);
    await sub.subscribeAsync('ioc/v1/#', { qos: 1 });
    const received: number[] = [];
    sub.on('message', (_t, payload) => received.push(payload.length));

    // MQTT 3.1.1: the client is not told the limit, so the broker itself must refuse it.
    const pub = await broker.connectTrusted({ clientId: 'big-pub', protocolVersion: 4, reconnectPeriod: 0 });
    clients.push(pub);
    await pub.publishAsync('ioc/v1/gateway/gw-1', Buffer.alloc(200_000, 0x20), { qos: 1 });
    const closed = new Promise<void>((r) => pub.once('close', () => r()));
    pub.publish('ioc/v1/gateway/gw-1', Buffer.alloc(262_144, 0x20), { qos: 1 }, () => undefined);
    await closed;
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([200_000]);
  });
});
