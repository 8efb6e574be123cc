import type { Redis } from 'ioredis';
import { EVENT_STREAMS } from '@ioc/contracts';
import type { FieldReport } from '@ioc/domain';
import { BatchStream } from './batch-stream';

const MAX_ENTRIES = 10_000;

/** Field reports between processes (Redis Streams): an API process publishes after storing, the correlate role reads in a group. */
export class FieldReportStream extends BatchStream<FieldReport> {
  constructor(redis: Redis, prefix: string) {
    super(redis, prefix, EVENT_STREAMS.fieldReports, 'reports', MAX_ENTRIES);
  }

  protected encode(reports: readonly FieldReport[]): string {
    return JSON.stringify(reports);
  }

  protected decode(json: string): FieldReport[] {
    return JSON.parse(json) as FieldReport[];
  }
}
