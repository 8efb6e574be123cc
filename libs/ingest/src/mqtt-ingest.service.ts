import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { TOPIC_ROOT } from '@ioc/contracts';
import type { QuarantinedMessage } from '@ioc/domain';
import type { IocConfig } from '@ioc/platform';
import type { MqttConnector } from './mqtt-connector';
import { OrderedAcks } from './ordered-acks';
import type { IngestPipeline, ReplyRequest, UnitOutcome } from './ingest-pipeline';
import { noticeTopic, rejectionNotice } from './rejection-notice';
import { receiptOf } from './receipt';

export interface MqttIngestOptions {
  readonly mqtt: IocConfig['mqtt'];
  readonly ingest: IocConfig['ingest'];
}

/**
 * The ingest side of the broker: N persistent MQTT 5 sessions sharing one subscription (`$share/<group>/ioc/v1/#`),
 * QoS 1. Each connection takes in every message the broker has in flight to it (up to its receive-maximum) at once,
 * and acknowledges each one only after its commit, in the order received ({@link OrderedAcks}): throughput comes from
 * the batches the connections feed into one group commit, not from the number of connections.
 */
export class MqttIngestConnections {
  private clients: MqttClient[] = [];
  private acks: OrderedAcks[] = [];
  private closing = false;
  /** Whether the sessions should hold the subscription (from start until retire). */
  private subscribed = false;

  constructor(
    private readonly opts: MqttIngestOptions,
    private readonly connector: MqttConnector,
    private readonly pipeline: IngestPipeline,
    private readonly logger: Logger,
  ) {}

  get subscription(): string {
    return `$share/${this.opts.ingest.shareGroup}/${TOPIC_ROOT}/#`;
  }

  async start(): Promise<void> {
    const { ingest, mqtt } = this.opts;
    this.closing = false;
    this.acks = [];
    this.clients = Array.from({ length: ingest.connections }, (_, i) =>
      this.open(`${ingest.instanceId}-ingest-${i}`, mqtt),
    );
    await Promise.all(this.clients.map((c) => this.connected(c)));
    await Promise.all(this.clients.map((c) => c.subscribeAsync(this.subscription, { qos: 1 })));
    this.subscribed = true;
    this.logger.info({ connections: this.clients.length, subscription: this.subscription }, 'ingest subscribed');
  }

  private open(clientId: string, mqtt: IocConfig['mqtt']): MqttClient {
    const log = this.logger.child({ clientId });
    const options: IClientOptions = {
      clientId,
      protocolVersion: 5,
      clean: false,
      username: mqtt.username,
      password: mqtt.password,
      // mqtts:// with a private CA (MQTT_CA_FILE).
      ...(mqtt.caFile ? { ca: readFileSync(mqtt.caFile) } : {}),
      // Quicker than a device's usual 1 s: after a broker restart the subscription must be back (below) before the
      // devices resend what they had in flight.
      reconnectPeriod: 250,
      connectTimeout: 10_000,
      // MQTT.js handles a PINGRESP only after the PUBLISH packets queued before it on that connection, and those wait
      // for their commits: under a deep broker backlog a 30 s keepalive expired and every session reconnected
      // (redelivering its in-flight message). 120 s leaves the PINGRESP a 60 s window.
      keepalive: 120,
      properties: {
        sessionExpiryInterval: this.opts.ingest.sessionExpiryS,
        receiveMaximum: this.opts.ingest.receiveMaximum,
      },
      // MQTT.js traces every packet several times through the `debug` module, whose checks alone took ~3 % of the
      // server's CPU at 10,000 msg/s: that tracing goes to this logger at trace level, and costs nothing below it.
      log: log.isLevelEnabled('trace') ? (...args: unknown[]) => log.trace(format(...args)) : () => undefined,
    };
    const client = this.connector(mqtt.url, options);
    const acks = new OrderedAcks(client, log);
    this.acks.push(acks);
    client.handleMessage = (packet, done) => {
      // While shutting down, leave the message unacknowledged: the broker keeps it in the session for the next start.
      if (this.closing) return;
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const responseTopic = packet.properties?.responseTopic;
      const reply: ReplyRequest | undefined =
        responseTopic === undefined
          ? undefined
          : { responseTopic, correlationData: packet.properties?.correlationData };
      acks.expect(packet.messageId, this.pipeline.handle(packet.topic, payload, reply));
      done();
    };
    // Subscribe again on every reconnect, as UNSUBSCRIBE then SUBSCRIBE. Mosquitto 2.0.11 (Debian bookworm) restores a
    // persistent session over a broker restart without routing its shared subscription any more, and takes a repeated
    // SUBSCRIBE of the same filter as a no-op: only a fresh subscription routes again. Messages already queued for the
    // session stay queued; while one connection renews, the group's other members keep receiving.
    client.on('connect', (connack) => {
      if (!this.subscribed || this.closing) return;
      client.unsubscribe(this.subscription, () =>
        client.subscribe(this.subscription, { qos: 1 }, (err) => {
          if (err) log.error({ err }, 'subscribing again after a reconnect failed');
          else log.info({ sessionPresent: connack.sessionPresent }, 'reconnected and subscribed');
        }),
      );
    });
    client.on('error', (err) => log.warn({ err }, 'mqtt error'));
    client.on('offline', () => log.warn('mqtt offline'));
    client.on('reconnect', () => log.debug('mqtt reconnecting'));
    return client;
  }

  private connected(client: MqttClient): Promise<void> {
    if (client.connected) return Promise.resolve();
    return new Promise((resolve) => client.once('connect', () => resolve()));
  }

  /**
   * Rejection notices on ioc/feedback/v1/{deviceId}, or {gatewayId} for a gateway's own faults ({@link noticeTopic}),
   * QoS 0: a convenience for integrators, never a condition.
   */
  notifyRejected(rejected: readonly QuarantinedMessage[]): void {
    const client = this.clients.find((c) => c.connected);
    if (!client) return;
    for (const q of rejected) {
      const topic = noticeTopic(q);
      if (topic) client.publish(topic, rejectionNotice(q), { qos: 0 });
    }
  }

  /**
   * A receipt on the responseTopic of a publish that asked for one (the pipeline checked it is the sender's own
   * feedback topic), QoS 0 with its correlationData: like a rejection notice, a convenience, never a condition.
   */
  notifyOutcome(outcome: UnitOutcome): void {
    const client = this.clients.find((c) => c.connected);
    if (!client) return;
    const { responseTopic, correlationData } = outcome.reply;
    client.publish(responseTopic, JSON.stringify(receiptOf(outcome)), {
      qos: 0,
      properties: correlationData === undefined ? {} : { correlationData },
    });
  }

  get configured(): number {
    return this.opts.ingest.connections;
  }

  get connectedCount(): number {
    return this.clients.filter((c) => c.connected).length;
  }

  /**
   * Retiring an instance: the broker keeps routing a share of the messages to every member of the shared group,
   * connected or not, so sessions of an instance that will not come back must be emptied and deleted. Unsubscribe
   * (nothing new is routed here), take in what the sessions already hold until `idleMs` pass without a message,
   * then disconnect with session expiry 0 so the broker deletes them.
   */
  async retire(idleMs: number, pollMs = 200): Promise<number> {
    this.subscribed = false;
    await Promise.all(this.clients.map((c) => c.unsubscribeAsync(this.subscription)));
    let seen = this.pipeline.stats.received;
    let quietSince = Date.now();
    while (Date.now() - quietSince < idleMs || this.pipeline.pending > 0) {
      await new Promise((r) => setTimeout(r, pollMs));
      if (this.pipeline.stats.received !== seen) {
        seen = this.pipeline.stats.received;
        quietSince = Date.now();
      }
    }
    await this.stop({ endSessions: true });
    return seen;
  }

  /** Stops taking messages, lets committed ones be acknowledged, then disconnects keeping the sessions (or ending them). */
  async stop(opts: { endSessions?: boolean } = {}): Promise<void> {
    this.closing = true;
    await this.pipeline.drain();
    await Promise.all(this.acks.map((a) => a.flushed()));
    const disconnect = opts.endSessions ? { properties: { sessionExpiryInterval: 0 } } : {};
    await Promise.all(this.clients.map((c) => c.endAsync(false, disconnect).catch(() => undefined)));
    this.clients = [];
  }
}
