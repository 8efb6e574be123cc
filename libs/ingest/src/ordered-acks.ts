import type { MqttClient, Packet } from 'mqtt';
import type { Logger } from 'pino';

type PubackSender = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

/**
 * Commit before acknowledge, without one message in flight per connection.
 *
 * MQTT.js writes a QoS 1 message's PUBACK when `handleMessage` calls back, and parses the connection's next packet only
 * once that PUBACK is written: awaiting the commit there allows one message per connection per commit. So
 * `handleMessage` calls back at once and this class holds the PUBACK instead: it wraps the client's packet writer,
 * lets MQTT.js go on to the next packet, and writes each connection's PUBACKs in the order their PUBLISHes arrived
 * (MQTT 5 §4.6), each after its message's commit. PUBACKs released together go out in one socket write. The broker
 * sends at most the receive-maximum of unacknowledged messages, so memory stays bounded; a message whose commit fails
 * is never acknowledged (the broker redelivers it on the next session).
 *
 * MQTT.js has no public hook for this (mqttjs/MQTT.js#691, #1314): the wrapped method is `_sendPacket`, in mqtt 5.x;
 * `ordered-acks.int-spec.ts` (the real MQTT.js and Mosquitto) and `test/ingest-crash.e2e-spec.ts` (SIGKILL mid-stream:
 * nothing lost) guard the behaviour.
 */
export class OrderedAcks {
  private readonly commits = new Map<number, Promise<void>>();
  private tail: Promise<void> = Promise.resolve();
  private corked = false;
  /** Incremented when the connection closes: a PUBACK held across it is never written (see `hold`). */
  private connection = 0;
  private readonly send: PubackSender;

  constructor(
    private readonly client: MqttClient,
    private readonly log: Logger,
  ) {
    const internals = client as unknown as { _sendPacket: PubackSender };
    if (typeof internals._sendPacket !== 'function')
      throw new Error('this MQTT.js has no _sendPacket: ordered acknowledgements need mqtt 5.x');
    this.send = internals._sendPacket.bind(client);
    internals._sendPacket = (packet, cb, ...rest) => {
      if (packet.cmd !== 'puback') return this.send(packet, cb, ...rest);
      this.hold(packet, rest);
      cb?.();
    };
    client.on('close', () => {
      this.connection++;
      this.commits.clear();
    });
  }

  /** The commit that must come before the PUBACK of this packet id. */
  expect(messageId: number | undefined, committed: Promise<void>): void {
    if (messageId === undefined) return; // QoS 0: nothing to acknowledge
    this.commits.set(messageId, committed);
  }

  /** Resolves when every PUBACK held so far is written (or given up). */
  flushed(): Promise<void> {
    return this.tail;
  }

  /**
   * A PUBACK is written only on the connection its PUBLISH came in on. After a reconnect the broker sends the session's
   * unacknowledged messages again (stored once, acknowledged after that commit); an old PUBACK written then could free
   * a packet id the broker has meanwhile given to a new message, acknowledging that one before its commit.
   */
  private hold(packet: Packet, rest: unknown[]): void {
    const messageId = (packet as { messageId?: number }).messageId as number;
    const committed = this.commits.get(messageId);
    this.commits.delete(messageId);
    if (!committed) {
      // No commit known for it: acknowledging would skip commit-before-acknowledge. The broker sends it again.
      this.log.error({ messageId }, 'PUBACK without a known commit; not written');
      return;
    }
    const connection = this.connection;
    this.tail = this.tail.then(() =>
      committed.then(
        () => (connection === this.connection ? this.write(packet, rest) : undefined),
        (err) => this.log.error({ err, messageId }, 'message left unacknowledged: its commit failed'),
      ),
    );
  }

  private write(packet: Packet, rest: unknown[]): void {
    const stream = this.client.stream as { cork?: () => void; uncork?: () => void } | undefined;
    if (!this.corked && stream?.cork) {
      this.corked = true;
      stream.cork();
      process.nextTick(() => {
        this.corked = false;
        stream.uncork?.();
      });
    }
    try {
      this.send(packet, undefined, ...rest);
    } catch (err) {
      // The connection is gone: the broker redelivers the message on the next session (stored once all the same).
      this.log.warn({ err }, 'writing a PUBACK failed');
    }
  }
}
