import type { Redis } from 'ioredis';
import { EVENT_STREAMS } from '@ioc/contracts';
import type { StoredIncidentEvent } from '@ioc/domain';
import { BatchStream } from './batch-stream';

/** Entries kept; a gateway that lags further (or restarts) catches up from the database by seq. */
const MAX_ENTRIES = 50_000;

/**
 * Incident lifecycle events as committed, fanned out to the real-time gateways of every API process. The database
 * (incident_event.seq) stays the source of truth; this stream only saves them from polling it.
 */
export class IncidentEventStream extends BatchStream<StoredIncidentEvent> {
  constructor(redis: Redis, prefix: string) {
    super(redis, prefix, EVENT_STREAMS.incidentEvents, 'events', MAX_ENTRIES);
  }

  protected encode(events: readonly StoredIncidentEvent[]): string {
    return JSON.stringify(events);
  }

  protected decode(json: string): StoredIncidentEvent[] {
    return JSON.parse(json) as StoredIncidentEvent[];
  }
}
