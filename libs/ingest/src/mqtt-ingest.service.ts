import type { IClientOptions, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { feedbackTopic, TOPIC_ROOT } from '@ioc/contracts';
import type { QuarantinedMessage } from '@ioc/domain';
import type { IocConfig } from '@ioc/platform';
import type { MqttConnector } from './mqtt-connector';
import type { IngestPipeline } from './ingest-pipeline';

export interface MqttIngestOptions {
  readonly mqtt: IocConfig['mqtt'];
  readonly ingest: IocConfig['ingest'];
}

/**
 * The ingest side of the broker: N persistent MQTT 5 sessions sharing one subscription (`$share/<group>/ioc/v1/#`),
 * QoS 1. MQTT.js sends a PUBACK when `handleMessage` calls back and hands a connection one message at a time, so the
 * callback runs only after the commit, and throughput comes from many connections feeding one group commit.
 */
export class MqttIngestConnections {
  private clients: MqttClient[] = [];
  private closing = false;

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
    this.clients = Array.from({ length: ingest.connections }, (_, i) => this.open(`${ingest.instanceId}-ingest-${i}`, mqtt));
    await Promise.all(this.clients.map((c) => this.connected(c)));
    await Promise.all(this.clients.map((c) => c.subscribeAsync(this.subscription, { qos: 1 })));
    this.logger.info({ connections: this.clients.length, subscription: this.subscription }, 'ingest subscribed');
  }

  private open(clientId: string, mqtt: IocConfig['mqtt']): MqttClient {
    const options: IClientOptions = {
      clientId,
      protocolVersion: 5,
      clean: false,
      username: mqtt.username,
      password: mqtt.password,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      // MQTT.js handles a PINGRESP only after the PUBLISH packets queued before it on that connection, and those wait
      // for their commits: under a deep broker backlog a 30 s keepalive expired and every session reconnected
      // (redelivering its in-flight message). 120 s leaves the PINGRESP a 60 s window.
      keepalive: 120,
      properties: { sessionExpiryInterval: this.opts.ingest.sessionExpiryS, receiveMaximum: this.opts.ingest.receiveMaximum },
    };
    const client = this.connector(mqtt.url, options);
    const log = this.logger.child({ clientId });
    client.handleMessage = (packet, done) => {
      // While shutting down, leave the message unacknowledged: the broker keeps it in the session for the next start.
      if (this.closing) return;
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      this.pipeline.handle(packet.topic, payload).then(
        () => done(),
        (err) => log.error({ err, topic: packet.topic }, 'message left unacknowledged'),
      );
    };
    client.on('error', (err) => log.warn({ err }, 'mqtt error'));
    client.on('offline', () => log.warn('mqtt offline'));
    client.on('reconnect', () => log.debug('mqtt reconnecting'));
    return client;
  }

  private connected(client: MqttClient): Promise<void> {
    if (client.connected) return Promise.resolve();
    return new Promise((resolve) => client.once('connect', () => resolve()));
  }

  /** Rejection notices on ioc/feedback/v1/{deviceId}, QoS 0: a convenience for integrators, never a condition. */
  notifyRejected(rejected: readonly QuarantinedMessage[]): void {
    const client = this.clients.find((c) => c.connected);
    if (!client) return;
    for (const q of rejected) {
      const notice = { code: q.code, reason: q.reason, topic: q.topic, msgId: q.msgId ?? null, gatewayId: q.gatewayId ?? null, receivedAt: q.receivedAt.toISOString() };
      client.publish(feedbackTopic(q.deviceId), JSON.stringify(notice), { qos: 0 });
    }
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
    const disconnect = opts.endSessions ? { properties: { sessionExpiryInterval: 0 } } : {};
    await Promise.all(this.clients.map((c) => c.endAsync(false, disconnect).catch(() => undefined)));
    this.clients = [];
  }
}
