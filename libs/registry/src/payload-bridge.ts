import { randomBytes } from 'node:crypto';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { TOPIC_ROOT, gatewayStandardTopic } from '@ioc/contracts';
import { addAclCommands, type DynsecAcl } from './broker-acl';
import { newPassword } from './registry.service';
import type { DynsecClient } from './dynsec.client';
import { RegistryError } from './registry.errors';

/** The role every bridge identity holds: publish on the bridge topics, nothing else. */
export const BRIDGE_ROLE = 'ioc-bridge';

/**
 * The bridge publishes under ioc/v1/bridge/ (what a signed-in integrator posts) and on gateways' NGSI-LD topics (what
 * a context broker registered as a gateway posts, after the IOC checked that gateway's password).
 */
export function bridgeAcls(): DynsecAcl[] {
  return [
    { acltype: 'publishClientSend', topic: `${TOPIC_ROOT}/bridge/#`, allow: true },
    { acltype: 'publishClientSend', topic: gatewayStandardTopic('ngsi-ld', '+'), allow: true },
  ];
}

export interface PayloadBridgeOptions {
  readonly url: string;
  /** This process's name (INGEST_INSTANCE_ID): its bridge identity is `ioc-bridge-<instance>`. */
  readonly instanceId: string;
  /** Without an admin connection (broker security managed elsewhere), the bridge connects with these. */
  readonly fallback: { readonly username?: string; readonly password?: string };
  readonly tls?: Pick<IClientOptions, 'ca'>;
  readonly connect?: (url: string, options: IClientOptions) => MqttClient;
}

/**
 * Hands standard payloads that reach the IOC over HTTP (NGSI-LD notifications from a FIWARE context broker) to the
 * ingest through the broker, so they are judged, stored, rate-limited and quarantined by the same path as what devices
 * publish. Each api process has its own broker identity, `ioc-bridge-<instance>`, made by the registry at start with a
 * fresh random password and removed at stop: it may publish only under ioc/v1/bridge/, which no device or gateway may.
 */
export class PayloadBridge {
  private client: MqttClient | undefined;

  constructor(
    private readonly o: PayloadBridgeOptions,
    private readonly dynsec: DynsecClient | undefined,
    private readonly logger: Logger,
  ) {}

  get username(): string {
    return `ioc-bridge-${this.o.instanceId}`;
  }

  async start(): Promise<void> {
    let credentials = this.o.fallback;
    if (this.dynsec) {
      const password = newPassword();
      // The role may exist from an earlier version: its ACLs are added one by one ("already exists" is fine).
      await this.dynsec.send(
        [
          { command: 'createRole', rolename: BRIDGE_ROLE, acls: bridgeAcls().map((a) => ({ priority: 0, ...a })) },
          ...addAclCommands(BRIDGE_ROLE, bridgeAcls()),
          { command: 'deleteClient', username: this.username },
        ],
        true,
      );
      await this.dynsec.send([
        {
          command: 'createClient',
          username: this.username,
          clientid: this.username,
          password,
          roles: [{ rolename: BRIDGE_ROLE, priority: 0 }],
        },
      ]);
      credentials = { username: this.username, password };
    }
    const client = (this.o.connect ?? connect)(this.o.url, {
      protocolVersion: 5,
      clean: true,
      clientId: this.dynsec ? this.username : `${this.username}-${randomBytes(4).toString('hex')}`,
      username: credentials.username,
      password: credentials.password,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...this.o.tls,
    });
    client.on('error', (err) => this.logger.warn({ err: err.message }, 'payload bridge connection error'));
    this.client = client;
    await new Promise<void>((resolve) => {
      // Not fatal: HTTP answers 503 while the bridge is down, and MQTT.js keeps trying.
      const timer = setTimeout(() => {
        this.logger.error({ url: this.o.url, username: credentials.username }, 'payload bridge not connected in 15 s');
        resolve();
      }, 15_000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Publishes one payload at QoS 1 on `topic` (one the bridge's role allows); resolves once the broker has it
   * (PUBACK), so an HTTP caller told "accepted" can forget it.
   */
  async forward(topic: string, payload: Buffer): Promise<string> {
    const client = this.client;
    if (!client?.connected) {
      throw new RegistryError('BROKER_ADMIN_UNAVAILABLE', `the IOC's bridge connection to ${this.o.url} is down`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RegistryError('BROKER_ADMIN_UNAVAILABLE', `the broker did not take the payload in 10 s`)),
        10_000,
      );
    });
    try {
      // MQTT.js fails the publish when the PUBACK carries an error reason (0x87: the ACL refused it).
      await Promise.race([client.publishAsync(topic, payload, { qos: 1 }), timeout]);
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      const code = (err as { code?: number }).code;
      throw new RegistryError(
        'BROKER_ADMIN_REFUSED',
        `the broker refused the bridge's publish: ${(err as Error).message}`,
        {
          topic,
          reasonCode: code,
        },
      );
    } finally {
      clearTimeout(timer);
    }
    return topic;
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.endAsync().catch(() => undefined);
    if (this.dynsec?.connected) {
      await this.dynsec.send([{ command: 'deleteClient', username: this.username }], true).catch((err: Error) => {
        this.logger.warn({ err: err.message }, 'removing the bridge identity failed');
      });
    }
  }
}
