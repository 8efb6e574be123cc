import type { Redis } from 'ioredis';

export interface StreamEntry<T> {
  readonly id: string;
  readonly items: T[];
}

type GroupReply = Array<[string, Array<[string, string[]]>]> | null;

/**
 * A Redis stream of batches: one entry per batch, its items encoded in one field, capped near `maxEntries`. Read in
 * consumer groups (with acknowledgements) or from the start; subclasses say how a batch is encoded.
 */
export abstract class BatchStream<T> {
  readonly key: string;

  protected constructor(
    protected readonly redis: Redis,
    prefix: string,
    stream: string,
    private readonly field: string,
    private readonly maxEntries: number,
  ) {
    this.key = `${prefix}:${stream}`;
  }

  protected abstract encode(items: readonly T[]): string;
  protected abstract decode(text: string): T[];

  /** Appends one batch; `encoded` is the batch already in this stream's encoding, when the caller has it. */
  async publish(items: readonly T[], encoded?: string): Promise<string | null> {
    if (items.length === 0) return null;
    return this.redis.xadd(this.key, 'MAXLEN', '~', this.maxEntries, '*', this.field, encoded ?? this.encode(items));
  }

  async ensureGroup(group: string, from: '$' | '0' = '$'): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key, group, from, 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /** Reads new entries for a consumer of a group; blocks up to blockMs when there are none. */
  async read(group: string, consumer: string, count: number, blockMs: number): Promise<StreamEntry<T>[]> {
    const res = (await this.redis.xreadgroup(
      'GROUP',
      group,
      consumer,
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.key,
      '>',
    )) as GroupReply;
    if (!res) return [];
    return res[0][1].map(([id, fields]) => this.entry(id, fields));
  }

  async ack(group: string, ids: string[]): Promise<number> {
    return ids.length ? this.redis.xack(this.key, group, ...ids) : 0;
  }

  /** Entries after `afterId` ('0' = from the start), oldest first; no group. */
  async readAfter(afterId: string, count = 10_000): Promise<StreamEntry<T>[]> {
    const res = await this.redis.xrange(this.key, afterId === '0' ? '-' : `(${afterId}`, '+', 'COUNT', count);
    return res.map(([id, fields]) => this.entry(id, fields));
  }

  protected entry(id: string, fields: string[]): StreamEntry<T> {
    return { id, items: this.decode(fields[fields.indexOf(this.field) + 1]) };
  }
}
