import type { Redis } from 'ioredis';
import { EVENT_STREAMS } from '@ioc/contracts';
import type { DeviceMessage } from '@ioc/domain';
import { BatchStream } from './batch-stream';

/** Upper bound of stream entries kept (each entry is one committed batch); consumers that lag further read from the database. */
const MAX_ENTRIES = 100_000;

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
export class DeviceMessageStream extends BatchStream<DeviceMessage> {
  constructor(redis: Redis, prefix: string) {
    super(redis, prefix, EVENT_STREAMS.deviceMessages, 'batch', MAX_ENTRIES);
  }

  protected encode(messages: readonly DeviceMessage[]): string {
    return encodeDeviceMessages(messages);
  }

  protected decode(json: string): DeviceMessage[] {
    return decodeDeviceMessages(json);
  }
}
