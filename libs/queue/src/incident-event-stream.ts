import type { Redis } from 'ioredis';
import { EVENT_STREAMS } from '@ioc/contracts';
import type { StoredIncidentEvent } from '@ioc/domain';

/** Entries kept; a gateway that lags further (or restarts) catches up from the database by seq. */
const MAX_ENTRIES = 50_000;

/**
 * Incident lifecycle events as committed, fanned out to the real-time gateways of every API process. The database
 * (incident_event.seq) stays the source of truth; this stream only saves them from polling it.
 */
export class IncidentEventStream {
  readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:${EVENT_STREAMS.incidentEvents}`;
  }

  async publish(events: readonly StoredIncidentEvent[]): Promise<string | null> {
    if (events.length === 0) return null;
    return this.redis.xadd(this.key, 'MAXLEN', '~', MAX_ENTRIES, '*', 'events', JSON.stringify(events));
  }

  /** Entries after `afterId` ('0' = from the start), oldest first. */
  async readAfter(afterId: string, count = 1_000): Promise<Array<{ id: string; events: StoredIncidentEvent[] }>> {
    const res = await this.redis.xrange(this.key, afterId === '0' ? '-' : `(${afterId}`, '+', 'COUNT', count);
    return res.map(([id, fields]) => ({ id, events: JSON.parse(fields[fields.indexOf('events') + 1]) as StoredIncidentEvent[] }));
  }
}
