import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { IncidentNotification, StoredIncidentEvent } from '@ioc/domain';

export interface TailHandlers {
  /** The events of the `stream:incident-events` entries one read returned (several committed changes, any order). */
  events(events: StoredIncidentEvent[]): void;
  notification(notification: IncidentNotification): void;
}

const BLOCK_MS = 1_000;
const COUNT = 1_000;

/**
 * The process's one blocking reader (XREAD BLOCK, on a dedicated connection) of the incident-event and notification
 * streams, from their ends at start: what was appended before is in the database, which catch-ups read.
 * Field names as written by IncidentEventStream.publish (`events`) and RedisStreamNotifier (`notification`).
 */
export class StreamTail {
  private running = false;
  private loop?: Promise<void>;
  private ids: string[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly keys: { readonly incidentEvents: string; readonly notifications: string },
    private readonly handlers: TailHandlers,
    private readonly logger: Logger,
  ) {}

  /**
   * Fixes the tail's position at the streams' ends (anything appended later is read), runs `beforeReading` (the feed
   * reads the database head: an event committed after that is published after this position), then reads.
   */
  async start(beforeReading: () => Promise<void>): Promise<void> {
    const last = async (key: string) => (await this.redis.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    this.ids = [await last(this.keys.incidentEvents), await last(this.keys.notifications)];
    await beforeReading();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    // Unblocks the pending XREAD.
    this.redis.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    const keys = [this.keys.incidentEvents, this.keys.notifications];
    while (this.running) {
      try {
        const res = (await this.redis.xread(
          'COUNT',
          COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...this.ids,
        )) as Array<[string, Array<[string, string[]]>]> | null;
        if (!res) continue;
        // One hand-over per read: the feed orders and checks a whole backlog at once.
        const events: StoredIncidentEvent[] = [];
        for (const [key, entries] of res) {
          const i = keys.indexOf(key);
          for (const [id, fields] of entries) {
            this.ids[i] = id;
            try {
              if (i === 0) events.push(...(JSON.parse(fields[fields.indexOf('events') + 1]) as StoredIncidentEvent[]));
              else
                this.handlers.notification(
                  JSON.parse(fields[fields.indexOf('notification') + 1]) as IncidentNotification,
                );
            } catch (err) {
              this.logger.error({ err, key, id }, 'unreadable stream entry skipped');
            }
          }
        }
        if (events.length > 0) this.handlers.events(events);
      } catch (err) {
        if (!this.running) return;
        this.logger.warn({ err }, 'stream tail read failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}
