import type { Redis } from 'ioredis';
import { EVENT_STREAMS } from '@ioc/contracts';
import type { FieldReport } from '@ioc/domain';
import type { StreamEntry } from './event-stream';

const MAX_ENTRIES = 10_000;

/** Field reports between processes (Redis Streams): an API process publishes after storing, the correlate role reads in a group. */
export class FieldReportStream {
  readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:${EVENT_STREAMS.fieldReports}`;
  }

  async publish(reports: readonly FieldReport[]): Promise<string | null> {
    if (reports.length === 0) return null;
    return this.redis.xadd(this.key, 'MAXLEN', '~', MAX_ENTRIES, '*', 'reports', JSON.stringify(reports));
  }

  async ensureGroup(group: string, from: '$' | '0' = '$'): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key, group, from, 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  async read(group: string, consumer: string, count: number, blockMs: number): Promise<StreamEntry<FieldReport>[]> {
    const res = (await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, '>')) as
      | Array<[string, Array<[string, string[]]>]>
      | null;
    if (!res) return [];
    return res[0][1].map(([id, fields]) => ({ id, items: JSON.parse(fields[fields.indexOf('reports') + 1]) as FieldReport[] }));
  }

  async ack(group: string, ids: string[]): Promise<number> {
    return ids.length ? this.redis.xack(this.key, group, ...ids) : 0;
  }
}
