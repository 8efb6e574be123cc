import type { Redis } from 'ioredis';
import { EVENT_STREAMS } from '@ioc/contracts';
import type { DeviceMessage } from '@ioc/domain';

/** Upper bound of stream entries kept (each entry is one committed batch); consumers that lag further read from the database. */
const MAX_ENTRIES = 100_000;

export interface StreamEntry<T> {
  readonly id: string;
  readonly items: T[];
}

type WireMessage = Omit<DeviceMessage, 'ts' | 'receivedAt' | 'bodyJson'> & { ts: string; receivedAt: string };

/** One JSON array per batch; each body goes in as the JSON text it already has, not serialised again. */
export function encodeDeviceMessages(messages: readonly DeviceMessage[]): string {
  const parts = messages.map(
    (m) =>
      `{"deviceId":${JSON.stringify(m.deviceId)},"msgId":${JSON.stringify(m.msgId)},"kind":"${m.kind}","domain":"${m.domain}",` +
      `"ts":"${m.ts.toISOString()}","receivedAt":"${m.receivedAt.toISOString()}","topic":${JSON.stringify(m.topic)},` +
      `${m.gatewayId === undefined ? '' : `"gatewayId":${JSON.stringify(m.gatewayId)},`}"body":${m.bodyJson}}`,
  );
  return `[${parts.join(',')}]`;
}

export function decodeDeviceMessages(json: string): DeviceMessage[] {
  return (JSON.parse(json) as WireMessage[]).map((m) => ({
    ...m,
    ts: new Date(m.ts),
    receivedAt: new Date(m.receivedAt),
    bodyJson: JSON.stringify(m.body),
  }));
}

/**
 * The internal stream of accepted device messages (Redis Streams), published after the batch that stored them has
 * committed. One entry per committed batch; consumer groups let the correlation role read with acknowledgements.
 */
export class DeviceMessageStream {
  readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:${EVENT_STREAMS.deviceMessages}`;
  }

  async publish(messages: readonly DeviceMessage[]): Promise<string | null> {
    if (messages.length === 0) return null;
    return this.redis.xadd(this.key, 'MAXLEN', '~', MAX_ENTRIES, '*', 'batch', encodeDeviceMessages(messages));
  }

  async ensureGroup(group: string, from: '$' | '0' = '$'): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key, group, from, 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /** Reads new entries for a consumer of a group; blocks up to blockMs when there are none. */
  async read(group: string, consumer: string, count: number, blockMs: number): Promise<StreamEntry<DeviceMessage>[]> {
    const res = (await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, '>')) as
      | Array<[string, Array<[string, string[]]>]>
      | null;
    if (!res) return [];
    return res[0][1].map(([id, fields]) => ({ id, items: decodeDeviceMessages(fields[fields.indexOf('batch') + 1]) }));
  }

  async ack(group: string, ids: string[]): Promise<number> {
    return ids.length ? this.redis.xack(this.key, group, ...ids) : 0;
  }

  /** Every entry from the start, for tests and tools (no group). */
  async readAll(count = 10_000): Promise<StreamEntry<DeviceMessage>[]> {
    const res = await this.redis.xrange(this.key, '-', '+', 'COUNT', count);
    return res.map(([id, fields]) => ({ id, items: decodeDeviceMessages(fields[fields.indexOf('batch') + 1]) }));
  }
}
