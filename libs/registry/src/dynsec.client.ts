import { randomUUID } from 'node:crypto';
import { connect, type IClientOptions, type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import mqttMatch from 'mqtt-match';
import type { Logger } from 'pino';
import type { DynsecCommand } from './broker-acl';
import { RegistryError } from './registry.errors';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;

export interface DynsecResponse {
  readonly command: string;
  readonly error?: string;
  readonly data?: Record<string, unknown>;
  readonly correlationData?: string;
}

export interface DynsecClientOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Largest control message, bytes (the broker's max_packet_size). */
  readonly maxPacketBytes: number;
  readonly timeoutMs?: number;
  readonly connect?: (url: string, options: IClientOptions) => MqttClient;
  /** Extra TLS options (the CA), already read. */
  readonly tls?: Pick<IClientOptions, 'ca'>;
}

/** A message on a topic the admin connection subscribed to (other than the plugin's responses). */
export type AdminMessageHandler = (topic: string, payload: Buffer, packet: IPublishPacket) => void;

/** Whether an MQTT topic matches a subscription filter (`+`, `#`; a `$share/<group>/` prefix is the broker's business). */
export function topicMatches(filter: string, topic: string): boolean {
  return mqttMatch(filter, topic, true);
}

/** Messages the plugin sends back for a command on something already in the wanted state. */
const ALREADY = /already exists|not found|does not exist|already has role|not have role/i;

/**
 * The IOC's administrative connection to Mosquitto's Dynamic Security plugin: commands go to
 * `$CONTROL/dynamic-security/v1`, responses come back on `…/response`, matched by correlation data (several IOC
 * processes may share the response topic). Commands are sent in messages under the broker's packet limit; a response
 * carrying an error fails the call with BROKER_ADMIN_REFUSED unless the caller tolerates it. The same connection
 * carries the IOC's other administrative traffic (fleet provisioning's requests and answers): one admin session.
 */
export class DynsecClient {
  private client: MqttClient | undefined;
  private readonly pending = new Map<string, (r: DynsecResponse) => void>();
  private readonly subscriptions = new Map<string, AdminMessageHandler>();

  constructor(
    private readonly o: DynsecClientOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const connectFn = this.o.connect ?? connect;
    const client = connectFn(this.o.url, {
      protocolVersion: 5,
      clean: true,
      username: this.o.username,
      password: this.o.password,
      clientId: `${this.o.username}-${randomUUID().slice(0, 8)}`,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...this.o.tls,
    });
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      if (topic === RESPONSE_TOPIC) return this.onResponse(payload);
      for (const [filter, handler] of this.subscriptions)
        if (topicMatches(filter, topic)) handler(topic, payload, packet);
    });
    client.on('error', (err) => this.logger.warn({ err: err.message }, 'broker admin connection error'));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RegistryError('BROKER_ADMIN_UNAVAILABLE', `no admin connection to ${this.o.url} in 15 s`)),
        15_000,
      );
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
    // A reconnect starts a clean session: subscribe again.
    client.on('connect', () => {
      client.subscribe(RESPONSE_TOPIC, { qos: 1 });
      for (const filter of this.subscriptions.keys()) {
        client.subscribe(filter, { qos: 1 }, (err) => {
          if (err) this.logger.error({ filter, err: err.message }, 'broker refused the admin subscription again');
        });
      }
    });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /**
   * Subscribes the admin connection to `filter` (QoS 1, again after every reconnect) and hands each matching message to
   * `handler`. A subscription the broker refuses (the admin's role lacks it) fails with BROKER_ADMIN_REFUSED.
   */
  async subscribe(filter: string, handler: AdminMessageHandler): Promise<void> {
    const c = this.client;
    if (!c) throw new RegistryError('BROKER_ADMIN_UNAVAILABLE', 'the admin connection is not started');
    this.subscriptions.set(filter, handler);
    try {
      await c.subscribeAsync(filter, { qos: 1 });
    } catch (err) {
      this.subscriptions.delete(filter);
      throw new RegistryError('BROKER_ADMIN_REFUSED', `the broker refused the admin's subscription to ${filter}`, {
        filter,
        reason: (err as Error).message,
      });
    }
  }

  async unsubscribe(filter: string): Promise<void> {
    if (!this.subscriptions.delete(filter)) return;
    await this.client?.unsubscribeAsync(filter).catch(() => undefined);
  }

  /** Publishes on the admin connection; with QoS 1, resolves once the broker has the message. */
  async publishMessage(topic: string, payload: string | Buffer, options: IClientPublishOptions): Promise<void> {
    const c = this.client;
    if (!c?.connected)
      throw new RegistryError('BROKER_ADMIN_UNAVAILABLE', `the IOC's admin connection to ${this.o.url} is down`);
    await c.publishAsync(topic, payload, options);
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.subscriptions.clear();
    await c?.endAsync().catch(() => undefined);
  }

  /**
   * Sends the commands in order and returns their responses. `tolerate` lists commands whose "already exists"/"not
   * found" errors are expected (idempotent reconciliation) and returned rather than thrown.
   */
  async send(commands: readonly DynsecCommand[], tolerate = false): Promise<DynsecResponse[]> {
    const out: DynsecResponse[] = [];
    for (const chunk of this.chunks(commands)) {
      const waits = chunk.map((c) => this.expect(c));
      // One message for the whole chunk: the plugin saves its state once per message.
      this.publishCommands(chunk);
      const rs = await Promise.all(waits);
      for (const r of rs) {
        if (r.error && !(tolerate && ALREADY.test(r.error))) {
          throw new RegistryError('BROKER_ADMIN_REFUSED', `broker refused ${r.command}: ${r.error}`, {
            command: r.command,
          });
        }
      }
      out.push(...rs);
    }
    return out;
  }

  /** Tags the command with a correlation id and returns the promise of its response. */
  private expect(command: DynsecCommand): Promise<DynsecResponse> {
    const id = randomUUID();
    (command as { correlationData?: string }).correlationData = id;
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<DynsecResponse>((resolve, reject) => {
      timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new RegistryError(
            'BROKER_ADMIN_UNAVAILABLE',
            `no answer from the broker's Dynamic Security plugin to ${command.command} in ${this.o.timeoutMs ?? 10_000} ms`,
          ),
        );
      }, this.o.timeoutMs ?? 10_000);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    return promise;
  }

  private publishCommands(chunk: readonly DynsecCommand[]): void {
    const c = this.client;
    if (!c?.connected) {
      for (const cmd of chunk) {
        const id = (cmd as { correlationData?: string }).correlationData;
        if (id) this.pending.get(id)?.({ command: cmd.command, error: 'admin connection down' });
      }
      throw new RegistryError('BROKER_ADMIN_UNAVAILABLE', `the IOC's admin connection to ${this.o.url} is down`);
    }
    c.publish(CONTROL_TOPIC, JSON.stringify({ commands: chunk }), { qos: 1 });
  }

  private onResponse(payload: Buffer): void {
    let parsed: { responses?: DynsecResponse[] };
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    for (const r of parsed.responses ?? []) {
      if (!r.correlationData) continue;
      const done = this.pending.get(r.correlationData);
      if (done) {
        this.pending.delete(r.correlationData);
        done(r);
      }
    }
  }

  /** Splits commands into messages under the packet limit (with room for the topic and correlation data). */
  private *chunks(commands: readonly DynsecCommand[]): Generator<DynsecCommand[]> {
    const limit = Math.max(4096, this.o.maxPacketBytes - 1024);
    let cur: DynsecCommand[] = [];
    let bytes = 16;
    for (const c of commands) {
      const n = JSON.stringify(c).length + 64;
      if (cur.length && (bytes + n > limit || cur.length >= 200)) {
        yield cur;
        cur = [];
        bytes = 16;
      }
      cur.push({ ...c });
      bytes += n;
    }
    if (cur.length) yield cur;
  }
}
