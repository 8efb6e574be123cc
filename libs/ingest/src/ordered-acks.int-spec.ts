import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import pino from 'pino';
import { startMosquitto, type TestBroker } from '@ioc/testing';
import { OrderedAcks } from './ordered-acks';

/**
 * OrderedAcks against the real MQTT.js and Mosquitto: the installed MQTT.js still writes PUBACKs through the method
 * it wraps, a connection takes in several messages before any is acknowledged, and what is not acknowledged comes back
 * on the next session.
 */
describe('OrderedAcks with MQTT.js and Mosquitto', () => {
  let broker: TestBroker;
  let publisher: MqttClient;
  const logger = pino({ level: 'silent' });
  const clientId = `ordered-acks-${process.pid}`;
  let options: IClientOptions;
  const sessionOptions: IClientOptions = {
    clientId,
    protocolVersion: 5,
    clean: false,
    reconnectPeriod: 0,
    properties: { sessionExpiryInterval: 60, receiveMaximum: 20 },
  };

  beforeAll(async () => {
    broker = await startMosquitto();
    // The sessions are the ingest identity's, as in the IOC; the trusted test publisher sends.
    options = { ...sessionOptions, ...broker.ingest };
    publisher = await broker.connectTrusted({ clientId: `${clientId}-pub` });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.stop();
  });

  interface Held {
    body: string;
    dup: boolean;
    commit: () => void;
  }

  function subscriber(client: MqttClient) {
    const acks = new OrderedAcks(client, logger);
    const held: Held[] = [];
    const pubacks: number[] = [];
    const ids = new Map<string, number>();
    client.on('packetsend', (p) => {
      if (p.cmd === 'puback') pubacks.push(p.messageId as number);
    });
    client.handleMessage = (packet, done) => {
      let commit!: () => void;
      const committed = new Promise<void>((r) => (commit = r));
      ids.set(packet.payload.toString(), packet.messageId as number);
      held.push({ body: packet.payload.toString(), dup: packet.dup, commit });
      acks.expect(packet.messageId, committed);
      done();
    };
    return { held, pubacks, ids, acks };
  }

  const until = async (cond: () => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('takes in many messages on one connection, acknowledges only the committed ones, and gets the rest again', async () => {
    const first = connect(broker.url, options);
    const a = subscriber(first);
    await new Promise((r) => first.once('connect', r));
    await first.subscribeAsync('ioc/v1/test/acks/#', { qos: 1 });
    for (let i = 0; i < 6; i++) await publisher.publishAsync('ioc/v1/test/acks/t', `m${i}`, { qos: 1 });

    // All six are handed over while none is acknowledged: the connection is not held to one message at a time.
    await until(() => a.held.length === 6, 'six messages on one connection');
    await new Promise((r) => setTimeout(r, 50));
    expect(a.pubacks).toEqual([]);

    // Commit the first three out of order: their PUBACKs go out in arrival order.
    a.held[2].commit();
    a.held[0].commit();
    a.held[1].commit();
    await until(() => a.pubacks.length === 3, 'three PUBACKs');
    expect(a.pubacks).toEqual(['m0', 'm1', 'm2'].map((m) => a.ids.get(m)));

    // The process dies before the other three commit: the broker keeps them for the session.
    first.end(true);
    await new Promise((r) => setTimeout(r, 100));
    // The handler must be in place before the CONNACK: the broker resends the session's messages right after it.
    const second = connect(broker.url, options);
    const b = subscriber(second);
    await until(() => b.held.length === 3, 'the three unacknowledged messages again');
    expect(b.held.map((h) => h.body)).toEqual(['m3', 'm4', 'm5']);
    b.held.forEach((h) => h.commit());
    await until(() => b.pubacks.length === 3, 'their PUBACKs');
    await second.endAsync(false, { properties: { sessionExpiryInterval: 0 } });
  });
});
