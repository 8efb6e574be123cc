import type { Redis } from 'ioredis';
import { decodeDeviceMessages, encodeDeviceMessages, EVENT_STREAMS } from '@ioc/contracts';
import type { DeviceMessage } from '@ioc/domain';
import { BatchStream } from './batch-stream';

/** Upper bound of stream entries kept (each entry is one committed batch); consumers that lag further read from the database. */
const MAX_ENTRIES = 100_000;

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
