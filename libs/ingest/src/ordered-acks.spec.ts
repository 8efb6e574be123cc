import type { MqttClient, Packet } from 'mqtt';
import pino from 'pino';
import { OrderedAcks } from './ordered-acks';

/** The part of MQTT.js that OrderedAcks wraps: the packet writer, and the socket it writes to. */
function fakeClient() {
  const written: Array<{ cmd: string; messageId?: number; corked: boolean }> = [];
  const stream = {
    corked: 0,
    uncorks: 0,
    cork() {
      this.corked++;
    },
    uncork() {
      this.corked--;
      this.uncorks++;
    },
  };
  const listeners = new Map<string, Array<() => void>>();
  const client = {
    stream,
    on(event: string, fn: () => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
    },
    emit(event: string) {
      for (const fn of listeners.get(event) ?? []) fn();
    },
    _sendPacket(packet: Packet, cb?: () => void) {
      written.push({
        cmd: packet.cmd,
        messageId: (packet as { messageId?: number }).messageId,
        corked: stream.corked > 0,
      });
      cb?.();
    },
  };
  return { client, written, stream, asMqtt: client as unknown as MqttClient };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((r) => setImmediate(r));
const logger = pino({ level: 'silent' });

/** What MQTT.js does once handleMessage calls back: write the PUBACK, then (its callback) parse the next packet. */
function mqttAcknowledges(client: { _sendPacket: (p: Packet, cb?: () => void) => void }, messageId: number): jest.Mock {
  const next = jest.fn();
  client._sendPacket({ cmd: 'puback', messageId } as Packet, next);
  return next;
}

describe('OrderedAcks', () => {
  it('lets MQTT.js go on to the next packet at once but writes the PUBACK only after the commit', async () => {
    const { client, written, asMqtt } = fakeClient();
    const acks = new OrderedAcks(asMqtt, logger);
    const commit = deferred();
    acks.expect(7, commit.promise);
    const next = mqttAcknowledges(client, 7);
    expect(next).toHaveBeenCalledTimes(1);
    await settle();
    expect(written).toEqual([]);
    commit.resolve();
    await settle();
    expect(written.map((w) => w.messageId)).toEqual([7]);
  });

  it('writes PUBACKs in the order the messages arrived, whatever order their commits finish in', async () => {
    const { client, written, asMqtt } = fakeClient();
    const acks = new OrderedAcks(asMqtt, logger);
    const commits = [1, 2, 3].map(() => deferred());
    commits.forEach((c, i) => {
      acks.expect(i + 1, c.promise);
      mqttAcknowledges(client, i + 1);
    });
    commits[2].resolve();
    await settle();
    expect(written).toEqual([]); // 3 is committed, but 1 and 2 are not: nothing may go out yet
    commits[0].resolve();
    await settle();
    expect(written.map((w) => w.messageId)).toEqual([1]);
    commits[1].resolve();
    await acks.flushed();
    expect(written.map((w) => w.messageId)).toEqual([1, 2, 3]);
  });

  it('never acknowledges a message whose commit failed, and still acknowledges the ones after it', async () => {
    const { client, written, asMqtt } = fakeClient();
    const log = pino({ level: 'silent' });
    const error = jest.spyOn(log, 'error');
    const acks = new OrderedAcks(asMqtt, log);
    acks.expect(1, Promise.reject(new Error('disk on fire')));
    mqttAcknowledges(client, 1);
    acks.expect(2, Promise.resolve());
    mqttAcknowledges(client, 2);
    await acks.flushed();
    expect(written.map((w) => w.messageId)).toEqual([2]);
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ messageId: 1 }),
      expect.stringContaining('unacknowledged'),
    );
  });

  it('passes every other packet straight through', () => {
    const { client, written, asMqtt } = fakeClient();
    new OrderedAcks(asMqtt, logger);
    const cb = jest.fn();
    client._sendPacket({ cmd: 'pingreq' } as Packet, cb);
    client._sendPacket({ cmd: 'subscribe', messageId: 9 } as unknown as Packet, cb);
    expect(written.map((w) => w.cmd)).toEqual(['pingreq', 'subscribe']);
    expect(cb).toHaveBeenCalledTimes(2);
  });

  it('puts the PUBACKs one commit releases into one socket write', async () => {
    const { client, written, stream, asMqtt } = fakeClient();
    const acks = new OrderedAcks(asMqtt, logger);
    const batch = deferred(); // one group commit carrying all five messages
    for (let id = 1; id <= 5; id++) {
      acks.expect(id, batch.promise);
      mqttAcknowledges(client, id);
    }
    batch.resolve();
    await acks.flushed();
    await settle();
    expect(written).toHaveLength(5);
    expect(written.every((w) => w.corked)).toBe(true);
    expect(stream.uncorks).toBe(1);
    expect(stream.corked).toBe(0);
  });

  it('drops the PUBACKs held when the connection closed: the broker sends those messages again on the next one', async () => {
    const { client, written, asMqtt } = fakeClient();
    const acks = new OrderedAcks(asMqtt, logger);
    const before = deferred();
    acks.expect(1, before.promise);
    mqttAcknowledges(client, 1);
    client.emit('close'); // the connection drops while message 1 is being committed
    const again = deferred(); // the broker resends it (same packet id) on the new connection
    acks.expect(1, again.promise);
    mqttAcknowledges(client, 1);
    before.resolve();
    await settle();
    expect(written).toEqual([]); // the old connection's PUBACK is not written on the new one
    again.resolve();
    await acks.flushed();
    expect(written.map((w) => w.messageId)).toEqual([1]);
  });

  it('never writes a PUBACK for a message whose commit it was not told about', async () => {
    const { client, written, asMqtt } = fakeClient();
    const acks = new OrderedAcks(asMqtt, logger);
    mqttAcknowledges(client, 9);
    await acks.flushed();
    expect(written).toEqual([]);
  });

  it('refuses an MQTT.js without the packet writer it wraps', () => {
    expect(() => new OrderedAcks({ stream: {}, on: () => undefined } as unknown as MqttClient, logger)).toThrow(
      /mqtt 5/,
    );
  });
});
