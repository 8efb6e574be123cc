import { connectAsync, type IClientOptions } from 'mqtt';

/** How the checker reaches the broker: the integrator's identity, over MQTT 5. */
export interface ConformanceConnectOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** The broker pins each identity's client id to its username. */
  readonly clientId: string;
  /** PEM of the CA that signed the broker's certificate (mqtts://). */
  readonly ca?: Buffer;
  readonly connectTimeoutMs: number;
}

/** The few broker operations the checker needs: the seam its tests replace. */
export interface ConformanceClient {
  /** Resolves with the granted QoS, or the SUBACK reason code (≥ 0x80: refused). */
  subscribe(topic: string): Promise<number>;
  /**
   * Publishes at QoS 1 with the MQTT 5 responseTopic and correlationData; resolves with the PUBACK reason code
   * (≥ 0x80: refused by the broker). Rejects when the publish could not complete at all (connection lost).
   */
  publish(topic: string, payload: Buffer, responseTopic: string, correlationData: Buffer): Promise<number>;
  /** Every message received, with its correlationData when it has one. */
  onMessage(listener: (topic: string, payload: Buffer, correlationData: Buffer | undefined) => void): void;
  end(): Promise<void>;
}

/** The connection was refused (CONNACK reason code, e.g. 0x87 not authorized) or could not be made (no code). */
export class ConnectRefusedError extends Error {
  constructor(
    message: string,
    readonly reasonCode?: number,
  ) {
    super(message);
    this.name = 'ConnectRefusedError';
  }
}

export type ConformanceConnector = (options: ConformanceConnectOptions) => Promise<ConformanceClient>;

const reasonCodeOf = (err: unknown): number | undefined => {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
};

/** The real connector: MQTT.js, one clean MQTT 5 session, no reconnect. */
export const mqttConformanceConnector: ConformanceConnector = async (o) => {
  const options: IClientOptions = {
    protocolVersion: 5,
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: o.connectTimeoutMs,
    ...(o.ca ? { ca: o.ca } : {}),
  };
  const client = await connectAsync(o.url, options).catch((err: unknown) => {
    throw new ConnectRefusedError((err as Error)?.message ?? String(err), reasonCodeOf(err));
  });
  // Errors after the connection are those of a publish or subscribe, reported through their callbacks.
  client.on('error', () => undefined);
  return {
    subscribe: (topic) =>
      new Promise((resolve, reject) =>
        client.subscribe(topic, { qos: 1 }, (err, granted) => {
          const code = granted?.[0]?.qos ?? reasonCodeOf(err);
          if (code !== undefined) resolve(code);
          else reject(err ?? new Error(`no SUBACK for ${topic}`));
        }),
      ),
    publish: (topic, payload, responseTopic, correlationData) =>
      new Promise((resolve, reject) =>
        client.publish(topic, payload, { qos: 1, properties: { responseTopic, correlationData } }, (err, packet) => {
          // MQTT.js fails the callback for a PUBACK reason code ≥ 0x80, and hands over the packet with it.
          const code = (packet as { reasonCode?: number } | undefined)?.reasonCode ?? reasonCodeOf(err);
          if (code !== undefined) resolve(code);
          else if (err) reject(err);
          else resolve(0);
        }),
      ),
    onMessage: (listener) =>
      client.on('message', (topic, payload, packet) => listener(topic, payload, packet.properties?.correlationData)),
    end: () => client.endAsync().then(() => undefined),
  };
};
